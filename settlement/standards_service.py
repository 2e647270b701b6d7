"""Writes of the payment standards (R-SET-8, R-VBP-10): a year's standards computed and stored.

The prices come through the core's registry (``procurement.core.reference_prices``): settlement reads VBP
winning prices, listing prices and filed prices without importing VBP, listings or filings. The rules are in
``settlement.standards``; this module reads their inputs in three queries, and writes the year's standards in
one upsert (rows whose figures did not move are not written) and one delete of products no longer priced.

A province's catalogue is tens of thousands of products, computed once a year: the rules run in Python,
where they are written once and tested on hand-computed examples, and the writes stay set-based.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.catalogue.models import Product
from procurement.core.audit import audit_reason
from procurement.core.errors import DomainError, PermissionDenied
from procurement.core.policy import policy
from procurement.core.reference_prices import reference_prices_sql
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import User
from settlement.models import PaymentStandard
from settlement.standards import Computed, Convergence, Previous, ProductFacts, Split, compute_standards, split_price

FACT_FIELDS = [field for field in ProductFacts.__dataclass_fields__ if field != "id"]
STORED = [
    *("basis", "standard", "source_price", "vbp_standard", "convergence_from", "convergence_start_year"),
    *("convergence_years", "convergence_step", "year_no"),
]


def can_compute_standards(user: User) -> bool:
    """R-SET-8: the provincial bureau sets the province's payment standards."""
    return (
        user.is_authenticated
        and user.kind == OrganisationKind.BUREAU
        and user.is_provincial_bureau
        and user.has_role(Role.BUREAU_SUPERVISOR, Role.BUREAU_REVIEWER)
    )


def _declared_prices(on: date) -> dict[int, dict[str, list[Decimal]]]:
    prices: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT product_id, kind, price FROM ({reference_prices_sql()}) AS declared", {"on": on})
        for product_id, kind, price in cursor.fetchall():
            prices[product_id][kind].append(Decimal(price))
    return prices


def _facts(product_ids) -> list[ProductFacts]:
    from django.db.models import Q

    rows = Product.objects.filter(
        Q(pk__in=list(product_ids))
        | Q(is_designated_production=True, designated_price__isnull=False)
        | Q(is_provincial_reserve=True, designated_price__isnull=False)
        | Q(is_national_negotiated=True, payment_standard__isnull=False)
    ).values_list("id", *FACT_FIELDS)
    return [ProductFacts(*row) for row in rows]


def standards_for_year(year: int, on: date) -> list[Computed]:
    """R-SET-8: every product's standard for ``year`` from the prices in force on ``on`` (not stored)."""
    prices = _declared_prices(on)
    previous = {
        row["product_id"]: Previous(row["basis"], row["convergence_from"], row["convergence_start_year"])
        for row in PaymentStandard.objects.filter(year=year - 1).values(
            "product_id", "basis", "convergence_from", "convergence_start_year"
        )
    }
    return compute_standards(
        year,
        _facts(prices),
        prices,
        previous,
        rule=Convergence.in_force(),
        several=policy("PAYMENT_STANDARD_OF_SEVERAL_WINNERS"),
    )


@transaction.atomic
def payment_standards_compute(*, year: int, on: date | None = None, actor: User | None = None) -> dict[str, int]:
    """R-SET-8: compute and store ``year``'s payment standards from the prices in force on ``on`` (today when
    computing this year's or next year's; the yearly job gives 1 January). The provincial bureau may recompute
    this year's or next year's standards (e.g. after a VBP round); earlier years are history, never rewritten.
    Idempotent: a second run with the same prices writes nothing."""
    today = timezone.localdate()
    if actor is not None:
        if not can_compute_standards(actor):
            raise PermissionDenied(_("Only the provincial bureau sets the payment standards."), code="forbidden")
        if year not in (today.year, today.year + 1):
            raise DomainError(
                _("Standards are set for this year or next year; earlier years are kept as they were."),
                code="invalid",
                field="year",
                rule="R-SET-8",
                params={"year": year},
            )
    on = on or today
    # One computation of a year at a time (the job and the bureau's button): the second waits, then rewrites
    # nothing.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"payment_standards:{year}"])
    computed = standards_for_year(year, on)
    reason = _("Payment standards for %(year)s from the prices of %(on)s") % {"year": year, "on": on}
    with audit_reason(reason):
        return _store(year, on, computed)


def _store(year: int, on: date, computed: list[Computed]) -> dict[str, int]:
    columns = ["year", "product_id", *STORED, "computed_on"]
    rows = [[year, row.product_id, *(getattr(row, name) for name in STORED), on] for row in computed]
    written = 0
    with connection.cursor() as cursor:
        if rows:
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
            moved = " OR ".join(f"s.{name} IS DISTINCT FROM excluded.{name}" for name in STORED)
            cursor.execute(
                f"INSERT INTO settlement_paymentstandard AS s ({', '.join(columns)}) VALUES {placeholders}"
                f" ON CONFLICT (year, product_id) DO UPDATE SET "
                + ", ".join(f"{name} = excluded.{name}" for name in [*STORED, "computed_on"])
                + f" WHERE {moved}",
                [value for row in rows for value in row],
            )
            written = cursor.rowcount
        cursor.execute(
            "DELETE FROM settlement_paymentstandard WHERE year = %s AND NOT (product_id = ANY(%s))",
            [year, [row.product_id for row in computed]],
        )
        removed = cursor.rowcount
    return {"standards": len(computed), "written": written, "removed": removed}


def standard_in_force(product: Product, year: int | None = None) -> PaymentStandard | None:
    """The product's payment standard of ``year`` (this year by default), or None when none is set."""
    year = year or timezone.localdate().year
    return PaymentStandard.objects.filter(product=product, year=year).select_related("product").first()


def price_split(standard: PaymentStandard, price: Decimal, packs: int = 1) -> Split:
    """R-SET-8: the fund's and the patient's part of ``packs`` bought at ``price`` a pack under ``standard``:
    the patient pays what is above the standard (before the scheme's own co-payment)."""
    if packs < 1:
        raise DomainError(_("At least one pack."), code="invalid", field="packs", rule="R-SET-8")
    return split_price(price * packs, standard.standard * packs)
