"""The one adapter to Django's internals: the speed-ups of the hot HIS paths, each in one place.

Django's public API does not offer these; the order path needs them (bench/order_api.py measured
each). What each relies on is stated here and checked by ``tests/core/test_internals.py``, which
fails loudly if a Django (or psycopg) upgrade changes it. Nothing else in the code touches
underscored attributes of Django's objects or its raw connection.

- ``fetch_all`` / ``fetch_one``: hot reads as prepared statements, the first of a request being the
  connection's health check (``health_check_done``, ``is_usable``: see ``_prepared``). Django's PostgreSQL backend binds
  parameters on the client, so PostgreSQL plans every query anew; for the few reads every HIS
  request runs (its key, its products, their prices and distributors), planning a join costs more
  than running it (0.46 ms against 0.16 ms for the key lookup). They run on Django's own connection
  (``connection.connection``, the psycopg connection) and so in its transaction, through a cursor
  that prepares each statement once per connection (PostgreSQL settles on one generic plan:
  ``plan_cache_mode``, set by ``procurement.core.apps``). Reads only: writes go through Django, which
  adds the audit context. Parameters need casts where PostgreSQL cannot infer a type.
- ``instance_from_row``: a model instance from a row read that way, as the ORM would have built it
  (``Model.from_db``: ``_state.adding`` false, ``_state.db`` set; ``save(update_fields=…)`` updates).
- ``relate``: attach an already-read related instance to a forward foreign key, so that following
  it reads nothing (``_state.fields_cache``).
- ``set_prefetched``: give an instance's reverse relation the objects just written, as
  ``prefetch_related`` would (``_prefetched_objects_cache``, the queryset's ``_result_cache`` and
  ``_prefetch_done``), so that an answer can be built from them without reading them back.
- ``audit_context_open`` / ``forget_audit_context``: whether a pghistory context is open in this
  thread (``pghistory.runtime._tracker``), and the transaction-local settings its triggers read
  (``pghistory.context_id`` / ``context_metadata``), cleared when the outermost step ends so that
  later statements of the same transaction do not inherit them (``procurement.core.audit``).
- ``StatementInsertEvent``: pghistory's insert event recorded by a statement-level trigger (one
  ``INSERT … SELECT`` from the statement's transition table) instead of one trigger call a row.
  pghistory's statement-level SQL also attaches a row of its ``pghistory_context`` table, which only
  a foreign-key context reads; ours is the JSON in the event row (``PGHISTORY_CONTEXT_FIELD``), so
  that part is left out and the event rows are those the row-level trigger writes. The context's JSON
  and id are read from their settings once a statement, not cast again for each row.
- ``unindexed_foreign_key_copies``: the event table's copies of a model's foreign keys as pghistory
  generates them (``pghistory.core._generate_history_field``), without their indexes.
- ``StatementUpdateEvent``: the same for updates: the changed rows (the old and new transition tables
  joined on the key, ``old IS DISTINCT FROM new`` as the row-level condition) in one ``INSERT … SELECT``,
  run by ``EXECUTE`` so that it is planned with the transition tables' real sizes each time: PL/pgSQL
  keeps a static statement's first plan, and a join planned for one row is a nested loop, quadratic
  when a nightly job then updates thousands.
"""

from collections.abc import Sequence

import pghistory
import pghistory.core
import pghistory.runtime
import pghistory.trigger
import pgtrigger
import psycopg
from django.db import DatabaseError, connection, models


def _prepared(query: str, params, fetch):
    """Run ``query`` prepared on Django's connection; the read is the connection's health check.

    With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection before its first query of a
    request with a ``SELECT 1`` (``close_if_health_check_failed``, on ``health_check_done``): a round
    trip on every request. The first read of a HIS request is a prepared read (its key), so the read is
    the check: when it fails and the connection was not yet checked, Django's own check decides — a
    dead connection is closed and the read runs once more on a new one, as after Django's check; a
    live one means the read itself failed, which is raised. Errors are Django's (``wrap_database_errors``:
    a database out of reach is the 503 of ``procurement.web.errors``).
    """
    unchecked = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    connection.ensure_connection()  # a new connection is healthy (Django marks it checked)
    try:
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(query, params, prepare=True)
            rows = fetch(cursor)
    except DatabaseError:
        if not unchecked or connection.is_usable():
            raise
        connection.close()  # what Django's check does with a dead connection; then a new one
        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(query, params, prepare=True)
            rows = fetch(cursor)
    if unchecked:
        connection.health_check_done = True
    return rows


def fetch_all(query: str, params) -> list[tuple]:
    return _prepared(query, params, psycopg.Cursor.fetchall)


def fetch_one(query: str, params) -> tuple | None:
    return _prepared(query, params, psycopg.Cursor.fetchone)


def instance_from_row(model: type[models.Model], field_names: Sequence[str], values: Sequence) -> models.Model:
    """``model``'s instance of the values of ``field_names`` (attnames), as if the ORM had read it."""
    return model.from_db(connection.alias, list(field_names), list(values))


def relate(instance: models.Model, field_name: str, related: models.Model) -> None:
    """Following ``instance.<field_name>`` (a forward foreign key) gives ``related`` without a query."""
    instance._state.fields_cache[field_name] = related


def set_prefetched(instance: models.Model, relation: str, objects: list[models.Model]) -> None:
    """``instance.<relation>.all()`` (a reverse foreign key) answers ``objects`` from memory, as after
    ``prefetch_related(relation)``."""
    field = instance._meta.get_field(relation)  # the reverse relation (a ManyToOneRel)
    queryset = field.related_model._default_manager.filter(**{field.field.name: instance})
    queryset._result_cache, queryset._prefetch_done = list(objects), True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[field.cache_name] = queryset


def audit_context_open() -> bool:
    """Whether a pghistory context is open in this thread (a step inside another)."""
    return hasattr(pghistory.runtime._tracker, "value")


def forget_audit_context() -> None:
    """Clear the context settings the audit triggers read, for the rest of the current transaction
    (pghistory sets them transaction-locally with each statement of a context, and leaves them)."""
    if not connection.in_atomic_block or connection.connection is None:
        return  # autocommit: the settings ended with their statement's transaction
    if connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
        return  # the transaction is failing: nothing it writes will remain
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pghistory.context_id', '', true), set_config('pghistory.context_metadata', '', true)"
        )


# pghistory 3.9's statement-level event SQL for a JSON context: a CTE attaching a pghistory_context row,
# cross-joined to the rows. Both parts are taken out (tests/core/test_internals.py checks they are found).
_ATTACH_CONTEXT = "WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) "
_ATTACHED_CONTEXT_JOIN = ", _pgh_attached_context;"


# Its context's JSON and id, read from the settings and cast for each row: parsing the JSON costs 2 µs a
# row (the price linkage's 12,000 events a stress night: 26 ms). Read once a statement instead, in a
# subquery kept apart by OFFSET 0 (the planner would otherwise pull its expressions back into each row).
_CONTEXT_METADATA = "COALESCE(NULLIF(CURRENT_SETTING('pghistory.context_metadata', TRUE), ''), NULL)::JSONB"
_CONTEXT_ID = "COALESCE(NULLIF(CURRENT_SETTING('pghistory.context_id', TRUE), ''), NULL)::UUID"
_ROWS_END = ") AS new_values;"
_CONTEXT_ONCE = (
    f") AS new_values CROSS JOIN (SELECT {_CONTEXT_METADATA} AS metadata, {_CONTEXT_ID} AS id OFFSET 0) AS _pgh_once;"
)


class _StatementEventTrigger(pghistory.trigger.Event):
    def get_func(self, model):
        func = super().get_func(model)
        if isinstance(self.event_model._meta.get_field("pgh_context"), models.ForeignKey):
            return func  # a foreign-key context needs its pghistory_context row
        sql = func.func
        if any(
            sql.count(part) != 1 for part in (_ATTACH_CONTEXT, _ATTACHED_CONTEXT_JOIN, _CONTEXT_METADATA, _CONTEXT_ID)
        ):
            raise RuntimeError("pghistory's statement-level event SQL changed: see procurement.core.internals")
        sql = sql.replace(_ATTACH_CONTEXT, "").replace(_ATTACHED_CONTEXT_JOIN, ";")
        if sql.count(_ROWS_END) != 1:
            raise RuntimeError("pghistory's statement-level event SQL changed: see procurement.core.internals")
        sql = sql.replace(_CONTEXT_METADATA, "_pgh_once.metadata").replace(_CONTEXT_ID, "_pgh_once.id")
        return pgtrigger.Func(sql.replace(_ROWS_END, _CONTEXT_ONCE))


class _PlannedEachTimeTrigger(_StatementEventTrigger):
    def get_func(self, model):
        sql = super().get_func(model).func
        if not sql.endswith(" RETURN NULL;") or "$pgh$" in sql:
            raise RuntimeError("pghistory's statement-level event SQL changed: see procurement.core.internals")
        return pgtrigger.Func(f"EXECUTE $pgh${sql.removesuffix(' RETURN NULL;').rstrip(';')}$pgh$; RETURN NULL;")


def unindexed_foreign_key_copies(model) -> dict[str, models.Field]:
    """The fields pghistory would give ``model``'s event table for the model's foreign keys
    (``pghistory.core._generate_history_field``: ``PGHISTORY_FOREIGN_KEY_FIELD``'s options on the copy of
    each), each without its index: for ``create_event_model``'s ``attrs``, which replace generated fields."""
    copies = {}
    for field in model._meta.local_fields:
        if isinstance(field, models.ForeignKey):
            copy = pghistory.core._generate_history_field(model, field.name)
            copy.db_index = False  # as ForeignKey(db_index=False) would have it (deconstruct() reads it back)
            copies[field.name] = copy
    return copies


class StatementInsertEvent(pghistory.InsertEvent):
    """pghistory's ``InsertEvent``, one trigger call a statement (see the module's docstring)."""

    level = pgtrigger.Statement

    def add_event_trigger(self, event_model):
        pgtrigger.register(
            _StatementEventTrigger(
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=self.level,
            )
        )(event_model.pgh_tracked_model)


class StatementUpdateEvent(pghistory.UpdateEvent):
    """pghistory's ``UpdateEvent``, one trigger call a statement, planned each time (see the module's
    docstring)."""

    level = pgtrigger.Statement

    def add_event_trigger(self, event_model):
        pgtrigger.register(
            _PlannedEachTimeTrigger(
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=self.level,
            )
        )(event_model.pgh_tracked_model)
