"""The VBP API: rounds and results (public), sealed bids (a company's own, never a price before the
opening), demand, allocations and contracts (scoped)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from procurement.api.viewsets import ScopedReadOnlyViewSet
from vbp import services
from vbp.api.serializers import (
    AllocationSerializer,
    BidInputSerializer,
    BidResultSerializer,
    BidSerializer,
    ContractSerializer,
    DemandInputSerializer,
    DemandSerializer,
    RoundSerializer,
    ShortageWarningSerializer,
    SupplyInputSerializer,
    SupplyReportSerializer,
)
from vbp.choices import RoundStatus
from vbp.models import Allocation, Bid, BidResult, Contract, DemandReport, Round, ShortageWarning, SupplyReport


class RoundViewSet(ScopedReadOnlyViewSet):
    """VBP rounds, their units and winners (public once announced: R-VBP-9's results)."""

    permission_classes = [AllowAny]
    queryset = Round.objects.exclude(status=RoundStatus.DRAFT).prefetch_related("units__winners__manufacturer")
    serializer_class = RoundSerializer
    filterset_fields = ["kind", "status"]


class BidResultViewSet(ScopedReadOnlyViewSet):
    """Opened bids: prices, validity and outcome (public after the opening: R-VBP-9)."""

    permission_classes = [AllowAny]
    queryset = BidResult.objects.select_related("product", "manufacturer")
    serializer_class = BidResultSerializer
    filterset_fields = ["unit", "outcome", "manufacturer"]


class BidViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """A company's own sealed bids (R-VBP-8, R-VBP-9): posted until the deadline (a second post for the same
    unit replaces the first); read back as receipts, never prices. Nobody else is given them."""

    queryset = Bid.objects.select_related("product")
    serializer_class = BidSerializer
    filterset_fields = ["unit"]

    @extend_schema(request=BidInputSerializer, responses={201: BidSerializer})
    def create(self, request, *args, **kwargs):
        data = BidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        bid = services.bid_submit(
            actor=request.user, unit_id=values["unit"], product_code=values["product_code"], price=values["price"]
        )
        return Response(BidSerializer(self.get_queryset().get(pk=bid.pk)).data, status=status.HTTP_201_CREATED)


class DemandViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Hospitals' demand reports (R-VBP-2), with last year's use beside them."""

    queryset = DemandReport.objects.all()
    serializer_class = DemandSerializer
    filterset_fields = ["unit", "hospital"]

    @extend_schema(request=DemandInputSerializer, responses={201: DemandSerializer})
    def create(self, request, *args, **kwargs):
        data = DemandInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = services.demand_report(
            actor=request.user, unit_id=values["unit"], reported_units=values["reported_units"], note=values["note"]
        )
        return Response(DemandSerializer(self.get_queryset().get(pk=report.pk)).data, status=status.HTTP_201_CREATED)


class AllocationViewSet(ScopedReadOnlyViewSet):
    """Hospitals' shares of the agreed volumes (R-VBP-3), confirmed before their deadline."""

    queryset = Allocation.objects.all()
    serializer_class = AllocationSerializer
    filterset_fields = ["unit", "hospital"]

    @extend_schema(request=None, responses=AllocationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        allocation = services.allocation_confirm(actor=request.user, allocation_id=self.get_object().pk)
        return Response(AllocationSerializer(allocation).data)


class ContractViewSet(ScopedReadOnlyViewSet):
    """VBP contracts (R-VBP-4) with their completion (R-VBP-5)."""

    queryset = Contract.objects.select_related("product", "progress")
    serializer_class = ContractSerializer
    filterset_fields = ["unit", "hospital", "manufacturer"]


class SupplyReportViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """A winning company's monthly capacity and stock (R-VBP-11); a second post for a month corrects it."""

    queryset = SupplyReport.objects.all()
    serializer_class = SupplyReportSerializer
    filterset_fields = ["winner", "month"]

    @extend_schema(request=SupplyInputSerializer, responses={201: SupplyReportSerializer})
    def create(self, request, *args, **kwargs):
        data = SupplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = services.supply_report(
            actor=request.user,
            winner_id=values["winner"],
            month=values["month"],
            capacity_units=values["capacity_units"],
            stock_units=values["stock_units"],
        )
        return Response(
            SupplyReportSerializer(self.get_queryset().get(pk=report.pk)).data, status=status.HTTP_201_CREATED
        )


class ShortageWarningViewSet(ScopedReadOnlyViewSet):
    """Shortage warnings (R-VBP-11), for the bureau, the hospitals with a contract and the company."""

    queryset = ShortageWarning.objects.select_related("winner__product")
    serializer_class = ShortageWarningSerializer
    filterset_fields = ["winner", "month"]
