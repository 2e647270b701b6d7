"""Kinds of ledger account and transaction, payers and the prepayment policies (DOMAIN.md §8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Account(models.TextChoices):
    """The kinds of ledger account. An account is (kind, owner, counterparty): the hospital's payables
    to one distributor, the fund's cash, … Debits are positive amounts, credits negative (R-SET-4)."""

    PURCHASES = "purchases", _("Drug purchases")  # the hospital's cost of what it accepted (debit)
    PAYABLE = "payable", _("Payables")  # what the hospital owes a supplier, per payable (credit)
    REFUND_DUE = "refund_due", _("Refunds due from suppliers")  # a return after payment (debit)
    HOSPITAL_BANK = "hospital_bank", _("Hospital bank account")  # money leaving the hospital (credit)
    FUND_BANK = "fund_bank", _("Fund bank account")  # money leaving the medical-insurance fund (credit)
    PREPAYMENT = "prepayment", _("Prepayments outstanding")  # the fund's advances not yet offset (debit)
    CLAIMS_OFFSET = "claims_offset", _("Claims withheld against prepayments")  # national policy (credit)
    PREPAYMENT_DUE = "prepayment_due", _("Prepayments the hospital owes the fund")  # Ningxia (credit)


# An account's normal side: +1 a debit balance (assets, costs), −1 a credit balance (what is owed).
NORMAL_SIDE = {
    Account.PURCHASES: 1,
    Account.PAYABLE: -1,
    Account.REFUND_DUE: 1,
    Account.HOSPITAL_BANK: 1,
    Account.FUND_BANK: 1,
    Account.PREPAYMENT: 1,
    Account.CLAIMS_OFFSET: -1,
    Account.PREPAYMENT_DUE: -1,
}


class TransactionKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Batch accepted")
    RETURN = "return", _("Return")
    PAYMENT = "payment", _("Payment")
    PREPAYMENT = "prepayment", _("Prepayment")
    OFFSET = "offset", _("Prepayment offset")
    PREPAYMENT_RETURN = "prepayment_return", _("Prepayment returned by the hospital")
    CORRECTION = "correction", _("Correction (reversal)")


class Payer(models.TextChoices):
    """R-SET-2: who pays a payable — the hospital, or the fund directly through the settlement centre."""

    HOSPITAL = "hospital", _("Hospital")
    FUND = "fund", _("Medical-insurance fund (direct settlement)")


class PayableState(models.TextChoices):
    """Derived, never stored: from the payable's balance, its due date and today."""

    OPEN = "open", _("Due")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    PAID = "paid", _("Paid")
    PAID_LATE = "paid_late", _("Paid late")


class PrepaymentPolicy(models.TextChoices):
    """R-SET-3: chosen per deployment (the policy value VBP_PREPAYMENT_POLICY)."""

    NATIONAL = "national", _("National: the fund prepays the hospital, offset from its monthly claims")
    NINGXIA = "ningxia", _("Ningxia: the city fund prepays the distributor, the hospital returns it quarterly")


class StandardBasis(models.TextChoices):
    """R-SET-8: what a drug's payment standard rests on (stored with each standard)."""

    VBP = "vbp", _("VBP winning price")  # a winner, or an originator/reference/evaluated generic at or below it
    CONVERGING = "converging", _("Converging to the VBP standard")  # a non-winner above it, in equal annual steps
    NON_EVALUATED = "non_evaluated", _("Non-evaluated generic: never above the evaluated")
    NEGOTIATED = "negotiated", _("National negotiated payment standard")
    DESIGNATED = "designated", _("National uniform price (designated production)")
    RESERVE = "reserve", _("Supply price (provincial reserve)")
    SHORTAGE = "shortage", _("Listing price (shortage drug)")
    LISTED = "listed", _("Listing price")
    FILED = "filed", _("Filed price")


class AssessmentStatus(models.TextChoices):
    """R-SET-6, R-SET-7: a hospital's budget assessment for a year is proposed, then the bureau confirms it."""

    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")


class AssessmentOutcome(models.TextChoices):
    RETENTION = "retention", _("Savings retained")  # R-SET-6: completed the volume and paid on time
    DEDUCTION = "deduction", _("Budget deduction")  # R-SET-7: missed the volume or owes overdue payments
