"""Prepayment and settlement (预付 / 结算, DOMAIN.md §8): payables, payments and a double-entry ledger.

Money moves only as ledger entries (R-SET-4). A ``LedgerTransaction`` is one movement — an accepted
batch, a return, a payment, a prepayment, an offset, a correction — and its ``LedgerEntry`` rows are
its legs: debits positive, credits negative, summing to zero. The database keeps the books honest
whatever the application does:

- entries and transactions are append-only (a trigger refuses UPDATE and DELETE);
- the entries of a transaction are written by one statement, and a statement-level trigger refuses
  any statement that leaves a transaction's entries not summing to zero;
- a movement that must happen once carries a unique ``key`` (a nightly prepayment of one contract,
  month and kind; a payment's idempotency key), so a second attempt — a re-run, a second worker —
  inserts nothing;
- a correction is a new transaction reversing an earlier one (``reverses``, unique: once).

Balances are derived by summing entries, never stored as numbers anyone edits: a payable keeps what
it was born with (the accepted packs at the line's price, its due date) and the facts the services
maintain beside its entries in the same transaction (``settled_on``), which the reconciliation check
(``settlement.ledger.reconcile``) proves equal to what the entries say.
"""

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.catalogue.models import Product
from procurement.core.audit import tracked
from procurement.core.changes import change_stamp_trigger, change_xid_field
from procurement.core.money import AmountField, PriceField
from procurement.core.scoping import ScopedQuerySet, ScopeRule
from procurement.orders.models import OrderLine, Shipment
from procurement.organisations.models import Organisation, User
from settlement.choices import Account, AssessmentOutcome, AssessmentStatus, Payer, StandardBasis, TransactionKind

APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)

# R-SET-4, checked once a statement over what it wrote (set-based: a night books a million legs): each
# transaction's legs in the statement sum to zero; they belong to a transaction booked in the same database
# transaction (``booked_at`` is the database's now(): the start of the transaction that booked it) — legs are
# never added to a movement booked before, so every transaction sums to zero; and the organisations and payables
# they name exist. Those references are checked here rather than by a foreign key each (a trigger call
# and an index probe a row, deferred to the commit: 23 s of a 48 s statement booking a year's prepayments);
# what they point to is never deleted (transactions and payables refuse it, organisations named in the ledger
# too: a trigger of migration 0006).
BALANCED_FUNCTION = """
    IF EXISTS (SELECT 1 FROM new_entries GROUP BY transaction_id HAVING sum(amount) <> 0) THEN
        RAISE EXCEPTION 'R-SET-4: a ledger transaction''s debits and credits differ'
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (
        SELECT 1 FROM (SELECT DISTINCT transaction_id FROM new_entries) n
        JOIN settlement_ledgertransaction t ON t.id = n.transaction_id
        WHERE t.booked_at <> now()
    ) THEN
        RAISE EXCEPTION 'R-SET-4: legs are written with their transaction, never added to one booked before'
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (
        SELECT 1 FROM new_entries n
        WHERE NOT EXISTS (SELECT 1 FROM settlement_ledgertransaction t WHERE t.id = n.transaction_id)
           OR NOT EXISTS (SELECT 1 FROM organisations_organisation o WHERE o.id = n.owner_id)
           OR (n.counterparty_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM organisations_organisation o WHERE o.id = n.counterparty_id))
           OR (n.payable_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM settlement_payable p WHERE p.id = n.payable_id))
    ) THEN
        RAISE EXCEPTION 'R-SET-4: a ledger entry names a transaction, an organisation or a payable that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
"""


def _entry_of_hospital(organisation):
    return Q(owner=organisation) | Q(counterparty=organisation)


class LedgerTransaction(models.Model):
    """One movement of money (R-SET-4): its kind, its value date and who or which job booked it.

    Append-only. ``key`` makes a movement happen at most once (``prepay:<contract>:<month>``, a
    payment's idempotency key); ``reverses`` names the transaction a correction reverses — at most once.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind.choices)
    value_on = models.DateField(_("value date"), help_text=_("The day the money moved (Asia/Shanghai)."))
    booked_at = models.DateTimeField(_("booked"), auto_now_add=True)
    booked_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
        db_index=False,  # never looked up by who booked: not an index to write a movement
    )
    actor = models.CharField(_("actor"), max_length=60, blank=True, help_text=_("The job that booked it, if any."))
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    key = models.CharField(_("key"), max_length=120, null=True, blank=True)  # noqa: DJ001
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal", verbose_name=_("reverses")
    )

    scope_rule = ScopeRule()  # the provincial bureau; parties read their entries
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["id"]
        # A constraint, not ``unique=True``: the same unique index without a ``varchar_pattern_ops`` twin (keys
        # are looked up whole, never by prefix).
        constraints = [models.UniqueConstraint(fields=["key"], name="ledger_transaction_key_once")]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.value_on})"


class LedgerEntry(models.Model):
    """One leg of a transaction on one account: ``amount`` > 0 a debit, < 0 a credit, never 0.

    The account is (``account``, ``owner``, ``counterparty``); a payable's own entries name it
    (``payable``), a prepayment's its contract (``contract_key``, the VBP contract's id as text: the
    settlement channel does not import VBP). ``value_on`` repeats the transaction's, for set-based sums.
    """

    # The references are checked by the ``balanced`` statement trigger, set-based (see BALANCED_FUNCTION).
    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("transaction"),
        db_constraint=False,
    )
    account = models.CharField(_("account"), max_length=20, choices=Account.choices)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"), db_constraint=False
    )
    counterparty = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counterparty"),
        db_constraint=False,
    )
    payable = models.ForeignKey(
        "Payable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("payable"),
        db_constraint=False,
        db_index=False,  # ``ledger_entry_payable`` (payable, value_on) serves every lookup by payable
    )
    contract_key = models.CharField(_("contract"), max_length=40, blank=True, default="")
    amount = AmountField(_("amount"))
    value_on = models.DateField(_("value date"))

    scope_rule = ScopeRule(hospital=_entry_of_hospital, distributor=_entry_of_hospital, region="owner__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["transaction_id", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
            # Every entry on the payables account names its payable (the other legs of its movements may too).
            models.CheckConstraint(
                condition=~Q(account=Account.PAYABLE) | Q(payable__isnull=False), name="ledger_entry_payable_named"
            ),
        ]
        indexes = [
            models.Index(
                fields=["payable", "value_on"], name="ledger_entry_payable", condition=Q(payable__isnull=False)
            ),
            models.Index(fields=["account", "owner", "counterparty"], name="ledger_entry_account"),
            models.Index(
                fields=["contract_key", "account"], name="ledger_entry_contract", condition=~Q(contract_key="")
            ),
        ]
        triggers = [
            APPEND_ONLY,
            pgtrigger.Trigger(
                name="balanced",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="new_entries"),
                func=BALANCED_FUNCTION,
            ),
        ]

    def __str__(self):
        return f"{self.get_account_display()} {self.amount}"


# Columns of a payable fixed at its birth (R-SET-1); the services may only set the derived facts.
PAYABLE_FACTS = (
    "shipment_id",
    "line_id",
    "hospital_id",
    "distributor_id",
    "manufacturer_id",
    "product_id",
    "quantity",
    "price",
    "amount",
    "accepted_at",
    "accepted_on",
    "due_on",
)


class Payable(models.Model):
    """应付款 (R-SET-1): what a hospital owes the distributor for one accepted batch.

    Not in the audit trail's event tables: its facts cannot change (a trigger), every movement of its money
    is an append-only ledger transaction naming who or which job booked it, and the nightly job that marks
    hundreds of thousands overdue at a month's end would otherwise write as many audit rows.

    ``amount`` is the accepted packs at the line's price, rounded once; returns and payments are
    ledger entries against it, never edits. ``settled_on`` (the value date on which its balance came to
    zero) is maintained beside the entries and checked against them by the reconciliation. Overdue and paid
    late (R-SET-5) are derived from ``due_on`` and ``settled_on`` as of a day (``rules.overdue_since``), never
    stored: nothing has to be written when a payable falls due.
    """

    shipment = models.OneToOneField(
        Shipment, on_delete=models.PROTECT, related_name="payable", verbose_name=_("shipment")
    )
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("order line"))
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="payables", verbose_name=_("medical institution")
    )
    distributor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="receivables", verbose_name=_("distributor")
    )
    manufacturer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("manufacturer")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.PositiveIntegerField(_("accepted (packs)"))
    price = PriceField(_("price per pack"))
    amount = AmountField(_("amount"))
    accepted_at = models.DateTimeField(_("accepted at"))
    accepted_on = models.DateField(_("accepted on"))
    due_on = models.DateField(_("due on"), db_index=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    change_xid = change_xid_field()

    scope_rule = ScopeRule(hospital="hospital", distributor="distributor", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payable")
        verbose_name_plural = _("payables")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="payable_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payable_amount_positive"),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("accepted_on")), name="payable_due_after"),
        ]
        indexes = [
            models.Index(fields=["hospital", "change_xid", "id"], name="payable_pull_cursor"),
            models.Index(fields=["distributor", "due_on"], name="payable_distributor_due"),
            models.Index(fields=["due_on"], name="payable_open_due", condition=Q(settled_on__isnull=True)),
        ]
        triggers = [
            change_stamp_trigger(),
            pgtrigger.Protect(
                name="facts_fixed",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(*PAYABLE_FACTS),
            ),
            pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.hospital} → {self.distributor} · {self.amount}"


def _payment_of(field):
    return lambda organisation: Q(**{field: organisation})


@tracked()
class Payment(models.Model):
    """付款 (R-SET-2): money paid against one payable, by the hospital or directly by the fund.

    Its amount is booked as a ledger transaction at once; the supplier confirms receipt; a payment
    recorded in error is reversed by a correction (a reversing transaction), never edited or deleted.
    ``idempotency_key`` (with the payer's organisation) makes a client's retry record it once.
    """

    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, related_name="payments", verbose_name=_("payable"))
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("medical institution")
    )
    distributor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("distributor")
    )
    payer = models.CharField(_("payer"), max_length=10, choices=Payer.choices)
    payer_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("paid by")
    )
    amount = AmountField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)  # noqa: DJ001
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="payment", verbose_name=_("ledger transaction")
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("confirmed by")
    )
    reversal = models.OneToOneField(
        LedgerTransaction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_payment",
        verbose_name=_("correction"),
    )
    change_xid = change_xid_field()

    scope_rule = ScopeRule(hospital="hospital", distributor="distributor", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["payer_organisation", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="payment_idempotency_key_once",
            ),
            # A receipt confirmed is never reversed; a reversed payment is never confirmed.
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(reversal__isnull=True), name="payment_confirmed_or_reversed"
            ),
        ]
        indexes = [
            models.Index(fields=["hospital", "change_xid", "id"], name="payment_pull_cursor"),
            models.Index(fields=["distributor", "confirmed_at"], name="payment_distributor"),
        ]
        triggers = [
            change_stamp_trigger(),
            pgtrigger.Protect(
                name="facts_fixed",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(
                    "payable_id",
                    "hospital_id",
                    "distributor_id",
                    "payer",
                    "payer_organisation_id",
                    "amount",
                    "paid_on",
                    "transaction_id",
                    "recorded_by_id",
                    "recorded_at",
                ),
            ),
            pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.payable} · {self.amount}"


class PaymentRate(models.Model):
    """R-SET-5: one hospital's payables falling due in one month, and those paid by their due date —
    by count and by amount. Written by the month-end job (an upsert of what changed), read by the bureau."""

    hospital = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    payables = models.PositiveIntegerField(_("payables due"))
    on_time = models.PositiveIntegerField(_("paid on time"))
    amount = AmountField(_("amount due"))
    on_time_amount = AmountField(_("amount paid on time"))
    computed_on = models.DateField(_("as of"))

    scope_rule = ScopeRule(hospital="hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("on-time payment rate")
        verbose_name_plural = _("on-time payment rates")
        ordering = ["month", "hospital_id"]
        constraints = [models.UniqueConstraint(fields=["hospital", "month"], name="payment_rate_once")]

    def __str__(self):
        return f"{self.hospital} {self.month:%Y-%m}: {self.on_time}/{self.payables}"


@tracked(bulk_inserts=True, bulk_updates=True)
class PaymentStandard(models.Model):
    """医保支付标准 (R-SET-8, R-VBP-10): one product's payment standard for one year, per pack, with what it
    rests on. Computed by ``settlement.services.payment_standards_compute`` (the yearly job, or the provincial
    bureau's action); public, as the standards are published.

    A non-winner above the VBP standard converges in equal annual steps: ``convergence_from`` (its price when the
    convergence started, in ``convergence_start_year``), ``convergence_years``, ``convergence_step`` and this
    year's place in it (``year_no``); next year's computation continues from them.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="payment_standards", verbose_name=_("product")
    )
    basis = models.CharField(_("basis"), max_length=20, choices=StandardBasis.choices)
    standard = PriceField(_("payment standard (per pack)"))
    source_price = PriceField(_("price it rests on (per pack)"))
    vbp_standard = PriceField(_("VBP standard (per pack)"), null=True, blank=True)
    convergence_from = PriceField(_("converging from (per pack)"), null=True, blank=True)
    convergence_start_year = models.PositiveSmallIntegerField(_("converging since"), null=True, blank=True)
    convergence_years = models.PositiveSmallIntegerField(_("years to converge"), default=0)
    convergence_step = PriceField(_("annual step (per pack)"), null=True, blank=True)
    year_no = models.PositiveSmallIntegerField(_("year of the convergence"), null=True, blank=True)
    computed_on = models.DateField(_("prices as of"))

    scope_rule = ScopeRule(public=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment standard")
        verbose_name_plural = _("payment standards")
        ordering = ["-year", "product__generic_name", "product__dosage_form", "product__specification", "product_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "product"], name="payment_standard_once_a_year"),
            models.CheckConstraint(condition=Q(standard__gt=0), name="payment_standard_positive"),
        ]

    def __str__(self):
        return f"{self.year} · {self.product} · {self.standard}"

    @property
    def unit_standard(self):
        """Per minimum unit, for comparing packs."""
        from procurement.catalogue.pricing import unit_price

        return unit_price(self.standard, self.product.pack_quantity)


@tracked()
class BudgetAssessment(models.Model):
    """结余留用 / 预算扣减 (R-SET-6, R-SET-7): one hospital's VBP year assessed — its agreed and bought volume, its
    payments, and the savings it retains or the deduction proposed in next year's budget; the bureau of its region
    confirms. ``details`` keeps each contract's figures, so the amount can be explained and reproduced."""

    year = models.PositiveSmallIntegerField(_("year"))
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="budget_assessments", verbose_name=_("medical institution")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=AssessmentOutcome.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.PROPOSED
    )
    agreed_units = models.BigIntegerField(_("agreed volume (minimum units)"))
    bought_units = models.BigIntegerField(_("bought (minimum units)"))
    volume_completed = models.BooleanField(_("volume completed"))
    payables_due = AmountField(_("payables due in the year"))
    paid_on_time = AmountField(_("amount paid by the due date"))
    overdue_amount = AmountField(_("overdue and unpaid"))
    paid_on_time_ok = models.BooleanField(_("paid on time"))
    savings = AmountField(_("savings"))
    deduction = AmountField(_("proposed deduction"))
    details = models.JSONField(_("figures per contract"), default=list)
    computed_on = models.DateField(_("as of"))
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("confirmed by")
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    scope_rule = ScopeRule(hospital="hospital", region="hospital__region")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget assessment")
        verbose_name_plural = _("budget assessments")
        ordering = ["-year", "hospital__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "hospital"], name="budget_assessment_once_a_year"),
            models.CheckConstraint(condition=Q(savings__gte=0) & Q(deduction__gte=0), name="budget_amounts_positive"),
        ]

    def __str__(self):
        return f"{self.year} · {self.hospital} · {self.get_outcome_display()}"
