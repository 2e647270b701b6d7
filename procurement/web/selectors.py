"""Reads of the audit trail across every tracked model."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from pghistory.core import event_models
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
    data, running them 0.3 s. ``AuditTrail`` now reads it for a page's events only; its count and keys, read
    from every event table, would be compiled too at scale. ``SET LOCAL`` in a transaction (or savepoint) of
    its own: the setting ends with the request's transaction, never kept by a pooled connection."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


class AuditTrail:
    """The audit trail's events matching the page's filters, newest first (ties: the later key first): a
    sequence the paginator counts and slices, each read without JIT (``reading_the_audit_trail``).

    Read in two steps, so that a page costs what its own events cost. pghistory's view of every event table
    (``Events``) computes each event's change from the one before it for every event, before the newest are
    picked: about 41 µs an event — 0.3 s for the demo's 7,285 (at that rate, the 30 s statement timeout near
    700,000). Here the page's events are found first by their time and key alone (each event table read
    narrow, filtered, the tables united), and only those are then read through ``Events``, by their keys:
    the demo's page 75–100 ms. The count and the keys still read every matching event, narrow.
    """

    def __init__(self, *, model: str = "", object_id: str = "", username: str = ""):
        # a job is found by its name too (价格联动 finds job:national_price_linkage)
        jobs = [f"job:{job.name}" for job in registered_jobs() if username in job.shown_name] if username else []
        self._branches = []
        for event_model in event_models():
            tracked = event_model.pgh_tracked_model
            if model and tracked._meta.label != model:
                continue
            events = event_model.objects.order_by()
            if object_id:
                try:
                    events = events.filter(pgh_obj_id=tracked._meta.pk.to_python(object_id))
                except (ValidationError, ValueError, TypeError):
                    continue  # not a key of this model: none of its events
            if username:
                events = events.filter(
                    Q(pgh_context__username=username)
                    | Q(pgh_context__actor__icontains=username)
                    | Q(pgh_context__actor__in=jobs)
                )
            self._branches.append((event_model._meta.label, events.values("pgh_created_at", "pgh_id")))
        self._count = None

    def _keys_sql(self) -> tuple[str, list]:
        """Every matching event's model, time and key, each event table's read united."""
        parts, params = [], []
        for label, events in self._branches:
            sql, branch_params = events.query.sql_with_params()
            parts.append(f"SELECT %s::text AS pgh_model, e.pgh_created_at, e.pgh_id FROM ({sql}) e")
            params += [label, *branch_params]
        return " UNION ALL ".join(parts), params

    def count(self) -> int:
        if self._count is None:
            self._count = 0
            if self._branches:
                sql, params = self._keys_sql()
                with reading_the_audit_trail(), connection.cursor() as cursor:
                    cursor.execute(f"SELECT count(*) FROM ({sql}) k", params)
                    self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[Events]:
        if not isinstance(page, slice) or page.step is not None or page.stop is None or (page.start or 0) < 0:
            raise TypeError("the audit trail is read a page at a time: [start:stop]")
        start = page.start or 0
        if page.stop <= start or not self._branches:
            return []
        sql, params = self._keys_sql()
        with reading_the_audit_trail(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT pgh_model, pgh_id FROM ({sql}) k"
                " ORDER BY pgh_created_at DESC, pgh_model DESC, pgh_id DESC LIMIT %s OFFSET %s",
                [*params, page.stop - start, start],
            )
            keys = cursor.fetchall()
            if not keys:
                return []
            # The page's events with their changes: only their own event tables, each found by its key.
            labels = sorted({label for label, _key in keys})
            condition = Q()
            for label in labels:
                condition |= Q(pgh_model=label, pgh_id__in=[key for other, key in keys if other == label])
            events = Events.objects.across(*labels).filter(condition)
            found = {(event.pgh_model, event.pgh_id): event for event in events}
        return [found[key] for key in keys if key in found]


def audit_events(*, model: str = "", object_id: str = "", username: str = "") -> AuditTrail:
    """The events of the audit trail page: of one tracked model (its label), one object, or one person or job."""
    return AuditTrail(model=model, object_id=object_id, username=username)
