from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from negotiation.models import Agreement, AgreementZoning, Negotiation, Offer
from procurement.api.fields import PriceField, WholeNumberField
from procurement.core.money import PRICE_MAX_DIGITS, PRICE_PLACES

PRICE = {"max_digits": PRICE_MAX_DIGITS, "decimal_places": PRICE_PLACES}


class OfferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Offer
        fields = ["party", "price", "note", "created_at"]
        read_only_fields = fields


class NegotiationSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    generic_name = serializers.CharField(source="product.generic_name", read_only=True)
    offers = OfferSerializer(many=True, read_only=True)

    class Meta:
        model = Negotiation
        fields = [
            "id",
            "hospital",
            "group",
            "product_code",
            "generic_name",
            "manufacturer",
            "listing_price",
            "volume",
            "valid_months",
            "price",
            "turn",
            "counter_rounds",
            "status",
            "close_reason",
            "created_at",
            "closed_at",
            "offers",
        ]
        read_only_fields = fields


class RequestInputSerializer(serializers.Serializer):
    product_code = serializers.CharField(max_length=23)
    price = PriceField()
    volume = WholeNumberField(min_value=1, max_value=10_000_000)
    valid_months = WholeNumberField(min_value=1, max_value=24, default=12)
    group = WholeNumberField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CounterInputSerializer(serializers.Serializer):
    price = PriceField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="For a decline: the reason.")


class AnswerSerializer(serializers.Serializer):
    negotiation = WholeNumberField()
    action = serializers.ChoiceField(choices=["accept", "counter", "decline"])
    price = PriceField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AnswersInputSerializer(serializers.Serializer):
    answers = AnswerSerializer(many=True)


class ZoningSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementZoning
        fields = [
            "zone",
            "unit_price",
            "peer_count",
            "peer_lowest",
            "peer_yellow_line",
            "peer_red_line",
            "national_lowest",
            "yellow_percentile",
            "red_percentile",
            "zoned_on",
        ]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    generic_name = serializers.CharField(source="product.generic_name", read_only=True)
    zoning = serializers.SerializerMethodField()
    overtaken = serializers.BooleanField(
        read_only=True,
        help_text="The listing price has fallen below the agreed price: orders are priced at it (R-NEG-2).",
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "negotiation",
            "hospital",
            "group",
            "product_code",
            "generic_name",
            "manufacturer",
            "price",
            "overtaken",
            "unit_price",
            "listing_price",
            "volume",
            "valid_from",
            "valid_until",
            "status",
            "created_at",
            "zoning",
        ]
        read_only_fields = fields

    @extend_schema_field(ZoningSerializer(allow_null=True))
    def get_zoning(self, agreement):
        try:
            return ZoningSerializer(agreement.zoning).data
        except AgreementZoning.DoesNotExist:
            return None
