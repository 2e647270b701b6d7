"""What VBP tells supervision (R-SUP-1), per hospital and month, registered in the core's indicator registry
(``procurement.core.indicators``):

- ``vbp_completion`` (R-VBP-5): minimum units of contracted products the hospital accepted in the month
  (returns subtracted, a batch counted when a contract for its product was in force on the day it was
  accepted) over the month's share of the agreed annual volumes — a twelfth of each contract's volume for
  every month its period touches (our choice: the monthly pace the bureau monitors);
- ``non_winning_share`` (R-VBP-6): of the minimum units ordered in the month of the generic names the
  hospital has a contract for (in force in that month), those of products that did not win;
- a part of ``violations`` (volume reporting, R-VBP-3): an allocation not confirmed by its deadline (a final
  one: a provisional deadline flags nothing), counted in the month of its deadline.
"""

from django.utils.translation import gettext_lazy as _

from procurement.core.indicators import LOWER, Indicator, IndicatorPart, register_indicator, register_indicator_part
from procurement.orders.choices import LineStatus
from procurement.web.drill import drill_url

NOT_BOUGHT = f"('{LineStatus.DECLINED.value}', '{LineStatus.CANCELLED.value}')"

# The months each contract touches within [since, until).
CONTRACT_MONTHS = """
    CROSS JOIN LATERAL generate_series(
        greatest(date_trunc('month', c.valid_from), %(since)s::date::timestamp),
        least(c.valid_until, %(until)s::date - 1)::timestamp, interval '1 month') AS m(month)
"""

COMPLETION_SQL = f"""
    WITH pace AS (
        SELECT c.hospital_id, m.month::date AS month, sum(round(c.volume_units / 12.0, 2)) AS expected
        FROM vbp_contract c {CONTRACT_MONTHS}
        GROUP BY 1, 2
    ),
    bought AS (
        SELECT s.hospital_id, date_trunc('month', s.accepted_at AT TIME ZONE %(tz)s)::date AS month,
               sum((s.accepted_quantity - s.returned_quantity)::bigint * p.pack_quantity) AS units
        FROM orders_shipment s
        JOIN orders_orderline l ON l.id = s.line_id
        JOIN catalogue_product p ON p.id = l.product_id
        WHERE s.accepted_quantity > 0
          AND s.accepted_at >= (%(since)s::date::timestamp AT TIME ZONE %(tz)s)
          AND s.accepted_at < (%(until)s::date::timestamp AT TIME ZONE %(tz)s)
          AND EXISTS (SELECT 1 FROM vbp_contract c
                      WHERE c.hospital_id = s.hospital_id AND c.product_id = l.product_id
                        AND c.valid_from <= (s.accepted_at AT TIME ZONE %(tz)s)::date
                        AND c.valid_until >= (s.accepted_at AT TIME ZONE %(tz)s)::date)
        GROUP BY 1, 2
    )
    SELECT p.hospital_id, p.month, coalesce(b.units, 0), p.expected
    FROM pace p LEFT JOIN bought b ON b.hospital_id = p.hospital_id AND b.month = p.month
"""

NON_WINNING_SQL = f"""
    WITH in_force AS (
        SELECT c.hospital_id, m.month::date AS month, u.generic_name, array_agg(DISTINCT u.id) AS units
        FROM vbp_contract c
        JOIN vbp_competitionunit u ON u.id = c.unit_id {CONTRACT_MONTHS}
        GROUP BY 1, 2, 3
    ),
    lines AS (
        SELECT l.hospital_id, date_trunc('month', l.created_at AT TIME ZONE %(tz)s)::date AS month, l.product_id,
               p.generic_name, l.quantity::bigint * p.pack_quantity AS units
        FROM orders_orderline l
        JOIN catalogue_product p ON p.id = l.product_id
        WHERE l.status NOT IN {NOT_BOUGHT}
          AND l.created_at >= (%(since)s::date::timestamp AT TIME ZONE %(tz)s)
          AND l.created_at < (%(until)s::date::timestamp AT TIME ZONE %(tz)s)
    )
    SELECT l.hospital_id, l.month,
           coalesce(sum(l.units) FILTER (
               WHERE NOT EXISTS (SELECT 1 FROM vbp_winner w WHERE w.unit_id = ANY(f.units) AND w.product_id = l.product_id)
           ), 0),
           sum(l.units)
    FROM lines l
    JOIN in_force f ON f.hospital_id = l.hospital_id AND f.month = l.month AND f.generic_name = l.generic_name
    GROUP BY 1, 2
"""

LATE_ALLOCATIONS_SQL = """
    SELECT a.hospital_id, date_trunc('month', a.deadline)::date AS month, count(*), 0
    FROM vbp_allocation a
    WHERE a.deadline >= %(since)s::date AND a.deadline < %(until)s::date AND a.deadline < %(today)s::date
      AND NOT a.deadline_provisional
      AND (a.confirmed_at IS NULL OR (a.confirmed_at AT TIME ZONE %(tz)s)::date > a.deadline)
    GROUP BY 1, 2
"""


def _orders(drill):
    return drill_url(
        "orders:order-list", hospital_id=drill.hospital_id, region_code=drill.region_code, month=drill.month
    )


def _contracts(drill):
    return drill_url("vbp:contract-list", hospital_id=drill.hospital_id, region_code=drill.region_code)


register_indicator(
    Indicator(
        "vbp_completion",
        _("VBP completion rate"),
        "R-VBP-5",
        numerator_label=_("accepted (minimum units)"),
        denominator_label=_("a twelfth of the agreed annual volumes (minimum units)"),
        order=50,
        description=_("Minimum units of contracted products accepted in the month, over the month's pace."),
    )
)
register_indicator(
    Indicator(
        "non_winning_share",
        _("Non-winning product share"),
        "R-VBP-6",
        numerator_label=_("non-winning products (minimum units)"),
        denominator_label=_("all products of the contracted generic names (minimum units)"),
        better=LOWER,
        order=55,
        description=_("Of the units ordered of the generic names under a VBP contract, those of non-winners."),
    )
)
register_indicator_part(IndicatorPart("vbp_completion", "vbp", COMPLETION_SQL, _("VBP contracts"), drill=_contracts))
register_indicator_part(IndicatorPart("non_winning_share", "vbp", NON_WINNING_SQL, _("orders"), drill=_orders))
register_indicator_part(IndicatorPart("violations", "vbp", LATE_ALLOCATIONS_SQL, _("volumes not confirmed in time")))
