"""The audit trail: who changed what, when and why (DOMAIN.md §3 "every transition is recorded").

Every tracked model (``@pghistory.track()``) has an event table filled by database triggers, so
bulk and queryset updates are recorded as surely as ``save()``. The event tables are append-only:
a trigger refuses UPDATE and DELETE (``PGHISTORY_APPEND_ONLY``), whatever the application does.

The context of an event is stored in the event row itself (``PGHISTORY_CONTEXT_FIELD``):

- ``user`` / ``username`` / ``organisation``: who; set for every web and API write by
  ``AuditContextMiddleware``, for HIS tokens too (DRF sets ``request.user`` later, and pghistory's
  request class follows it);
- ``actor``: what acted when no person did (``job:national_price_linkage``, ``command:seed_demo``);
- ``reason``: why, given by the service that made the change (``audit_reason``).
"""

from contextlib import contextmanager

import pghistory
from pghistory.middleware import HistoryMiddleware

from procurement.core import internals


class AuditContextMiddleware(HistoryMiddleware):
    """pghistory's middleware, also naming the user's organisation and the client address."""

    def get_context(self, request):
        context = super().get_context(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context["username"] = user.get_username()
            context["organisation"] = user.organisation_id
        context["method"] = request.method
        context["ip"] = request.META.get("REMOTE_ADDR")
        return context


@contextmanager
def audit_step(**metadata):
    """Attach facts (``reason``, ``actor``, …) to every change made inside the block, and only there.

    pghistory merges a nested context into its parent for good and leaves its settings in the
    transaction; a step here restores what was there before when it ends (the actor of a job, the
    user of a request), so each event carries the actor and reason of the step that made it.
    """
    outermost = not internals.audit_context_open()
    with pghistory.context() as current:
        before = dict(current.metadata)
        current.metadata.update(metadata)
        try:
            yield
        finally:
            current.metadata.clear()
            current.metadata.update(before)
    if outermost:
        internals.forget_audit_context()


def audit_reason(reason: str, **extra):
    """Attach a reason (and any other facts) to every change made inside the block."""
    return audit_step(reason=reason, **extra)


def audit_actor(actor: str, **extra):
    """Name a non-human actor (a nightly job, a management command) for changes inside the block."""
    return audit_step(actor=actor, **extra)


def tracked_models() -> list[type]:
    """Every model whose changes the audit trail records."""
    from pghistory.core import event_models

    return list({event_model.pgh_tracked_model for event_model in event_models()})


def tracked(*, bulk_inserts: bool = False, bulk_updates: bool = False, **options):
    """``@tracked()``: audit every insert, update and delete of a model, by row-level triggers.

    ``bulk_inserts``: a model that nightly jobs insert by the thousand records its inserts by one
    statement-level trigger instead (``internals.StatementInsertEvent``: the same event rows, one
    ``INSERT … SELECT`` a statement; 6,000 price-linkage notices: ≈ 35 ms against ≈ 125 ms for a trigger
    call a row).

    ``bulk_updates``: likewise for updates (``internals.StatementUpdateEvent``: the changed rows' events in
    one statement, planned each time with the transition tables' sizes; 3,000 listings suspended by the
    price linkage: 30–70 ms against ≈ 290 ms, EXPLAIN ANALYZE). Deletes stay row-level.

    Either way, the event table of such a model keeps its copies of the model's foreign keys without an
    index each (``internals.unindexed_foreign_key_copies``): the audit trail finds events by their object
    and context, never by a copied key, and the nights wrote those index entries for nothing (the price
    linkage's stress night: ≈ 20 ms of its ≈ 1 s, bench/README.md).
    """
    insert = internals.StatementInsertEvent() if bulk_inserts else pghistory.InsertEvent()
    update = internals.StatementUpdateEvent() if bulk_updates else pghistory.UpdateEvent()
    if not (bulk_inserts or bulk_updates):
        return pghistory.track(insert, update, pghistory.DeleteEvent(), **options)

    def track(model):
        attrs = {**internals.unindexed_foreign_key_copies(model), **options.get("attrs", {})}
        others = {name: value for name, value in options.items() if name != "attrs"}
        return pghistory.track(insert, update, pghistory.DeleteEvent(), attrs=attrs, **others)(model)

    return track
