from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from procurement.api.fields import WholeNumberField
from supervision.choices import Conclusion
from supervision.models import AbnormalItem, Case, CaseEvidence, IndicatorValue, Interview, StockReport


class FlagSerializer(serializers.Serializer):
    flag = serializers.CharField(source="key")
    label = serializers.CharField(source="source.label")
    rule = serializers.CharField(source="source.rule")
    subject_kind = serializers.CharField(source="source.subject")
    subject = serializers.IntegerField(source="subject.pk")
    subject_name = serializers.CharField(source="subject.name")
    detail = serializers.CharField(source="found.detail")
    explanation = serializers.CharField()
    figures = serializers.DictField()
    case_open = serializers.BooleanField()


class InterviewSerializer(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = Interview
        fields = [
            "held_on",
            "place",
            "attendees",
            "minutes",
            "deadline",
            "deadline_working_days",
            "deadline_provisional",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class CaseEvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.StringRelatedField()

    class Meta:
        model = CaseEvidence
        fields = ["id", "name", "note", "received_on", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    interview = serializers.SerializerMethodField()
    evidence = CaseEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "subject",
            "subject_name",
            "subject_kind",
            "flag_key",
            "flag_label",
            "rule",
            "detail",
            "explanation",
            "figures",
            "flag_day",
            "status",
            "overdue",
            "opened_at",
            "interview",
            "evidence",
            "conclusion",
            "closing_note",
            "closed_on",
        ]
        read_only_fields = fields

    @extend_schema_field(InterviewSerializer(allow_null=True))
    def get_interview(self, case):
        interview = getattr(case, "interview", None)
        return InterviewSerializer(interview).data if interview is not None else None


class CaseOpenSerializer(serializers.Serializer):
    flag = serializers.CharField()
    subject = WholeNumberField()
    detail = serializers.CharField(required=False, allow_blank=True, default="")


class InterviewInputSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    place = serializers.CharField()
    attendees = serializers.CharField()
    minutes = serializers.CharField()


class EvidenceInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A PDF or an image (JPEG, PNG).")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    received_on = serializers.DateField(required=False, allow_null=True, default=None)


class CloseInputSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    note = serializers.CharField()


class AbnormalItemSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    product_code = serializers.CharField(source="product.code", read_only=True)
    generic_name = serializers.CharField(source="product.generic_name", read_only=True)
    explanation = serializers.CharField(read_only=True)

    class Meta:
        model = AbnormalItem
        fields = [
            "id",
            "kind",
            "subject",
            "subject_name",
            "subject_kind",
            "product",
            "product_code",
            "generic_name",
            "period",
            "figures",
            "explanation",
            "detected_on",
            "status",
            "review_note",
            "case",
        ]
        read_only_fields = fields


class ReviewInputSerializer(serializers.Serializer):
    note = serializers.CharField()


class StockReportSerializer(serializers.ModelSerializer):
    distributor_name = serializers.CharField(source="distributor.name", read_only=True)
    product_code = serializers.CharField(source="product.code", read_only=True)

    class Meta:
        model = StockReport
        fields = [
            "id",
            "distributor",
            "distributor_name",
            "product",
            "product_code",
            "month",
            "stock_packs",
            "note",
            "reported_at",
        ]
        read_only_fields = fields


class StockReportInputSerializer(serializers.Serializer):
    product_code = serializers.CharField(max_length=23)
    month = serializers.DateField(help_text="Any day of the month; stored as its first day.")
    stock_packs = WholeNumberField(min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SupplySerializer(serializers.Serializer):
    distributor = serializers.IntegerField(source="distributor.pk")
    distributor_name = serializers.CharField(source="distributor.name")
    lines = serializers.IntegerField()
    ordered = serializers.IntegerField()
    shipped = serializers.IntegerField()
    accepted = serializers.IntegerField()
    in_time = serializers.IntegerField()
    fulfilment_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    median_hours_to_shipment = serializers.DecimalField(max_digits=9, decimal_places=1, allow_null=True)
    median_hours_to_acceptance = serializers.DecimalField(max_digits=9, decimal_places=1, allow_null=True)


class IndicatorValueSerializer(serializers.ModelSerializer):
    hospital_name = serializers.CharField(source="hospital.name", read_only=True)
    region = serializers.CharField(source="hospital.region.code", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["hospital", "hospital_name", "region", "month", "indicator", "numerator", "denominator", "frozen"]
