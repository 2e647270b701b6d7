from rest_framework import serializers

from listings.choices import ListingCategory, WithdrawalReason
from listings.models import (
    AdjustmentProposal,
    Declaration,
    Listing,
    ListingTransition,
    PriceLinkageNotice,
    WithdrawalRequest,
)
from procurement.api.fields import PriceField, WholeNumberField
from procurement.api.serializers import ReasonSerializer  # noqa: F401  (re-exported for the views)
from procurement.core.money import PRICE_MAX_DIGITS, PRICE_PLACES

PRICE = {"max_digits": PRICE_MAX_DIGITS, "decimal_places": PRICE_PLACES}


class DeclarationSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    manufacturer = serializers.CharField(source="manufacturer.name", read_only=True)

    class Meta:
        model = Declaration
        fields = [
            "id",
            "product_code",
            "manufacturer",
            "category",
            "price",
            "note",
            "status",
            "cap",
            "cap_strict",
            "cap_rule",
            "cap_source",
            "cap_figures",
            "flagged",
            "flag_reason",
            "notice",
            "submitted_at",
            "reviewed_at",
            "review_reason",
            "created_at",
        ]
        read_only_fields = fields


class DeclarationCreateSerializer(serializers.Serializer):
    product_code = serializers.CharField(max_length=23)
    category = serializers.ChoiceField(choices=ListingCategory.choices)
    price = PriceField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(default=True, help_text="Submit for review at once (the cap is checked).")


class DeclarationImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class ListingSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    generic_name = serializers.CharField(source="product.generic_name", read_only=True)
    specification = serializers.CharField(source="product.specification", read_only=True)
    pack_quantity = serializers.IntegerField(source="product.pack_quantity", read_only=True)
    manufacturer = serializers.CharField(source="manufacturer.name", read_only=True)
    unit_price = serializers.DecimalField(read_only=True, **PRICE)

    class Meta:
        model = Listing
        fields = [
            "id",
            "product_code",
            "generic_name",
            "specification",
            "pack_quantity",
            "manufacturer",
            "category",
            "price",
            "unit_price",
            "status",
            "suspension_cause",
            "listed_at",
            "price_since",
            "updated_at",
        ]


class PublicListingTransitionSerializer(serializers.ModelSerializer):
    """What changed and when, and whether the bureau, the manufacturer or the platform changed it."""

    by = serializers.CharField(source="by_whom", read_only=True)

    class Meta:
        model = ListingTransition
        fields = ["from_status", "to_status", "price_before", "price_after", "by", "created_at"]
        read_only_fields = fields


class ListingTransitionSerializer(PublicListingTransitionSerializer):
    """For the listing's manufacturer and the bureau: who, by name, and why."""

    who = serializers.CharField(read_only=True)

    class Meta(PublicListingTransitionSerializer.Meta):
        fields = [*PublicListingTransitionSerializer.Meta.fields, "who", "reason"]
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="listing.product.code", read_only=True)

    class Meta:
        model = PriceLinkageNotice
        fields = [
            "id",
            "listing",
            "product_code",
            "status",
            "listing_price",
            "target_price",
            "target_province",
            "target_effective_date",
            "deadline",
            "deadline_provisional",
            "opened_at",
            "closed_at",
        ]


class WithdrawalSerializer(serializers.ModelSerializer):
    class Meta:
        model = WithdrawalRequest
        fields = ["id", "listing", "reason", "explanation", "status", "submitted_at", "reviewed_at", "review_reason"]
        read_only_fields = ["status", "submitted_at", "reviewed_at", "review_reason"]


class WithdrawalCreateSerializer(serializers.Serializer):
    listing = WholeNumberField()
    reason = serializers.ChoiceField(choices=WithdrawalReason.choices)
    explanation = serializers.CharField()


class ProposalSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="listing.product.code", read_only=True)

    class Meta:
        model = AdjustmentProposal
        fields = [
            "id",
            "round",
            "listing",
            "product_code",
            "current_price",
            "national_lowest",
            "lowest_purchase_price",
            "proposed_price",
            "status",
            "appeal_price",
            "appeal_reason",
            "final_price",
        ]
        read_only_fields = fields


class ProposalAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    appeal_price = PriceField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
