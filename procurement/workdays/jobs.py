"""Nightly work of the calendar."""

from django.utils.translation import gettext_lazy

from procurement.core.jobs import nightly_job
from procurement.workdays.services import recompute_provisional_deadlines


@nightly_job("recompute_provisional_deadlines", order=10, label=gettext_lazy("Provisional deadlines"))
def recompute_deadlines_job() -> dict[str, int]:
    """Recompute provisional deadlines (a year may have been published during the day)."""
    return {"deadlines_recomputed": recompute_provisional_deadlines()}
