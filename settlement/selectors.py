"""Scoped reads of settlement: payables with their balance and state, payments, on-time rates (R-SET-5)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from procurement.core.scoping import visible_to
from procurement.organisations.models import Region
from settlement.choices import Account, PayableState
from settlement.models import LedgerEntry, Payable, Payment, PaymentRate
from settlement.rules import DUE_SOON_DAYS

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=16, decimal_places=2))


def with_balance(queryset: QuerySet) -> QuerySet:
    """Payables annotated with ``balance``: what is still owed, derived from their entries (R-SET-4)."""
    owed = (
        LedgerEntry.objects.filter(payable_id=OuterRef("pk"), account=Account.PAYABLE)
        .order_by()
        .values("payable_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.annotate(balance=Coalesce(-Subquery(owed), ZERO))


def state_q(state: str, today: date) -> Q:
    """R-SET-5: a payable's state from its due date and what the services keep beside its entries (``settled_on``),
    as ``rules.overdue_since`` says: overdue and paid late follow the date, no job marks them."""
    if state == PayableState.PAID:
        return Q(settled_on__isnull=False)
    if state == PayableState.PAID_LATE:
        return Q(settled_on__isnull=False, settled_on__gt=F("due_on"))
    if state == PayableState.OVERDUE:
        return Q(settled_on__isnull=True, due_on__lt=today)
    if state == PayableState.DUE_SOON:
        return Q(settled_on__isnull=True, due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
    return Q(settled_on__isnull=True, due_on__gte=today)


def payables_for(user, *, today: date, state: str = "") -> QuerySet:
    """The payables ``user`` may see (a hospital its own, a distributor those owed to it, a bureau its
    region), with balance and state, the soonest due first."""
    queryset = visible_to(user, Payable).select_related("product", "hospital", "distributor")
    if state:
        queryset = queryset.filter(state_q(state, today))
    queryset = with_balance(queryset).annotate(
        state=Case(
            When(settled_on__gt=F("due_on"), then=Value(PayableState.PAID_LATE.value)),
            When(settled_on__isnull=False, then=Value(PayableState.PAID.value)),
            When(due_on__lt=today, then=Value(PayableState.OVERDUE.value)),
            When(due_on__lte=today + timedelta(days=DUE_SOON_DAYS), then=Value(PayableState.DUE_SOON.value)),
            default=Value(PayableState.OPEN.value),
        )
    )
    return queryset.order_by("settled_on", "due_on", "id") if not state else queryset.order_by("due_on", "id")


def payments_for(user) -> QuerySet:
    return visible_to(user, Payment).select_related("payable__product", "hospital", "distributor", "payer_organisation")


def receipts_to_confirm(user) -> QuerySet:
    """R-SET-2: payments made to the supplier, not confirmed yet nor corrected."""
    return payments_for(user).filter(confirmed_at__isnull=True, reversal__isnull=True)


@dataclass(frozen=True)
class Rate:
    """R-SET-5: payables due and paid by their due date, by count and by amount."""

    label: str
    payables: int
    on_time: int
    amount: Decimal
    on_time_amount: Decimal
    key: str = ""

    @property
    def by_count(self) -> Decimal | None:
        return (
            (Decimal(self.on_time) / self.payables).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
            if self.payables
            else None
        )

    @property
    def by_amount(self) -> Decimal | None:
        return (
            (self.on_time_amount / self.amount).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
            if self.amount
            else None
        )


def _rates(queryset, group: str, label: str) -> list[Rate]:
    rows = (
        queryset.values(group, label)
        .annotate(n=Sum("payables"), ok=Sum("on_time"), total=Sum("amount"), ok_amount=Sum("on_time_amount"))
        .order_by(label)
    )
    return [Rate(row[label], row["n"], row["ok"], row["total"], row["ok_amount"], str(row[group])) for row in rows]


def rates_by_hospital(user, *, since: date | None = None, until: date | None = None) -> list[Rate]:
    """R-SET-5: the on-time rates of the hospitals ``user`` may see, from the month-end job's figures."""
    return _rates(_rate_rows(user, since, until), "hospital_id", "hospital__name")


def rates_by_region(user, *, since: date | None = None, until: date | None = None) -> list[Rate]:
    """R-SET-5: the same per city (a county bureau: its county), hospitals of a county counted in its city."""
    rows = _rate_rows(user, since, until)
    regions = {region.path: region for region in Region.objects.filter(level__in=("city", "county"))}
    totals: dict[str, list] = {}
    for row in rows.values("hospital__region__path", "payables", "on_time", "amount", "on_time_amount"):
        path = row["hospital__region__path"]
        parts = [part for part in path.split("/") if part]
        city = "/".join(parts[:2]) + "/" if len(parts) >= 2 else path
        region = regions.get(city)
        name = region.name if region else path
        total = totals.setdefault(name, [0, 0, Decimal("0.00"), Decimal("0.00"), city])
        total[0] += row["payables"]
        total[1] += row["on_time"]
        total[2] += row["amount"]
        total[3] += row["on_time_amount"]
    return [
        Rate(name, n, ok, amount, ok_amount, key) for name, (n, ok, amount, ok_amount, key) in sorted(totals.items())
    ]


def _rate_rows(user, since, until) -> QuerySet:
    rows = visible_to(user, PaymentRate)
    if since:
        rows = rows.filter(month__gte=since)
    if until:
        rows = rows.filter(month__lte=until)
    return rows


def prepayments_for(user) -> list[dict]:
    """R-SET-3: VBP prepayments by the party prepaid (a hospital under the national policy, a distributor
    under Ningxia's): prepaid, recovered (offset or returned) and outstanding, derived from the entries."""
    rows = (
        visible_to(user, LedgerEntry)
        .filter(account=Account.PREPAYMENT)
        .values("counterparty__name")
        .annotate(
            contracts=Count("contract_key", distinct=True),
            prepaid=Coalesce(Sum("amount", filter=Q(amount__gt=0)), ZERO),
            recovered=Coalesce(-Sum("amount", filter=Q(amount__lt=0)), ZERO),
            outstanding=Sum("amount"),
        )
        .order_by("-outstanding", "counterparty__name")
    )
    return list(rows)
