from rest_framework import serializers

from procurement.api.fields import PriceField, TextField, WholeNumberField
from vbp.models import (
    Allocation,
    Bid,
    BidResult,
    CompetitionUnit,
    Contract,
    DemandReport,
    Round,
    ShortageWarning,
    SupplyReport,
    Winner,
)


class WinnerSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    manufacturer_name = serializers.CharField(source="manufacturer.name", read_only=True)

    class Meta:
        model = Winner
        fields = [
            "id",
            "product",
            "product_code",
            "manufacturer",
            "manufacturer_name",
            "price",
            "unit_price",
            "rank",
            "supply_regions",
            "valid_from",
            "valid_until",
        ]


class UnitSerializer(serializers.ModelSerializer):
    winners = WinnerSerializer(many=True, read_only=True)

    class Meta:
        model = CompetitionUnit
        fields = [
            "id",
            "generic_name",
            "route",
            "reference_specification",
            "max_unit_price",
            "win_ratio",
            "win_discount",
            "winner_caps",
            "winners_count",
            "winners",
        ]


class RoundSerializer(serializers.ModelSerializer):
    units = UnitSerializer(many=True, read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "kind",
            "name",
            "status",
            "bid_deadline",
            "opening_at",
            "valid_from",
            "valid_until",
            "opened_at",
            "units",
        ]


class BidSerializer(serializers.ModelSerializer):
    """A company's own sealed bid: what it bid with and its receipt — never a price (R-VBP-9)."""

    product_code = serializers.CharField(source="product.code", read_only=True)

    class Meta:
        model = Bid
        fields = ["id", "unit", "product_code", "receipt", "submitted_at", "replacements"]


class BidInputSerializer(serializers.Serializer):
    unit = WholeNumberField(min_value=1, max_value=2**63 - 1)
    product_code = TextField(max_length=23)
    price = PriceField(help_text="Pack price in yuan, e.g. 5.46: sealed at once, never shown before the opening.")


class BidResultSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    manufacturer_name = serializers.CharField(source="manufacturer.name", read_only=True)

    class Meta:
        model = BidResult
        fields = [
            "id",
            "unit",
            "manufacturer",
            "manufacturer_name",
            "product_code",
            "price",
            "unit_price",
            "submitted_at",
            "outcome",
            "rank",
            "explanation",
        ]


class DemandSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemandReport
        fields = ["id", "unit", "hospital", "reported_units", "last_year_units", "note", "reported_at", "base_units"]


class DemandInputSerializer(serializers.Serializer):
    unit = WholeNumberField(min_value=1, max_value=2**63 - 1)
    reported_units = WholeNumberField(min_value=0, max_value=10**15)
    note = TextField(max_length=200, required=False, allow_blank=True, default="")


class AllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Allocation
        fields = [
            "id",
            "unit",
            "hospital",
            "base_units",
            "agreed_units",
            "deadline",
            "deadline_provisional",
            "confirmed_at",
        ]


class ContractSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    bought_units = serializers.IntegerField(source="progress.bought_units", read_only=True, default=0)
    expected_units = serializers.IntegerField(source="progress.expected_units", read_only=True, default=0)
    behind = serializers.BooleanField(source="progress.behind", read_only=True, default=False)

    class Meta:
        model = Contract
        fields = [
            "id",
            "unit",
            "hospital",
            "manufacturer",
            "product_code",
            "price",
            "volume_units",
            "valid_from",
            "valid_until",
            "bought_units",
            "expected_units",
            "behind",
        ]


class SupplyReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplyReport
        fields = ["id", "winner", "month", "capacity_units", "stock_units", "reported_at"]


class SupplyInputSerializer(serializers.Serializer):
    winner = WholeNumberField(min_value=1, max_value=2**63 - 1)
    month = serializers.DateField()
    capacity_units = WholeNumberField(min_value=0, max_value=10**15)
    stock_units = WholeNumberField(min_value=0, max_value=10**15)


class ShortageWarningSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="winner.product.code", read_only=True)

    class Meta:
        model = ShortageWarning
        fields = [
            "id",
            "winner",
            "manufacturer",
            "product_code",
            "month",
            "stock_units",
            "daily_demand",
            "days_covered",
        ]
