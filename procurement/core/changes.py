"""Change stamps for pull cursors that never skip a row committed late (R-ORD-5).

A pullable row carries ``change_xid``: the id of the transaction that last wrote it, set by a
database trigger on every insert and update. A client pulls rows whose ``(change_xid, id)`` is past
its cursor and whose transaction precedes the oldest transaction still running (the snapshot's
xmin of this database): everything below has committed or aborted, so a row written by a slow
transaction is held back until it commits, and then returned — never skipped, whatever the clocks
say. The price: a long transaction (a nightly job) delays the pull by its length, never more. This is the
"hold back the newest writes, by the database" of DOMAIN.md §7, exact rather than by seconds.
"""

from dataclasses import dataclass

import pgtrigger
from django.db import connection, models
from django.db.models import Q, QuerySet

STAMP_FUNCTION = "NEW.change_xid := current_change_xid(); RETURN NEW;"


def change_stamp_trigger() -> pgtrigger.Trigger:
    """Stamps each row written with its transaction's id. A statement that stamps its rows itself
    (``SET change_xid = current_change_xid()``, as the nightly jobs do) skips the call: the condition costs
    nothing, the call a PL/pgSQL function and pgtrigger's sub-transaction a row (3,000 listings suspended by
    the price linkage: 16 ms)."""
    return pgtrigger.Trigger(
        name="stamp_change",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        condition=pgtrigger.Condition("NEW.change_xid IS DISTINCT FROM current_change_xid()"),
        func=STAMP_FUNCTION,
    )


def change_xid_field() -> models.BigIntegerField:
    return models.BigIntegerField(default=0, editable=False, db_index=True)


def visible_horizon() -> int:
    """The oldest transaction of this database still running; with none, the next id to be given.

    Every change stamped below it has committed (or aborted). Transactions of other databases of
    the cluster cannot write these tables and are not waited for (the snapshot's own xmin would).
    All 64-bit (``xid8``), as the stamps are: the running transactions' 32-bit ids are widened with
    the current epoch (``xid_widened``, migration core 0004), so the horizon stays right past the
    database's transaction-id wraparound.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """WITH next AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS id)
               SELECT LEAST(
                   (SELECT min(xid_widened(a.backend_xid, next.id)) FROM pg_stat_activity a
                    WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL),
                   next.id)
               FROM next"""
        )
        return cursor.fetchone()[0]


def encode_cursor(change_xid: int, row_id: int) -> str:
    return f"{change_xid}.{row_id}"


def decode_cursor(text: str | None) -> tuple[int, int]:
    """``"xid.id"`` → (xid, id); an empty cursor starts from the beginning. Raises ValueError."""
    if not text:
        return 0, 0
    xid, _, row_id = text.partition(".")
    return int(xid), int(row_id or 0)


PULL_LIMIT = 500


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str
    more: bool


def pull(user, queryset: QuerySet, cursor: str | None, limit: int = PULL_LIMIT) -> Page:
    """R-ORD-5: rows of ``queryset`` changed after ``cursor``, oldest change first, never skipping one.

    Only changes of transactions older than the oldest still running are returned; the next cursor
    points after the last row returned. A row written by a transaction that commits late is returned
    by a later pull, because the cursor never passes a transaction still running.
    """
    from procurement.core.scoping import visible_to  # scoping reads the models that import this module

    after_xid, after_id = decode_cursor(cursor)
    horizon = visible_horizon()
    rows = list(
        visible_to(user, queryset)
        .filter(change_xid__lt=horizon)
        .filter(Q(change_xid__gt=after_xid) | Q(change_xid=after_xid, id__gt=after_id))
        .order_by("change_xid", "id")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].change_xid, rows[-1].pk) if rows else (cursor or encode_cursor(0, 0))
    return Page(rows, next_cursor, more)
