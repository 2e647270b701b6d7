"""Reads of the audit trail across every tracked model."""

from django.db.models import Q
from pghistory.models import Events

from procurement.core.audit import tracked_models
from procurement.core.jobs import registered_jobs


def audited_models() -> list[tuple[str, str]]:
    """(label, verbose name) of every model with an audit trail, for the filter."""
    return sorted(
        ((model._meta.label, str(model._meta.verbose_name)) for model in tracked_models()), key=lambda pair: pair[1]
    )


def audit_events(*, model: str = "", object_id: str = "", username: str = ""):
    events = Events.objects.all().order_by("-pgh_created_at", "-pgh_slug")
    if model:
        events = events.filter(pgh_obj_model=model)
    if object_id:
        events = events.filter(pgh_obj_id=object_id)
    if username:
        # a job is found by its name too (价格联动 finds job:national_price_linkage)
        jobs = [f"job:{job.name}" for job in registered_jobs() if username in job.shown_name]
        events = events.filter(
            Q(pgh_context__username=username)
            | Q(pgh_context__actor__icontains=username)
            | Q(pgh_context__actor__in=jobs)
        )
    return events
