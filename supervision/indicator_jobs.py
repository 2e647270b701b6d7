"""The nightly indicators of supervision (R-SUP-1), set-based and idempotent (DOMAIN.md §10).

``supervision_indicators`` recomputes, for every hospital, each registered indicator of the months still
open — the current month, and the previous one until INDICATOR_FREEZE_DAYS after its end (late payments
and late reports still land in it): the union of every channel's part
(``procurement.core.indicators.indicator_rows_sql``), summed per hospital, month and indicator into a
temporary table (one parallel query), then upserted in one statement (``INSERT … ON CONFLICT``) writing only
the figures that moved, and the figures of an open month whose rows
disappeared (an order cancelled) removed. Then the months past their freezing day are frozen: a frozen
figure is never rewritten, by this job or a backfill. A second run the same night writes nothing.

``compute_indicators`` is the same statement for any months: ``manage.py indicators_backfill`` fills the
history of a new installation (past months arrive frozen) and bench/supervision_indicators.py measures it.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from procurement.core.indicators import indicator_keys_params, indicator_rows_sql, part_params
from procurement.core.jobs import nightly_job
from procurement.core.policy import policy

# Every part's rows of [since, until), summed per hospital, month and indicator. Computed into a temporary table
# first: PostgreSQL runs a data-modifying statement without parallel workers, a CREATE TABLE AS with them, and
# the union of the parts over millions of lines is the whole cost (bench/supervision_indicators.py).
FIGURES_SQL = """
    SELECT r.indicator, r.hospital_id, r.month,
           round(sum(r.numerator), 2) AS numerator, round(sum(r.denominator), 2) AS denominator
    FROM ({rows}) r
    WHERE r.hospital_id IS NOT NULL AND r.month >= %(since)s::date AND r.month < %(until)s::date
    GROUP BY 1, 2, 3
"""

FIGURES_TABLE = "supervision_figures"

WRITE_SQL = """
    WITH written AS (
        INSERT INTO supervision_indicatorvalue AS v
            (hospital_id, month, indicator, numerator, denominator, frozen, computed_on)
        SELECT f.hospital_id, f.month, f.indicator, f.numerator, f.denominator,
               f.month < %(freeze_before)s::date, %(today)s::date
        FROM supervision_figures f
        ON CONFLICT (hospital_id, month, indicator) DO UPDATE
            SET numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator, frozen = EXCLUDED.frozen,
                computed_on = EXCLUDED.computed_on
            WHERE NOT v.frozen
              AND (v.numerator, v.denominator, v.frozen)
                  IS DISTINCT FROM (EXCLUDED.numerator, EXCLUDED.denominator, EXCLUDED.frozen)
        RETURNING (xmax = 0) AS inserted
    ),
    removed AS (
        DELETE FROM supervision_indicatorvalue v
        WHERE NOT v.frozen AND v.month >= %(since)s::date AND v.month < %(until)s::date
          AND NOT EXISTS (SELECT 1 FROM supervision_figures f
                          WHERE f.hospital_id = v.hospital_id AND f.month = v.month AND f.indicator = v.indicator)
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM written WHERE inserted), (SELECT count(*) FROM written WHERE NOT inserted),
           (SELECT count(*) FROM removed)
"""

FREEZE_SQL = """
    UPDATE supervision_indicatorvalue SET frozen = true WHERE NOT frozen AND month < %(freeze_before)s::date
"""

# The bare aggregation of the same figures (bench/supervision_indicators.py's baseline): nothing written.
BARE_SQL = "WITH figures AS (" + FIGURES_SQL + ") SELECT count(*), sum(numerator), sum(denominator) FROM figures"


def freeze_before(today: date) -> date:
    """The first month still open on ``today``: the month of ``today`` − INDICATOR_FREEZE_DAYS. Every month
    before it ended more than INDICATOR_FREEZE_DAYS ago, and is frozen."""
    return (today - timedelta(days=policy("INDICATOR_FREEZE_DAYS"))).replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _params(since: date, until: date, today: date) -> dict:
    return {
        "since": since,
        "until": until,
        "today": today,
        "tz": settings.TIME_ZONE,
        "freeze_before": freeze_before(today),
        **indicator_keys_params(),
        **part_params(),
    }


def compute_indicators(*, since: date, until: date, today: date) -> dict[str, int]:
    """R-SUP-1: the figures of the months [since, until) written in one statement (frozen ones untouched),
    then the months past their freezing day frozen."""
    params = _params(since.replace(day=1), until, today)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FIGURES_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {FIGURES_TABLE} AS " + FIGURES_SQL.replace("{rows}", indicator_rows_sql()), params
        )
        cursor.execute(f"CREATE INDEX ON {FIGURES_TABLE} (hospital_id, month, indicator)")
        cursor.execute(f"ANALYZE {FIGURES_TABLE}")
        cursor.execute(WRITE_SQL, params)
        inserted, updated, removed = cursor.fetchone()
        cursor.execute(FREEZE_SQL, params)
        frozen = cursor.rowcount
        cursor.execute(f"DROP TABLE {FIGURES_TABLE}")
    return {"inserted": inserted, "updated": updated, "removed": removed, "frozen": frozen}


def bare_figures(*, since: date, until: date, today: date) -> tuple:
    """The same figures summed, nothing written (the benchmark's baseline)."""
    with connection.cursor() as cursor:
        cursor.execute(BARE_SQL.replace("{rows}", indicator_rows_sql()), _params(since, until, today))
        return cursor.fetchone()


@nightly_job("supervision_indicators", order=90, label=gettext_lazy("Supervision indicators"))
def supervision_indicators(today: date | None = None) -> dict[str, int]:
    """R-SUP-1: every hospital's indicators of the open months; the months past their freezing day frozen."""
    today = today or timezone.localdate()
    return compute_indicators(since=freeze_before(today), until=next_month(today), today=today)
