from django.utils import timezone
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.api.viewsets import ScopedListViewSet, ScopedReadOnlyViewSet
from procurement.core.errors import PermissionDenied
from supervision import selectors, services
from supervision.api.serializers import (
    AbnormalItemSerializer,
    CaseOpenSerializer,
    CaseSerializer,
    CloseInputSerializer,
    EvidenceInputSerializer,
    FlagSerializer,
    IndicatorValueSerializer,
    InterviewInputSerializer,
    ReviewInputSerializer,
    StockReportInputSerializer,
    StockReportSerializer,
    SupplySerializer,
)
from supervision.models import AbnormalItem, Case, IndicatorValue, StockReport


def _require_supervisor(user) -> None:
    if not services.can_supervise(user):
        raise PermissionDenied("Only the bureau's supervisors read flags and keep interview cases.", code="forbidden")


class _Flagged:
    def __init__(self, flag, case_open):
        self.__dict__.update(
            key=flag.key,
            source=flag.source,
            subject=flag.subject,
            found=flag.found,
            explanation=flag.explanation,
            figures=flag.figures,
            case_open=case_open,
        )


class FlagListView(APIView):
    """R-SUP-5: today's flags of every channel the bureau may see (R-SUP-2), from the core's flag registry."""

    @extend_schema(responses=FlagSerializer(many=True))
    def get(self, request):
        _require_supervisor(request.user)
        wanted = request.query_params.get("flag")
        rows = selectors.flags_with_cases(request.user, timezone.localdate(), keys=[wanted] if wanted else None)
        return Response(FlagSerializer([_Flagged(flag, has_case) for flag, has_case in rows], many=True).data)


class CaseViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """R-SUP-5: interview cases — opened from a flag, interview recorded, documents received, closed."""

    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    filterset_fields = ["status", "subject_kind", "conclusion", "flag_key", "subject"]
    filter_backends = [DjangoFilterBackend, SearchFilter]
    search_fields = ["subject__name", "flag_label", "explanation"]

    def get_queryset(self):
        _require_supervisor(self.request.user)
        return selectors.cases_for(self.request.user, timezone.localdate()).prefetch_related("evidence__uploaded_by")

    def _answer(self, case_id, code=status.HTTP_200_OK):
        return Response(CaseSerializer(self.get_queryset().get(pk=case_id)).data, status=code)

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSerializer})
    def create(self, request, *args, **kwargs):
        data = CaseOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = services.case_open_from_flag(
            actor=request.user,
            flag_key=values["flag"],
            subject_id=values["subject"],
            day=timezone.localdate(),
            detail=values["detail"],
        )
        return self._answer(case.pk, status.HTTP_201_CREATED)

    @extend_schema(request=InterviewInputSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def interview(self, request, pk=None):
        case = self.get_object()
        data = InterviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.interview_record(actor=request.user, case_id=case.pk, **data.validated_data)
        return self._answer(case.pk)

    @extend_schema(request={"multipart/form-data": EvidenceInputSerializer}, responses=CaseSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        case = self.get_object()
        data = EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.evidence_add(
            actor=request.user,
            case_id=case.pk,
            upload=values["file"],
            note=values["note"],
            received_on=values["received_on"],
        )
        return self._answer(case.pk)

    @extend_schema(request=CloseInputSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def close(self, request, pk=None):
        case = self.get_object()
        data = CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_close(actor=request.user, case_id=case.pk, **data.validated_data)
        return self._answer(case.pk)


class AbnormalItemViewSet(ScopedReadOnlyViewSet):
    """R-SUP-4: the abnormal price and purchase review list; mark an item reviewed or open a case from it."""

    queryset = AbnormalItem.objects.all()
    serializer_class = AbnormalItemSerializer
    filterset_fields = ["kind", "status", "subject", "product", "period"]
    filter_backends = [DjangoFilterBackend, SearchFilter]
    search_fields = ["subject__name", "product__generic_name", "product__code"]

    def get_queryset(self):
        _require_supervisor(self.request.user)
        return selectors.abnormal_items_for(self.request.user).order_by("status", "-detected_on", "id")

    @extend_schema(request=ReviewInputSerializer, responses=AbnormalItemSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def review(self, request, pk=None):
        item = self.get_object()
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.abnormal_item_review(actor=request.user, item_id=item.pk, note=data.validated_data["note"])
        return Response(AbnormalItemSerializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(request=None, responses={201: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="open-case")
    def open_case(self, request, pk=None):
        item = self.get_object()
        case = services.abnormal_item_open_case(actor=request.user, item_id=item.pk)
        return Response(
            CaseSerializer(selectors.cases_for(request.user, timezone.localdate()).get(pk=case.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class StockReportViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """R-SUP-6: distributors' stock per product and month; a distributor files its own (again: corrected)."""

    queryset = StockReport.objects.select_related("distributor", "product")
    serializer_class = StockReportSerializer
    filterset_fields = ["distributor", "product", "month"]

    @extend_schema(request=StockReportInputSerializer, responses={201: StockReportSerializer})
    def create(self, request, *args, **kwargs):
        data = StockReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.stock_report_file(actor=request.user, **data.validated_data)
        return Response(StockReportSerializer(report).data, status=status.HTTP_201_CREATED)


class SupplyView(APIView):
    """R-SUP-6: per distributor, a month's fulfilment rate and median hours, over the reader's scoped lines."""

    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM; this month when absent.")],
        responses=SupplySerializer(many=True),
    )
    def get(self, request):
        from procurement.core.policy import policy

        user = request.user
        if not (user.is_superuser or user.kind in ("bureau", "distributor")):
            raise PermissionDenied("Bureau staff and distributors read supply figures.", code="forbidden")
        month, next_month = selectors.month_of(request.query_params.get("month", ""), timezone.localdate())
        rows = selectors.supply_by_distributor(user, month, next_month, policy("SUPPLY_DELIVERY_HOURS"))
        return Response(SupplySerializer(rows, many=True).data)


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
