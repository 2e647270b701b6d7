"""Nightly work of volume-based procurement: set-based SQL, idempotent (DOMAIN.md §10).

- ``vbp_completion`` (R-VBP-5): every started contract's completion — minimum units of its product the
  hospital accepted, returns subtracted, in its current contract year,
  against the pace expected by now — recomputed from the batches, never counted up; behind pace flagged;
- ``vbp_supply`` (R-VBP-11): a winner's latest reported stock under VBP_STOCK_DAYS days of its contracts'
  demand raises a shortage warning (once per winner and month); a VBP-priced order line its distributor
  declined is a failure to supply, recorded once as a credit event through the core's credit service;
- ``open_due_rounds`` (R-VBP-8): rounds whose opening time has passed are opened (the bureau usually
  opens them itself, at the time; this catches one nobody opened).

A batch accepted or returned recomputes the contracts of its hospital and product at once
(``receivers``), through the same statement limited to them.
"""

from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from procurement.core.jobs import nightly_job
from procurement.core.policy import policy
from procurement.credit.choices import CreditEventKind, Severity
from procurement.credit.services import credit_events_insert_sql
from vbp.choices import RoundKind, RoundStatus

# Every started contract (or those of ``%(ids)s``) with its current contract year [ys, ye] (the agreed
# volume is annual: R-VBP-4), the minimum units of its product its hospital accepted in that year up to
# today, returns subtracted (R-VBP-5), and the units the pace expects by today. Shared by the job, the
# receivers and bench/vbp_completion.py (whose bare query sums these figures and writes nothing).
FIGURES_CTE = """
    contracts AS (
        SELECT c.id, c.hospital_id, c.product_id, c.volume_units, p.pack_quantity,
               y.ys, LEAST((y.ys + interval '1 year' - interval '1 day')::date, c.valid_until) AS ye
        FROM vbp_contract c
        JOIN catalogue_product p ON p.id = c.product_id
        CROSS JOIN LATERAL (
            SELECT (c.valid_from + make_interval(years => GREATEST(0,
                        extract(year FROM age(LEAST(%(today)s::date, c.valid_until), c.valid_from))::int)))::date AS ys
        ) y
        WHERE c.valid_from <= %(today)s::date {only}
    ),
    bought AS (
        SELECT c.id, sum((s.accepted_quantity - s.returned_quantity)::bigint * c.pack_quantity) AS units
        FROM contracts c
        JOIN orders_orderline l ON l.hospital_id = c.hospital_id AND l.product_id = c.product_id
        JOIN orders_shipment s ON s.line_id = l.id
        WHERE s.accepted_quantity > 0
          AND s.accepted_at >= (c.ys::timestamp AT TIME ZONE %(tz)s)
          AND s.accepted_at < ((LEAST(c.ye, %(today)s::date) + 1)::timestamp AT TIME ZONE %(tz)s)
        GROUP BY c.id
    ),
    figures AS (
        SELECT c.id, c.hospital_id, c.ys, c.ye, COALESCE(b.units, 0) AS bought,
               (c.volume_units * (LEAST(%(today)s::date, c.ye) - c.ys + 1) / (c.ye - c.ys + 1))::bigint AS expected
        FROM contracts c LEFT JOIN bought b ON b.id = c.id
    )
"""

COMPLETION_SQL = (
    "WITH"
    + FIGURES_CTE
    + """,
    progress AS (
        INSERT INTO vbp_contractprogress
            (contract_id, hospital_id, year_start, year_end, bought_units, expected_units, behind, computed_on)
        SELECT f.id, f.hospital_id, f.ys, f.ye, f.bought, f.expected,
               f.bought < f.expected * %(share)s::numeric, %(today)s::date
        FROM figures f
        ON CONFLICT (contract_id) DO UPDATE SET
            year_start = EXCLUDED.year_start, year_end = EXCLUDED.year_end, bought_units = EXCLUDED.bought_units,
            expected_units = EXCLUDED.expected_units, behind = EXCLUDED.behind, computed_on = EXCLUDED.computed_on
        WHERE (vbp_contractprogress.year_start, vbp_contractprogress.bought_units, vbp_contractprogress.expected_units,
               vbp_contractprogress.behind, vbp_contractprogress.computed_on)
              IS DISTINCT FROM
              (EXCLUDED.year_start, EXCLUDED.bought_units, EXCLUDED.expected_units, EXCLUDED.behind,
               EXCLUDED.computed_on)
        RETURNING behind
    )
    SELECT (SELECT count(*) FROM progress), (SELECT count(*) FROM progress WHERE behind)
"""
)

# The bare aggregation of the same figures (bench/vbp_completion.py's baseline): nothing written.
BARE_SQL = (
    "WITH"
    + FIGURES_CTE
    + """
    SELECT count(*), sum(bought), sum(expected), count(*) FILTER (WHERE bought < expected * %(share)s::numeric)
    FROM figures
"""
)


def recompute_completion(today: date | None = None, *, contract_ids: list[int] | None = None) -> dict:
    """R-VBP-5: recompute completion (all started contracts, or those of ``contract_ids``) in one statement."""
    today = today or timezone.localdate()
    only = "" if contract_ids is None else "AND c.id = ANY(%(ids)s::bigint[])"
    with connection.cursor() as cursor:
        cursor.execute(
            COMPLETION_SQL.replace("{only}", only),
            {
                "today": today,
                "tz": settings.TIME_ZONE,
                "share": policy("VBP_BEHIND_PACE_SHARE"),
                "ids": contract_ids or [],
            },
        )
        progress, behind = cursor.fetchone()
    return {"progress_written": progress, "behind_written": behind}


@nightly_job("vbp_completion", order=70, label=gettext_lazy("VBP completion"))
def vbp_completion() -> dict:
    """R-VBP-5: completion of every VBP contract, from the accepted batches, against the pace."""
    return recompute_completion()


@nightly_job("open_due_rounds", order=5, label=gettext_lazy("Opening of due VBP rounds"))
def open_due_rounds() -> dict:
    """R-VBP-8: provincial rounds past their opening time that nobody opened are opened."""
    from vbp.models import Round
    from vbp.services import round_open

    due = Round.objects.filter(
        kind=RoundKind.PROVINCIAL, status=RoundStatus.BIDDING, opening_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    opened = 0
    for round_id in list(due):
        round_open(actor=None, round_id=round_id)
        opened += 1
    return {"rounds_opened": opened}


# R-VBP-11: each winner's latest report, its contracts' daily demand (their annual volumes in force / 365),
# and a warning when the stock covers fewer days than the policy asks.
SHORTAGE_SQL = """
    WITH latest AS (
        SELECT DISTINCT ON (r.winner_id) r.winner_id, r.manufacturer_id, r.month, r.stock_units
        FROM vbp_supplyreport r ORDER BY r.winner_id, r.month DESC
    ),
    demand AS (
        SELECT l.*, (SELECT COALESCE(sum(c.volume_units), 0) FROM vbp_contract c
                     WHERE c.winner_id = l.winner_id AND c.valid_from <= %(today)s AND c.valid_until >= %(today)s
                    ) / 365.0 AS daily
        FROM latest l
    ),
    raised AS (
        INSERT INTO vbp_shortagewarning (winner_id, manufacturer_id, month, stock_units, daily_demand, days_covered,
                                         raised_at)
        SELECT winner_id, manufacturer_id, month, stock_units, round(daily, 2), trunc(stock_units / daily, 1), now()
        FROM demand WHERE daily > 0 AND stock_units < %(days)s * daily
        ON CONFLICT (winner_id, month) DO NOTHING
        RETURNING 1
    )
    SELECT count(*) FROM raised
"""

# R-VBP-11: a line quoted at a VBP price that its distributor declined — the winner did not supply.
FAILED_SUPPLY_SQL = (
    "WITH credited AS ("
    + credit_events_insert_sql(
        """SELECT l.manufacturer_id, %(kind)s, %(severity)s, (l.created_at AT TIME ZONE %(tz)s)::date,
                  %(text)s || l.id, 'vbp_declined_line:' || l.id
           FROM orders_orderline l WHERE l.price_source = 'vbp' AND l.status = 'declined'"""
    )
    + ") SELECT count(*) FROM credited"
)


@nightly_job("vbp_supply", order=75, label=gettext_lazy("VBP supply warnings"))
def vbp_supply(today: date | None = None) -> dict:
    """R-VBP-11: shortage warnings from the winners' reported stock; failures to supply as credit events."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(SHORTAGE_SQL, {"today": today, "days": policy("VBP_STOCK_DAYS")})
        warnings = cursor.fetchone()[0]
        cursor.execute(
            FAILED_SUPPLY_SQL,
            {
                "kind": CreditEventKind.FAILURE_TO_SUPPLY,
                "severity": Severity.GENERAL,
                "tz": settings.TIME_ZONE,
                "text": "带量采购中选产品未供应：订单行 ",
            },
        )
        credited = cursor.fetchone()[0]
    return {"shortage_warnings": warnings, "credit_events": credited}
