from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from procurement.api.pagination import PagePagination
from procurement.api.serializers import reason_from
from procurement.api.viewsets import PullView, ScopedListViewSet, ScopedReadOnlyViewSet
from procurement.catalogue.models import Product
from procurement.core.errors import DomainError, PermissionDenied
from procurement.orders import selectors, services
from procurement.orders.api.serializers import (
    AcceptInputSerializer,
    DesignationSerializer,
    OfflinePurchaseSerializer,
    OrderInputSerializer,
    OrderLineSerializer,
    OrderSeenSerializer,
    OrderSerializer,
    PriceQuoteSerializer,
    QuantityReasonSerializer,
    ReasonSerializer,
    ShipInputSerializer,
    ShipmentSerializer,
)
from procurement.orders.choices import OrderSource
from procurement.orders.models import DistributorDesignation, OfflinePurchase, Order, OrderLine, Shipment
from procurement.organisations.models import Organisation, Region

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="A key unique to this order (e.g. the HIS order number): a retry with the same key and body returns "
    "the first order, never a second; the same key with another body is refused (409).",
)


def idempotency_key(request) -> str | None:
    """R-ORD-5: the order's Idempotency-Key — required from a HIS (a retry without one would make a second
    order), optional from the browser (its form sends one). Printable ASCII of at most 100 characters,
    stored exactly as sent (issue 11 #11); anything else is refused naming the header."""
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is None:
        if request.auth is not None:
            raise DomainError(
                _("A HIS sends each order with an Idempotency-Key header (e.g. its own order number)."),
                code="required",
                field="Idempotency-Key",
                rule="R-ORD-5",
            )
        return None
    if len(key) > 100 or not (key.isascii() and key.isprintable()):
        raise DomainError(
            _("The Idempotency-Key is printable ASCII of at most 100 characters."),
            code="invalid",
            field="Idempotency-Key",
            rule="R-ORD-5",
        )
    return key


class OrderViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Orders (R-ORD-2 … 5): a hospital's buyer or HIS places them; prices are resolved by the platform."""

    queryset = Order.objects.all()
    serializer_class = OrderSeenSerializer
    parser_classes = [JSONParser]

    def get_queryset(self):
        # Issue 11 #2: the orders in scope, each with only the lines in scope and their sum.
        return selectors.orders_seen_by(self.request.user, self.queryset.all())

    # The hospital placing an order sees all of it: the answer is the order as written.
    @extend_schema(
        parameters=[IDEMPOTENCY], request=OrderInputSerializer, responses={201: OrderSerializer, 200: OrderSerializer}
    )
    def create(self, request, *args, **kwargs):
        data = OrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = idempotency_key(request)
        lines = [
            services.LineRequest(line["product_code"].strip(), line["quantity"], line["distributor"])
            for line in data.validated_data["lines"]
        ]
        submitted = services.order_submit(
            actor=request.user,
            lines=lines,
            idempotency_key=key,
            note=data.validated_data["note"],
            source=OrderSource.HIS if request.auth is not None else OrderSource.BROWSER,
        )
        if submitted.replayed:
            order = Order.objects.prefetch_related("lines__product").get(pk=submitted.order.pk)
        else:
            order = submitted.order  # its lines are in memory as written: no read back
        return Response(
            OrderSerializer(order).data, status=status.HTTP_200_OK if submitted.replayed else status.HTTP_201_CREATED
        )


class OrderLineViewSet(ScopedReadOnlyViewSet):
    """Order lines and their lifecycle (R-ORD-4): the distributor confirms, declines, ships; the hospital cancels."""

    queryset = OrderLine.objects.select_related("product")
    serializer_class = OrderLineSerializer
    filterset_fields = ["status", "order"]

    def _line(self, request, operation, **extra):
        line = operation(actor=request.user, line_id=self.get_object().pk, **extra)
        return Response(OrderLineSerializer(OrderLine.objects.select_related("product").get(pk=line.pk)).data)

    @extend_schema(request=None, responses=OrderLineSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._line(request, services.line_confirm)

    @extend_schema(request=ReasonSerializer, responses=OrderLineSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._line(request, services.line_decline, reason=reason_from(request))

    @extend_schema(request=ReasonSerializer, responses=OrderLineSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._line(request, services.line_cancel, reason=reason_from(request))

    @extend_schema(request={"multipart/form-data": ShipInputSerializer}, responses={201: ShipmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def ship(self, request, pk=None):
        data = ShipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shipment = services.shipment_create(actor=request.user, line_id=self.get_object().pk, **data.validated_data)
        return Response(ShipmentSerializer(shipment).data, status=status.HTTP_201_CREATED)


class ShipmentViewSet(ScopedReadOnlyViewSet):
    """Batches shipped; the hospital accepts (in full or in part) or rejects each once; returns after acceptance."""

    queryset = Shipment.objects.select_related("line__product")
    serializer_class = ShipmentSerializer
    filterset_fields = ["status", "line"]

    @extend_schema(request=AcceptInputSerializer, responses=ShipmentSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = AcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shipment = services.shipment_accept(actor=request.user, shipment_id=self.get_object().pk, **data.validated_data)
        return Response(ShipmentSerializer(shipment).data)

    @extend_schema(request=QuantityReasonSerializer, responses=ShipmentSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        data = QuantityReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shipment = self.get_object()
        services.shipment_return(actor=request.user, shipment_id=shipment.pk, **data.validated_data)
        return Response(ShipmentSerializer(Shipment.objects.get(pk=shipment.pk)).data)


class PricesView(GenericAPIView):
    """R-ORD-2: what the hospital may order — each product's price and its source, or why it cannot buy it,
    and the distributors that may deliver it (R-ORD-3). With ``codes``, those products (any code of the
    catalogue); else every product a price source offers the hospital, searchable with ``q``. Paginated."""

    pagination_class = PagePagination
    queryset = Product.objects.none()  # the products are chosen in get(): for the schema, what they are

    @extend_schema(
        parameters=[
            OpenApiParameter("codes", str, description="comma-separated drug codes (≤ 200)"),
            OpenApiParameter("q", str, description="search words: name, strength, pinyin initials, code, manufacturer"),
        ],
        responses=PriceQuoteSerializer(many=True),
    )
    def get(self, request):
        if not services.can_order(request.user):
            raise PermissionDenied(_("Prices are resolved for a hospital's buyer or HIS."), code="forbidden")
        hospital, today = request.user.organisation, timezone.localdate()
        codes = [code.strip() for code in request.query_params.get("codes", "").split(",") if code.strip()][:200]
        if codes:
            products = Product.objects.filter(code__in=codes).select_related("manufacturer").order_by("code")
        else:
            products = selectors.offered_to(hospital, on=today, text=request.query_params.get("q", ""))
        page = self.paginate_queryset(products)
        rows = [
            {
                "product_code": offer.product.code,
                "generic_name": offer.product.generic_name,
                "specification": offer.product.specification,
                "pack": offer.product.pack_description,
                "manufacturer": offer.product.manufacturer.name,
                "orderable": offer.orderable,
                "price": offer.quote.price if offer.quote else None,
                "source": offer.quote.source if offer.quote else "",
                "source_label": offer.quote.label if offer.quote else "",
                "refusal_code": offer.refusal.code if offer.refusal else "",
                "rule": offer.refusal.rule if offer.refusal else "",
                "refusal": offer.refusal.message if offer.refusal else "",
                "distributors": [pk for pk, _name in offer.distributors],
            }
            for offer in selectors.offers_for(hospital, page, on=today)
        ]
        return self.get_paginated_response(PriceQuoteSerializer(rows, many=True).data)


class LineChangesView(PullView):
    serializer = OrderLineSerializer
    queryset = OrderLine.objects.select_related("product")


class ShipmentChangesView(PullView):
    serializer = ShipmentSerializer
    queryset = Shipment.objects.select_related("line__product")


class DesignationViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ScopedListViewSet):
    """R-ORD-3: the distributors a manufacturer names per product and region."""

    queryset = DistributorDesignation.objects.select_related("product", "region").order_by(
        "product_id", "region_id", "id"
    )
    serializer_class = DesignationSerializer
    filterset_fields = ["distributor", "is_active"]

    def create(self, request, *args, **kwargs):
        data = DesignationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        designation = services.designation_add(
            actor=request.user,
            product=get_object_or_404(Product, code=values["product"]["code"]),
            region=get_object_or_404(Region, code=values["region"]["code"]),
            distributor=values["distributor"]
            if isinstance(values["distributor"], Organisation)
            else get_object_or_404(Organisation, pk=values["distributor"]),
        )
        return Response(DesignationSerializer(designation).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.designation_remove(actor=request.user, designation_id=self.get_object().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OfflinePurchaseViewSet(mixins.CreateModelMixin, ScopedListViewSet):
    """R-ORD-1: purchases made outside the platform, reported by the hospital."""

    queryset = OfflinePurchase.objects.all()
    serializer_class = OfflinePurchaseSerializer

    def create(self, request, *args, **kwargs):
        data = OfflinePurchaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        code = values.pop("product_code", "")
        product = get_object_or_404(Product, code=code) if code else None
        purchase = services.offline_purchase_report(actor=request.user, product=product, **values)
        return Response(OfflinePurchaseSerializer(purchase).data, status=status.HTTP_201_CREATED)
