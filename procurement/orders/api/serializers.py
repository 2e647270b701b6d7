import re

from rest_framework import serializers

from procurement.api.fields import WholeNumberField
from procurement.api.serializers import (
    ReasonSerializer,  # noqa: F401  (re-exported for the views)
    RepresentedDirectly,
)
from procurement.orders.models import DistributorDesignation, OfflinePurchase, Order, OrderLine, Shipment
from procurement.orders.quantities import LINE_QUANTITY_MAX


class OrderLineSerializer(RepresentedDirectly, serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    generic_name = serializers.CharField(source="product.generic_name", read_only=True)

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "order",
            "product_code",
            "generic_name",
            "distributor",
            "quantity",
            "price",
            "price_source",
            "amount",
            "status",
            "shipped_quantity",
            "accepted_quantity",
            "returned_quantity",
            "closed_quantity",
            "reason",
            "created_at",
        ]
        read_only_fields = fields


class OrderSerializer(RepresentedDirectly, serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "hospital", "source", "idempotency_key", "note", "total", "created_at", "lines"]
        read_only_fields = fields


class OrderSeenSerializer(OrderSerializer):
    """An order as a reader sees it (issue 11 #2): the lines the reader may see and their sum — for a
    distributor its own lines only; for the hospital and the bureau every line and the order's total."""

    lines = OrderLineSerializer(source="lines_seen", many=True, read_only=True)
    total = serializers.DecimalField(source="amount_seen", max_digits=16, decimal_places=2, read_only=True)

    class Meta(OrderSerializer.Meta):
        pass


CODE_MAX_LENGTH, QUANTITY_MAX, NOTE_MAX_LENGTH = 23, LINE_QUANTITY_MAX, 200
ID_MAX = 2**63 - 1  # a bigint: an id past it names nothing (and must not reach the database)

# What DRF's CharField refuses besides length and blankness: NUL characters and lone surrogates.
_REFUSED_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


class LineInputSerializer(serializers.Serializer):
    product_code = serializers.CharField(max_length=CODE_MAX_LENGTH)
    # Whole JSON numbers only (issue 11 #11): "5", 5.5, true and full-width digits are refused.
    quantity = WholeNumberField(min_value=1, max_value=QUANTITY_MAX)
    distributor = WholeNumberField(min_value=1, max_value=ID_MAX)


def _text(value, max_length: int, allow_blank: bool) -> str | None:
    """``value`` as DRF's CharField (trimmed) takes it, or None when it might refuse it or convert it."""
    if type(value) is not str:
        return None
    value = value.strip()
    if (not value and not allow_blank) or len(value) > max_length or _REFUSED_CHARACTERS.search(value):
        return None
    return value


def order_input_at_once(data) -> dict | None:
    """An order body in the usual shape — a dict of lines, each a dict of a code (a string), a quantity and
    a distributor (integers) within bounds, and a note — as DRF's validation returns it, checked in plain
    Python; None for anything else, which then goes DRF's way (and gets DRF's errors)."""
    if type(data) is not dict:
        return None
    lines = data.get("lines")
    note = _text(data.get("note", ""), NOTE_MAX_LENGTH, allow_blank=True)
    if type(lines) is not list or note is None:
        return None
    valid = []
    for line in lines:
        if type(line) is not dict:
            return None
        code = _text(line.get("product_code"), CODE_MAX_LENGTH, allow_blank=False)
        quantity, distributor = line.get("quantity"), line.get("distributor")
        if (
            code is None
            or type(quantity) is not int
            or type(distributor) is not int
            or not 1 <= quantity <= QUANTITY_MAX
            or not 1 <= distributor <= ID_MAX
        ):
            return None
        valid.append({"product_code": code, "quantity": quantity, "distributor": distributor})
    return {"lines": valid, "note": note}


class OrderInputSerializer(serializers.Serializer):
    """An order as a HIS or the browser posts it. Every HIS order goes through here: a body in the usual
    shape is checked in plain Python (``order_input_at_once``: DRF's nested serializers cost more than
    the rest of the request), anything else by DRF, so every refusal is DRF's own."""

    lines = LineInputSerializer(many=True)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")

    def run_validation(self, data=serializers.empty):
        valid = order_input_at_once(data)
        return super().run_validation(data) if valid is None else valid


class ShipmentSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="line.product.code", read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "line",
            "product_code",
            "batch_number",
            "production_date",
            "expiry_date",
            "quantity",
            "status",
            "accepted_quantity",
            "returned_quantity",
            "rejection_reason",
            "shipped_at",
            "accepted_at",
        ]
        read_only_fields = fields


class ShipInputSerializer(serializers.Serializer):
    batch_number = serializers.CharField(max_length=40)
    production_date = serializers.DateField()
    expiry_date = serializers.DateField()
    quantity = WholeNumberField(form=True, min_value=1, max_value=LINE_QUANTITY_MAX)
    inspection_report = serializers.FileField()


class AcceptInputSerializer(serializers.Serializer):
    accepted_quantity = WholeNumberField(min_value=0, max_value=LINE_QUANTITY_MAX)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class QuantityReasonSerializer(serializers.Serializer):
    quantity = WholeNumberField(min_value=1, max_value=LINE_QUANTITY_MAX)
    reason = serializers.CharField()


class DesignationSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code")
    region = serializers.CharField(source="region.code")

    class Meta:
        model = DistributorDesignation
        fields = ["id", "product_code", "region", "distributor", "is_active"]
        read_only_fields = ["id", "is_active"]


class OfflinePurchaseSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(required=False, allow_blank=True, write_only=True)

    class Meta:
        model = OfflinePurchase
        fields = [
            "id",
            "product_code",
            "product",
            "description",
            "quantity",
            "amount",
            "purchased_on",
            "reason",
            "reported_at",
        ]
        read_only_fields = ["id", "product", "reported_at"]


class PriceQuoteSerializer(serializers.Serializer):
    product_code = serializers.CharField()
    generic_name = serializers.CharField()
    specification = serializers.CharField()
    pack = serializers.CharField()
    manufacturer = serializers.CharField()
    orderable = serializers.BooleanField()
    price = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    source = serializers.CharField(allow_blank=True, help_text="the kind of the price source: listing, agreement, …")
    source_label = serializers.CharField(allow_blank=True)
    refusal_code = serializers.CharField(allow_blank=True)
    rule = serializers.CharField(allow_blank=True, help_text="the rule of DOMAIN.md that refuses it")
    refusal = serializers.CharField(allow_blank=True, help_text="why it cannot be ordered")
    distributors = serializers.ListField(child=serializers.IntegerField(), help_text="may deliver it to you")
