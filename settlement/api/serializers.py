from datetime import date

from django.utils import timezone
from rest_framework import serializers

from procurement.api.fields import WholeNumberField
from procurement.core.limits import REASON_MAX_LENGTH
from settlement import rules
from settlement.models import Payable, Payment, PaymentStandard


class PayableSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    generic_name = serializers.CharField(source="product.generic_name", read_only=True)
    balance = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, help_text="Still owed, derived from the ledger (R-SET-4)."
    )
    state = serializers.SerializerMethodField(
        help_text="As of today: open, due_soon, overdue, paid, paid_late (R-SET-5)."
    )
    overdue_since = serializers.SerializerMethodField(
        help_text="The day after the due date, when unpaid past it or paid after it (R-SET-5); derived from "
        "due_on and settled_on as of today — a payable falling overdue is not a change the cursor reports."
    )

    class Meta:
        model = Payable
        fields = [
            "id",
            "shipment",
            "line",
            "hospital",
            "distributor",
            "product_code",
            "generic_name",
            "quantity",
            "price",
            "amount",
            "balance",
            "accepted_at",
            "accepted_on",
            "due_on",
            "settled_on",
            "overdue_since",
            "state",
        ]
        read_only_fields = fields

    def get_overdue_since(self, payable) -> date | None:
        return rules.overdue_since(payable.due_on, payable.settled_on, timezone.localdate())

    def get_state(self, payable) -> str:
        return rules.payable_state(payable.due_on, payable.settled_on, timezone.localdate())


class PaymentSerializer(serializers.ModelSerializer):
    reversed = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "payable",
            "hospital",
            "distributor",
            "payer",
            "payer_organisation",
            "amount",
            "paid_on",
            "reference",
            "idempotency_key",
            "recorded_at",
            "confirmed_at",
            "reversed",
        ]
        read_only_fields = fields

    def get_reversed(self, payment) -> bool:
        return payment.reversal_id is not None


class PayInputSerializer(serializers.Serializer):
    # Text, not a number: an amount is exact (0.001 is refused by the rule, never rounded by a float).
    amount = serializers.CharField(max_length=30, help_text='Yuan in whole fen, e.g. "126.00" (R-SET-2).')
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class DirectPaymentSerializer(PayInputSerializer):
    payable = WholeNumberField(min_value=1, help_text="The payable's id.")
    key = serializers.CharField(
        max_length=100, help_text="The settlement centre's own id of this payment: a retry pays once."
    )


class DirectPaymentsSerializer(serializers.Serializer):
    payments = DirectPaymentSerializer(many=True, allow_empty=False, max_length=500)


class CorrectionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text="Why the payment is corrected.")


class PaymentStandardSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    generic_name = serializers.CharField(source="product.generic_name", read_only=True)
    dosage_form = serializers.CharField(source="product.dosage_form", read_only=True)
    specification = serializers.CharField(source="product.specification", read_only=True)
    pack_quantity = serializers.IntegerField(source="product.pack_quantity", read_only=True)
    manufacturer = serializers.CharField(source="product.manufacturer.name", read_only=True)
    unit_standard = serializers.DecimalField(
        max_digits=14, decimal_places=4, read_only=True, help_text="The standard per minimum unit."
    )

    class Meta:
        model = PaymentStandard
        fields = [
            "year",
            "product_code",
            "generic_name",
            "dosage_form",
            "specification",
            "pack_quantity",
            "manufacturer",
            "basis",
            "standard",
            "unit_standard",
            "source_price",
            "vbp_standard",
            "convergence_from",
            "convergence_start_year",
            "convergence_years",
            "convergence_step",
            "year_no",
            "computed_on",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "standard": {"help_text": "The payment standard per pack (R-SET-8)."},
            "basis": {"help_text": "What the standard rests on: the VBP winning price, a convergence to it, …"},
        }


class SplitInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=23, help_text="The product's national drug code.")
    price = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0, help_text="Price per pack (yuan).")
    packs = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, help_text="Default: this year.")


class SplitSerializer(serializers.Serializer):
    product_code = serializers.CharField()
    year = serializers.IntegerField()
    standard = serializers.DecimalField(max_digits=14, decimal_places=4, help_text="Per pack.")
    basis = serializers.CharField()
    price = serializers.DecimalField(max_digits=14, decimal_places=4)
    packs = serializers.IntegerField()
    fund = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="The fund's part: up to the standard.")
    patient = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="The patient's part: what is above the standard."
    )
