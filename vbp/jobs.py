"""Nightly work of volume-based procurement: set-based SQL, idempotent (DOMAIN.md §10).

- ``vbp_completion`` (R-VBP-5): every started contract's completion — minimum units of its product the
  hospital accepted, returns subtracted, in its current contract year,
  against the pace expected by now — recomputed from the batches, never counted up; behind pace flagged;
- ``open_due_rounds`` (R-VBP-8): rounds whose opening time has passed are opened (the bureau usually
  opens them itself, at the time; this catches one nobody opened).

A batch accepted or returned recomputes the contracts of its hospital and product at once
(``receivers``), through the same statement limited to them.
"""

from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone

from procurement.core.jobs import nightly_job
from procurement.core.policy import policy
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


@nightly_job("vbp_completion", order=70)
def vbp_completion() -> dict:
    """R-VBP-5: completion of every VBP contract, from the accepted batches, against the pace."""
    return recompute_completion()


@nightly_job("open_due_rounds", order=5)
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
