"""The nightly watch of filed purchases (事中监控, 004 §二(三)), set-based and idempotent.

- ``follow_up_filings`` (R-FIL-4, 凡备案必采购): a confirmed filing not bought within
  FILING_FOLLOW_UP_DAYS of its confirmation is flagged, on the night that period ends. A purchase is an
  order line priced by the filing (its reference ``filing:<id>``), placed within the period and not
  declined or cancelled. A flag is a fact about the period: a later purchase does not lift it.
- ``filing_warning_lines`` (R-FIL-5): each hospital's filed amount (filings awaiting confirmation or
  confirmed, by the day they were filed) per month and per year, against FILING_WARNING_LINE_MONTH and
  FILING_WARNING_LINE_YEAR; a period above its line keeps one ``FilingWarning`` naming the filing whose
  amount crossed it (the hospital's and its bureau's home pages show it). Periods of this year and the
  last are recomputed; a warning whose period fell back under the line (a rejection, a line raised) is
  cleared, and raised again if it crosses again.

A second run the same night writes nothing: every statement changes only rows whose figures differ.
"""

from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from filings.choices import FilingStatus, WarningPeriod
from procurement.core.jobs import nightly_job
from procurement.core.policy import policy
from procurement.orders.choices import LineStatus

# R-FIL-4: the filings whose follow-up period ended by %(today)s with no purchase in it.
FOLLOW_UP_SQL = """
    UPDATE filings_filing f SET follow_up_flagged_on = %(today)s
    WHERE f.status = %(approved)s AND f.follow_up_flagged_on IS NULL
      AND f.valid_from + %(days)s <= %(today)s
      AND NOT EXISTS (
          SELECT 1 FROM orders_orderline l
          WHERE l.hospital_id = f.hospital_id AND l.product_id = f.product_id
            AND l.price_source = %(source)s AND l.price_reference = 'filing:' || f.id
            AND l.status <> ALL(%(not_bought)s)
            AND l.created_at < ((f.valid_from + %(days)s)::timestamp AT TIME ZONE %(tz)s))
"""


@nightly_job("follow_up_filings", order=70, label=gettext_lazy("Follow-up of filed purchases"))
def follow_up_filings(today: date | None = None) -> dict[str, int]:
    """R-FIL-4: confirmed filings not bought within the follow-up days are flagged (凡备案必采购)."""
    with connection.cursor() as cursor:
        cursor.execute(
            FOLLOW_UP_SQL,
            {
                "today": today or timezone.localdate(),
                "approved": FilingStatus.APPROVED,
                "days": policy("FILING_FOLLOW_UP_DAYS"),
                "source": "filing",
                "not_bought": [LineStatus.DECLINED, LineStatus.CANCELLED],
                "tz": settings.TIME_ZONE,
            },
        )
        return {"flagged": cursor.rowcount}


# R-FIL-5: every hospital's periods above their line, the filing that crossed each, and the warnings kept.
WARNING_SQL = """
    WITH filed AS (
        SELECT f.id, f.hospital_id, f.amount, f.submitted_at, (f.submitted_at AT TIME ZONE %(tz)s)::date AS day
        FROM filings_filing f
        WHERE f.status = ANY(%(counted)s) AND f.submitted_at >= (%(since)s::timestamp AT TIME ZONE %(tz)s)
    ),
    periods AS (
        SELECT %(month)s::text AS period, date_trunc('month', day)::date AS period_start, %(month_line)s::numeric AS line,
               id, hospital_id, amount, submitted_at FROM filed
        UNION ALL
        SELECT %(year)s::text, date_trunc('year', day)::date, %(year_line)s::numeric, id, hospital_id, amount, submitted_at
        FROM filed
    ),
    running AS (
        SELECT p.*,
               sum(p.amount) OVER (PARTITION BY p.period, p.hospital_id, p.period_start ORDER BY p.submitted_at, p.id)
                   AS running,
               sum(p.amount) OVER (PARTITION BY p.period, p.hospital_id, p.period_start) AS total
        FROM periods p
    ),
    over AS (
        SELECT DISTINCT ON (period, hospital_id, period_start)
               period, hospital_id, period_start, line, total AS amount, id AS crossing_filing_id
        FROM running WHERE running > line
        ORDER BY period, hospital_id, period_start, submitted_at, id
    ),
    raised AS (
        INSERT INTO filings_filingwarning AS w
            (hospital_id, period, period_start, line, amount, crossing_filing_id, raised_on, cleared_on)
        SELECT hospital_id, period, period_start, line, amount, crossing_filing_id, %(today)s, NULL FROM over
        ON CONFLICT (hospital_id, period, period_start) DO UPDATE
            SET line = EXCLUDED.line, amount = EXCLUDED.amount, crossing_filing_id = EXCLUDED.crossing_filing_id,
                raised_on = CASE WHEN w.cleared_on IS NULL THEN w.raised_on ELSE EXCLUDED.raised_on END,
                cleared_on = NULL
            WHERE (w.line, w.amount, w.crossing_filing_id, w.cleared_on)
                  IS DISTINCT FROM (EXCLUDED.line, EXCLUDED.amount, EXCLUDED.crossing_filing_id, NULL::date)
        RETURNING (xmax = 0) AS inserted
    ),
    cleared AS (
        UPDATE filings_filingwarning w SET cleared_on = %(today)s
        WHERE w.cleared_on IS NULL AND w.period_start >= %(since)s
          AND NOT EXISTS (SELECT 1 FROM over o
                          WHERE o.hospital_id = w.hospital_id AND o.period = w.period
                            AND o.period_start = w.period_start)
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM raised WHERE inserted), (SELECT count(*) FROM raised WHERE NOT inserted),
           (SELECT count(*) FROM cleared)
"""


@nightly_job("filing_warning_lines", order=71, label=gettext_lazy("Filing warning lines"))
def filing_warning_lines(today: date | None = None) -> dict[str, int]:
    """R-FIL-5: each hospital's filed amounts per month and per year against the warning lines."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            WARNING_SQL,
            {
                "today": today,
                "since": date(today.year - 1, 1, 1),
                "tz": settings.TIME_ZONE,
                "counted": [FilingStatus.SUBMITTED, FilingStatus.APPROVED],
                "month": WarningPeriod.MONTH,
                "year": WarningPeriod.YEAR,
                "month_line": policy("FILING_WARNING_LINE_MONTH"),
                "year_line": policy("FILING_WARNING_LINE_YEAR"),
            },
        )
        raised, changed, cleared = cursor.fetchone()
    return {"warnings_raised": raised, "warnings_changed": changed, "warnings_cleared": cleared}
