from django_filters import rest_framework as filters

from procurement.api.viewsets import ScopedListViewSet
from supervision.api.serializers import IndicatorValueSerializer
from supervision.models import IndicatorValue


class IndicatorValueFilter(filters.FilterSet):
    region = filters.CharFilter(
        field_name="hospital__region__path", lookup_expr="contains", help_text="A region code: its hospitals."
    )

    class Meta:
        model = IndicatorValue
        fields = ["month", "indicator", "hospital", "frozen", "region"]


class IndicatorValueViewSet(ScopedListViewSet):
    """R-SUP-1: each hospital's indicator figures per month — numerator and denominator (the rate is their
    quotient; a region's is the sum of its hospitals'). R-SUP-2: a city or county bureau reads its region's
    hospitals, a hospital its own."""

    queryset = IndicatorValue.objects.select_related("hospital__region").order_by("month", "indicator", "hospital_id")
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilter
