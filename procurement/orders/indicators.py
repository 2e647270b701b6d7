"""What orders tell supervision (R-SUP-1, R-ORD-1): the online purchase rate (网采率), the offline purchase
share, the drug cost growth and the spending on similar-efficacy other generic names — per hospital and
month, set-based, registered in the core's indicator registry (``procurement.core.indicators``).

What counts as bought on the platform: the amount of the order lines placed in the month (Asia/Shanghai),
except lines declined by the distributor or cancelled (never bought). Offline: the purchases the hospital
reported outside the platform (R-ORD-1), by the day they were made.
"""

from django.utils.translation import gettext_lazy as _

from procurement.core.contracts import contracts_sql
from procurement.core.indicators import LOWER, Indicator, IndicatorPart, register_indicator, register_indicator_part
from procurement.core.policy import INTEGER, policy, register_policy
from procurement.orders.choices import LineStatus
from procurement.orders.public_price import public_price_sql
from procurement.web.drill import drill_url

NOT_BOUGHT = f"('{LineStatus.DECLINED.value}', '{LineStatus.CANCELLED.value}')"

register_policy(
    "INDICATOR_SIMILAR_CLASS_LENGTH",
    rule="R-SUP-1",
    description=_(
        "Similar efficacy: products whose national drug codes share this many first characters (6: the "
        "type letter and the ATC fourth level, e.g. XC10AA) treat alike; spending on another generic name of "
        "such a class beside a VBP contract is the similar-efficacy spending."
    ),
    kind=INTEGER,
    default=6,
    minimum=2,
    maximum=12,
)

# The platform's spending per hospital and month (lines placed in [since, until)).
ONLINE_CTE = f"""
    online AS (
        SELECT l.hospital_id, date_trunc('month', l.created_at AT TIME ZONE %(tz)s)::date AS month,
               sum(l.amount) AS amount
        FROM orders_orderline l
        WHERE l.status NOT IN {NOT_BOUGHT}
          AND l.created_at >= (%(since)s::date::timestamp AT TIME ZONE %(tz)s)
          AND l.created_at < (%(until)s::date::timestamp AT TIME ZONE %(tz)s)
        GROUP BY 1, 2
    ),
    offline AS (
        SELECT o.hospital_id, date_trunc('month', o.purchased_on)::date AS month, sum(o.amount) AS amount
        FROM orders_offlinepurchase o
        WHERE o.purchased_on >= %(since)s::date AND o.purchased_on < %(until)s::date
        GROUP BY 1, 2
    ),
    both_ways AS (
        SELECT coalesce(n.hospital_id, f.hospital_id) AS hospital_id, coalesce(n.month, f.month) AS month,
               coalesce(n.amount, 0) AS online, coalesce(f.amount, 0) AS offline
        FROM online n FULL JOIN offline f ON f.hospital_id = n.hospital_id AND f.month = n.month
    )
"""

ONLINE_RATE_SQL = f"WITH {ONLINE_CTE} SELECT hospital_id, month, online, online + offline FROM both_ways"
OFFLINE_SHARE_SQL = f"WITH {ONLINE_CTE} SELECT hospital_id, month, offline, online + offline FROM both_ways"

# Growth on the same month a year before (同比): numerator the increase, denominator last year's spending,
# so that a region's growth is the sum of its increases over the sum of its bases.
GROWTH_SQL = f"""
    WITH spend AS (
        SELECT l.hospital_id, date_trunc('month', l.created_at AT TIME ZONE %(tz)s)::date AS month,
               sum(l.amount) AS amount
        FROM orders_orderline l
        WHERE l.status NOT IN {NOT_BOUGHT}
          AND ((l.created_at >= (%(since)s::date::timestamp AT TIME ZONE %(tz)s)
                AND l.created_at < (%(until)s::date::timestamp AT TIME ZONE %(tz)s))
               OR (l.created_at >= ((%(since)s::date - interval '1 year')::timestamp AT TIME ZONE %(tz)s)
                   AND l.created_at < ((%(until)s::date - interval '1 year')::timestamp AT TIME ZONE %(tz)s)))
        GROUP BY 1, 2
    )
    SELECT coalesce(c.hospital_id, p.hospital_id),
           coalesce(c.month, (p.month + interval '1 year')::date),
           coalesce(c.amount, 0) - coalesce(p.amount, 0),
           coalesce(p.amount, 0)
    FROM (SELECT * FROM spend WHERE month >= %(since)s::date) c
    FULL JOIN (SELECT * FROM spend WHERE month < (%(until)s::date - interval '1 year')::date) p
        ON p.hospital_id = c.hospital_id AND (p.month + interval '1 year')::date = c.month
"""


# The classes (first INDICATOR_SIMILAR_CLASS_LENGTH characters of the code) of the products a hospital has a
# purchase contract for (every registered contract source: VBP), in each month the contract is in force, with
# the contracted generic names; the spending in those classes, and on the other generic names of them.
def similar_sql() -> str:
    return SIMILAR_SQL.replace("{contracts}", contracts_sql())


SIMILAR_SQL = f"""
    WITH contracted AS (
        SELECT c.hospital_id, m.month::date AS month, left(p.code, %(similar_class_length)s) AS class,
               array_agg(DISTINCT p.generic_name) AS names
        FROM ({{contracts}}) c
        JOIN catalogue_product p ON p.id = c.product_id
        CROSS JOIN LATERAL generate_series(
            greatest(date_trunc('month', c.valid_from), %(since)s::date::timestamp),
            least(c.valid_until, %(until)s::date - 1)::timestamp, interval '1 month') AS m(month)
        GROUP BY 1, 2, 3
    ),
    lines AS (
        SELECT l.hospital_id, date_trunc('month', l.created_at AT TIME ZONE %(tz)s)::date AS month,
               left(p.code, %(similar_class_length)s) AS class, p.generic_name, l.amount
        FROM orders_orderline l
        JOIN catalogue_product p ON p.id = l.product_id
        WHERE l.status NOT IN {NOT_BOUGHT}
          AND l.created_at >= (%(since)s::date::timestamp AT TIME ZONE %(tz)s)
          AND l.created_at < (%(until)s::date::timestamp AT TIME ZONE %(tz)s)
    )
    SELECT l.hospital_id, l.month,
           coalesce(sum(l.amount) FILTER (WHERE l.generic_name <> ALL(k.names)), 0), sum(l.amount)
    FROM lines l
    JOIN contracted k ON k.hospital_id = l.hospital_id AND k.month = l.month AND k.class = l.class
    GROUP BY 1, 2
"""


def price_violations_sql() -> str:
    """A part of ``violations`` (R-SUP-1: 违规次数, price): a purchase made outside the platform of a product the
    platform lists, at more a pack than its listed price (R-ORD-1, R-LIST-9), counted in the month of the purchase.
    The listed price comes from the listing channel's registered SQL (``public_price``), composed when run."""
    return f"""
        SELECT o.hospital_id, date_trunc('month', o.purchased_on)::date AS month, count(*), 0
        FROM orders_offlinepurchase o
        WHERE o.product_id IS NOT NULL AND o.purchased_on >= %(since)s::date AND o.purchased_on < %(until)s::date
          AND o.amount > o.quantity * {public_price_sql("o.product_id")}
        GROUP BY 1, 2
    """


def _orders(drill):
    return drill_url(
        "orders:order-list", hospital_id=drill.hospital_id, region_code=drill.region_code, month=drill.month
    )


def _offline(drill):
    return drill_url("orders:offline", hospital_id=drill.hospital_id, region_code=drill.region_code, month=drill.month)


register_indicator(
    Indicator(
        "online_rate",
        _("Online purchase rate"),
        "R-ORD-1",
        numerator_label=_("bought on the platform (yuan)"),
        denominator_label=_("all purchases (yuan)"),
        order=10,
        description=_("网采率: the amount bought on the platform over all purchases, offline ones included."),
    )
)
register_indicator(
    Indicator(
        "offline_share",
        _("Offline purchase share"),
        "R-ORD-1",
        numerator_label=_("bought offline (yuan)"),
        denominator_label=_("all purchases (yuan)"),
        better=LOWER,
        order=20,
        description=_("The amount bought outside the platform (reported by the hospital) over all purchases."),
    )
)
register_indicator(
    Indicator(
        "drug_cost_growth",
        _("Drug cost growth"),
        "R-SUP-1",
        numerator_label=_("increase on the same month last year (yuan)"),
        denominator_label=_("same month last year (yuan)"),
        better=LOWER,
        order=30,
        description=_("The platform spending's growth on the same month a year before (同比)."),
    )
)
register_indicator(
    Indicator(
        "similar_efficacy",
        _("Similar-efficacy other generics"),
        "R-SUP-1",
        numerator_label=_("other generic names of the contracted classes (yuan)"),
        denominator_label=_("all spending in those classes (yuan)"),
        better=LOWER,
        order=60,
        description=_(
            "Spending on other generic names of similar efficacy (the same drug class) as a product under a VBP "
            "contract, over all spending in those classes."
        ),
    )
)
register_indicator_part(IndicatorPart("online_rate", "orders", ONLINE_RATE_SQL, _("orders"), drill=_orders))
register_indicator_part(IndicatorPart("offline_share", "orders", OFFLINE_SHARE_SQL, _("offline purchases"), _offline))
register_indicator_part(IndicatorPart("drug_cost_growth", "orders", GROWTH_SQL, _("orders"), drill=_orders))
register_indicator_part(
    IndicatorPart("violations", "orders", price_violations_sql, _("offline purchases above the listed price"), _offline)
)
register_indicator_part(
    IndicatorPart(
        "similar_efficacy",
        "orders",
        similar_sql,
        _("orders"),
        drill=_orders,
        params=lambda: {"similar_class_length": policy("INDICATOR_SIMILAR_CLASS_LENGTH")},
    )
)
