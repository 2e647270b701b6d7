from rest_framework import serializers

from procurement.api.fields import WholeNumberField
from procurement.api.serializers import (
    FieldsBuiltOnce,
    ReasonSerializer,  # noqa: F401  (re-exported for the views)
)
from procurement.orders.models import DistributorDesignation, OfflinePurchase, Order, OrderLine, Shipment
from procurement.orders.quantities import LINE_QUANTITY_MAX


class OrderLineSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
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


class OrderSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
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


class LineInputSerializer(serializers.Serializer):
    product_code = serializers.CharField(max_length=23)
    quantity = WholeNumberField(min_value=1, max_value=LINE_QUANTITY_MAX)
    distributor = WholeNumberField()


class OrderInputSerializer(serializers.Serializer):
    lines = LineInputSerializer(many=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


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
