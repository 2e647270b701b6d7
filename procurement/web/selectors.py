"""Reads of the audit trail across every tracked model."""

from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q
from pghistory.models import Events

from procurement.core.audit import tracked_models
from procurement.core.jobs import registered_jobs


def audited_models() -> list[tuple[str, str]]:
    """(label, verbose name) of every model with an audit trail, for the filter."""
    return sorted(
        ((model._meta.label, str(model._meta.verbose_name)) for model in tracked_models()), key=lambda pair: pair[1]
    )


@contextmanager
def reading_the_audit_trail():
    """Statements inside read the audit trail without JIT. pghistory's view of every event table (fifty
    of them, 117 kB of SQL, each event's change computed from the one before) is estimated far above
    ``jit_above_cost``; compiling its 2,500 expressions took 1.9 s of the audit page's 2.2 s on the demo
    data, running them 0.3 s. ``SET LOCAL`` in a transaction (or savepoint) of its own: the setting ends with the
    request's transaction, never kept by a pooled connection."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


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
