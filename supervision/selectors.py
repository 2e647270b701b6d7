"""Reads of the credit records."""

from datetime import date

from django.db.models import Q

from supervision.models import BadRecord


def bad_record_on(organisation_id: int, day: date) -> BadRecord | None:
    """R-LIST-14: the bad-record entry that bars ``organisation`` on ``day``, if any."""
    return (
        BadRecord.objects.filter(organisation_id=organisation_id, starts_on__lte=day, ends_on__gte=day)
        .order_by("-ends_on")
        .first()
    )


def barred_condition(organisation_field: str, day: date) -> Q:
    """A filter for rows whose company is barred on ``day`` (for set-based checks)."""
    return Q(
        **{
            f"{organisation_field}__bad_records__starts_on__lte": day,
            f"{organisation_field}__bad_records__ends_on__gte": day,
        }
    )
