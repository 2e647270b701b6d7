from rest_framework import serializers

from supervision.models import IndicatorValue


class IndicatorValueSerializer(serializers.ModelSerializer):
    hospital_name = serializers.CharField(source="hospital.name", read_only=True)
    region = serializers.CharField(source="hospital.region.code", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["hospital", "hospital_name", "region", "month", "indicator", "numerator", "denominator", "frozen"]
