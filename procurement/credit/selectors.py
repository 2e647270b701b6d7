"""Reads of the credit records, and the one predicate every channel asks: is this company barred,
is this product delisted, on this day (R-LIST-14, R-SUP-3).

Each question has one owner here, in two forms that say the same thing: a Python selector for one
actor's action (a declaration, a negotiation, a designation) and an SQL fragment for set-based
work (the price resolver's prepared statement, nightly jobs), which other apps compose into their
own statements instead of naming these tables.
"""

from datetime import date

from django.db.models import Q, QuerySet

from procurement.core.scoping import visible_to
from procurement.credit.models import BadRecord, CreditEvent, ProductDelisting
from procurement.organisations.models import User


def barred_until_sql(organisation: str, day: str) -> str:
    """SQL: the last day of the bar on the company ``organisation`` (a column or expression) in force
    on ``day`` (an expression or placeholder of type date), or NULL when it is not barred."""
    table = BadRecord._meta.db_table
    return (
        f"(SELECT max(b.ends_on) FROM {table} b"
        f" WHERE b.organisation_id = {organisation} AND b.starts_on <= {day} AND b.ends_on >= {day})"
    )


def barred_sql(organisation: str, day: str) -> str:
    """SQL: whether the company ``organisation`` is on the bad-record list on ``day`` (R-LIST-14)."""
    table = BadRecord._meta.db_table
    return (
        f"EXISTS (SELECT 1 FROM {table} b"
        f" WHERE b.organisation_id = {organisation} AND b.starts_on <= {day} AND b.ends_on >= {day})"
    )


def delisted_sql(product: str, day: str) -> str:
    """SQL: whether the product ``product`` is delisted as a sanction on ``day`` (R-SUP-3)."""
    table = ProductDelisting._meta.db_table
    return (
        f"EXISTS (SELECT 1 FROM {table} x WHERE x.product_id = {product} AND x.starts_on <= {day}"
        f" AND (x.ends_on IS NULL OR x.ends_on >= {day}))"
    )


def _in_force(day: date) -> Q:
    return Q(starts_on__lte=day, ends_on__gte=day)


def bar_on(organisation_id: int, day: date) -> BadRecord | None:
    """R-LIST-14: the bad-record entry that bars the company on ``day`` (the longest, when several do)."""
    return BadRecord.objects.filter(_in_force(day), organisation_id=organisation_id).order_by("-ends_on").first()


def delisting_on(product_id: int, day: date) -> ProductDelisting | None:
    """R-SUP-3: the delisting that takes the product off the platform on ``day``, if any."""
    return (
        ProductDelisting.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)
        .filter(product_id=product_id)
        .first()
    )


def public_bad_records(day: date) -> QuerySet[BadRecord]:
    """信息公开: the companies barred on ``day`` and until when, longest bar first."""
    return (
        BadRecord.objects.filter(_in_force(day))
        .select_related("organisation", "credit_event")
        .order_by("organisation__name", "-ends_on")
    )


def public_delistings(day: date) -> QuerySet[ProductDelisting]:
    return (
        ProductDelisting.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)
        .select_related("product", "manufacturer", "credit_event")
        .order_by("manufacturer__name", "product__generic_name")
    )


def credit_events_for(user: User) -> QuerySet[CreditEvent]:
    return visible_to(user, CreditEvent).select_related("organisation", "recorded_by")
