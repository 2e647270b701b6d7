from rest_framework import serializers

from filings.choices import FilingBasis
from filings.models import Filing
from procurement.api.fields import PriceField, WholeNumberField
from procurement.core.limits import REASON_MAX_LENGTH


class FilingSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    generic_name = serializers.CharField(source="product.generic_name", read_only=True)

    class Meta:
        model = Filing
        fields = [
            "id",
            "hospital",
            "product_code",
            "generic_name",
            "basis",
            "reason",
            "quantity",
            "months",
            "price",
            "amount",
            "national_lowest",
            "national_lowest_province",
            "national_lowest_date",
            "status",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "valid_from",
            "valid_until",
            "follow_up_flagged_on",
        ]
        read_only_fields = fields


class FilingInputSerializer(serializers.Serializer):
    product_code = serializers.CharField(max_length=23)
    basis = serializers.ChoiceField(choices=FilingBasis.choices)
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text="Why the product is clinically needed.")
    quantity = WholeNumberField(
        form=True, min_value=1, max_value=10_000_000, help_text="Expected packs over the period."
    )
    months = WholeNumberField(form=True, min_value=1, max_value=36)
    price = PriceField(help_text="Filed price per pack, in yuan, at most the national lowest (R-FIL-2).")
    documents = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        max_length=10,
        help_text="PDF or images (send the field repeatedly).",
    )


class DecisionSerializer(serializers.Serializer):
    filing = WholeNumberField(help_text="id of a filing awaiting confirmation")
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")


class BatchInputSerializer(serializers.Serializer):
    decisions = DecisionSerializer(many=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BatchSerializer(serializers.Serializer):
    month = serializers.DateField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()
