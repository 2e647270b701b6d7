from rest_framework import serializers

from procurement.api.fields import WholeNumberField
from procurement.credit.choices import CreditEventKind, Severity
from procurement.credit.models import BadRecord, CreditEvent, ProductDelisting


class CreditEventSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="organisation.name", read_only=True)
    recorded_by = serializers.StringRelatedField(read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = CreditEvent
        fields = [
            "id",
            "organisation",
            "company",
            "kind",
            "severity",
            "occurred_on",
            "description",
            "has_evidence",
            "source",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_evidence(self, event) -> bool:
        return bool(event.evidence)


class CreditEventInputSerializer(serializers.Serializer):
    organisation = WholeNumberField(help_text="id of the manufacturer or distributor")
    kind = serializers.ChoiceField(choices=CreditEventKind.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    occurred_on = serializers.DateField()
    description = serializers.CharField()
    evidence = serializers.FileField(required=False, help_text="A PDF or an image (JPEG, PNG).")


class PublicBadRecordSerializer(serializers.ModelSerializer):
    """What the public reads of the list (信息公开): the company, its failing, from and until."""

    company = serializers.CharField(source="organisation.name", read_only=True)
    credit_code = serializers.CharField(source="organisation.credit_code", read_only=True)
    kind = serializers.CharField(source="credit_event.kind", read_only=True, default="")

    class Meta:
        model = BadRecord
        fields = ["id", "company", "credit_code", "kind", "starts_on", "ends_on"]
        read_only_fields = fields


class BadRecordSerializer(PublicBadRecordSerializer):
    recorded_by = serializers.StringRelatedField(read_only=True)

    class Meta(PublicBadRecordSerializer.Meta):
        fields = [*PublicBadRecordSerializer.Meta.fields, "organisation", "reason", "credit_event", "recorded_by"]
        read_only_fields = fields


class SanctionInputSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    reason = serializers.CharField()
    credit_event = WholeNumberField(required=False, allow_null=True, default=None)


class BadRecordInputSerializer(SanctionInputSerializer):
    organisation = WholeNumberField(help_text="id of the manufacturer or distributor")


class PublicDelistingSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    generic_name = serializers.CharField(source="product.generic_name", read_only=True)
    manufacturer_name = serializers.CharField(source="manufacturer.name", read_only=True)

    class Meta:
        model = ProductDelisting
        fields = ["id", "product_code", "generic_name", "manufacturer_name", "starts_on", "ends_on"]
        read_only_fields = fields


class DelistingSerializer(PublicDelistingSerializer):
    recorded_by = serializers.StringRelatedField(read_only=True)

    class Meta(PublicDelistingSerializer.Meta):
        fields = [*PublicDelistingSerializer.Meta.fields, "reason", "credit_event", "recorded_by"]
        read_only_fields = fields


class DelistingInputSerializer(SanctionInputSerializer):
    product_code = serializers.CharField(max_length=23)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
