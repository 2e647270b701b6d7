"""What the VBP channel adds to the rules of others, through their registries (never their tables).

- R-NEG-1: a VBP winner is bought at its winning price, never negotiated (``negotiation.rules``);
- R-LIST-13 (DOMAIN.md's choice): a VBP winner cannot withdraw during its contract (``listings.withdrawal_guards``);
- R-VBP-6: non-winning products of a contract's generic name, never more units than the winning ones
  (``procurement.orders.checks``), under a lock per hospital and unit so that two concurrent orders cannot
  together pass the cap;
- R-VBP-5: an accepted or returned batch recomputes the completion of its contracts at once
  (``procurement.orders.events``).
"""

from datetime import date

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.withdrawal_guards import WithdrawalBlocked, register_withdrawal_guard
from negotiation.rules import Exclusion, ExclusionCheck, register_exclusion
from procurement.catalogue.models import Product
from procurement.core.errors import Problem
from procurement.orders.checks import order_check
from procurement.orders.choices import LineStatus
from procurement.orders.events import BatchAccepted, BatchReturned, on_batch_accepted, on_batch_returned
from procurement.organisations.models import Organisation
from vbp.jobs import recompute_completion
from vbp.models import Contract, Winner
from vbp.rules import winner_in_force_sql


def _winner_on(product_id: int, day: date) -> Winner | None:
    return (
        Winner.objects.filter(product_id=product_id, supplies_home=True, valid_from__lte=day, valid_until__gte=day)
        .select_related("unit__round")
        .first()
    )


# -- R-NEG-1 -----------------------------------------------------------------------------------------------


def _not_negotiable(product: Product, day: date) -> Exclusion | None:
    winner = _winner_on(product.pk, day)
    if winner is None:
        return None
    return Exclusion(
        "vbp_winner",
        _(
            "“%(product)s” won the VBP round “%(round)s”: it is bought at its winning price, without negotiation "
            "(R-NEG-1)."
        )
        % {"product": "%(product)s", "round": winner.unit.round.name.replace("%", "%%")},
    )


register_exclusion("vbp_winner", ExclusionCheck(reason=_not_negotiable, sql=winner_in_force_sql))


# -- R-LIST-13 ---------------------------------------------------------------------------------------------


def _no_withdrawal_under_contract(product_id: int, manufacturer_id: int, day: date) -> WithdrawalBlocked | None:
    winner = _winner_on(product_id, day)
    if winner is None:
        return None
    return WithdrawalBlocked(
        "vbp_contract",
        _("This product won the VBP round “%(round)s” and is under contract until %(until)s: it cannot be withdrawn.")
        % {"round": winner.unit.round.name, "until": winner.valid_until.isoformat()},
        params={"until": winner.valid_until.isoformat()},
    )


register_withdrawal_guard("vbp_contract", _no_withdrawal_under_contract)


# -- R-VBP-6 -----------------------------------------------------------------------------------------------

_LIVE = (LineStatus.DECLINED, LineStatus.CANCELLED)

# The units of the order's products that are capped for this hospital: the product is of the generic name
# (and route) of a unit in which the hospital has a contract in force, and is not one of its winners.
CAPPED_SQL = """
    SELECT p.id, u.id
    FROM catalogue_product p
    JOIN vbp_competitionunit u ON u.generic_name = p.generic_name AND (u.route = '' OR u.route = p.route)
    WHERE p.id = ANY(%(ids)s::bigint[])
      AND EXISTS (SELECT 1 FROM vbp_contract c WHERE c.unit_id = u.id AND c.hospital_id = %(hospital)s
                  AND c.valid_from <= %(today)s AND c.valid_until >= %(today)s)
      AND NOT EXISTS (SELECT 1 FROM vbp_winner w WHERE w.unit_id = u.id AND w.product_id = p.id)
"""

# Per capped unit: the minimum units of winning and of non-winning products of its generic name the hospital
# has ordered in its contracts' period (lines not declined or cancelled; closed and returned packs left out).
_BOUGHT_SQL = """
    SELECT u.id,
           COALESCE(sum(b.units) FILTER (WHERE b.winning), 0),
           COALESCE(sum(b.units) FILTER (WHERE NOT b.winning), 0),
           min(period.starts)
    FROM vbp_competitionunit u
    CROSS JOIN LATERAL (
        SELECT min(c.valid_from) AS starts, max(c.valid_until) AS ends FROM vbp_contract c
        WHERE c.unit_id = u.id AND c.hospital_id = %(hospital)s
          AND c.valid_from <= %(today)s AND c.valid_until >= %(today)s
    ) period
    LEFT JOIN LATERAL (
        SELECT (l.quantity - l.closed_quantity - l.returned_quantity)::bigint * p.pack_quantity AS units,
               EXISTS (SELECT 1 FROM vbp_winner w WHERE w.unit_id = u.id AND w.product_id = l.product_id) AS winning
        FROM orders_orderline l
        JOIN catalogue_product p ON p.id = l.product_id
        WHERE l.hospital_id = %(hospital)s AND l.status <> ALL(%(dead)s)
          AND p.generic_name = u.generic_name AND (u.route = '' OR p.route = u.route)
          AND l.created_at >= (period.starts::timestamp AT TIME ZONE %(tz)s)
          AND l.created_at < ((period.ends + 1)::timestamp AT TIME ZONE %(tz)s)
    ) b ON true
    WHERE u.id = ANY(%(units)s::bigint[])
    GROUP BY u.id
"""


@order_check
def non_winning_cap(hospital: Organisation, lines: list) -> list[Problem]:
    """R-VBP-6 (004 §二(二)): beyond its agreed volume a hospital may buy non-winning products of a contract's
    generic name, never more minimum units than it bought of winning ones; an order that would pass is
    refused with the figures. The check and the order's insert hold a transaction lock per hospital and unit:
    a second order of the same hospital and unit waits for the first to commit and then counts it."""
    from django.conf import settings

    today = timezone.localdate()
    ids = sorted({line.product_id for line in lines})
    with connection.cursor() as cursor:
        cursor.execute(CAPPED_SQL, {"ids": ids, "hospital": hospital.pk, "today": today})
        capped = cursor.fetchall()
        if not capped:
            return []
        units = sorted({unit_id for _product, unit_id in capped})
        for unit_id in units:  # a fixed order: two orders never wait on each other
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"vbp-cap:{hospital.pk}:{unit_id}"]
            )
        cursor.execute(
            _BOUGHT_SQL,
            {"hospital": hospital.pk, "today": today, "dead": list(_LIVE), "units": units, "tz": settings.TIME_ZONE},
        )
        bought = {row[0]: (int(row[1]), int(row[2])) for row in cursor.fetchall()}
        cursor.execute("SELECT w.unit_id, w.product_id FROM vbp_winner w WHERE w.unit_id = ANY(%s::bigint[])", [units])
        winning = set(cursor.fetchall())
    capped_by_product: dict[int, list[int]] = {}
    for product_id, unit_id in capped:
        capped_by_product.setdefault(product_id, []).append(unit_id)
    problems = []
    for unit_id in units:
        won_before, lost_before = bought.get(unit_id, (0, 0))
        won_now = sum(
            line.quantity * line.product.pack_quantity for line in lines if (unit_id, line.product_id) in winning
        )
        mine = [
            (index, line) for index, line in enumerate(lines) if unit_id in capped_by_product.get(line.product_id, ())
        ]
        lost_now = sum(line.quantity * line.product.pack_quantity for _index, line in mine)
        allowed = won_before + won_now - lost_before
        if lost_before + lost_now <= won_before + won_now:
            continue
        index, line = mine[0]
        problems.append(
            Problem(
                "non_winning_cap",
                _(
                    "“%(product)s” is not a VBP winner of its generic name: a hospital buys no more units of "
                    "non-winning products than of winning ones (R-VBP-6). Winning bought: %(won)d %(unit)s; "
                    "non-winning bought: %(lost)d; this order: %(now)d; at most %(allowed)d more."
                )
                % {
                    "product": line.product,
                    "won": won_before + won_now,
                    "lost": lost_before,
                    "now": lost_now,
                    "allowed": max(allowed, 0),
                    "unit": line.product.minimum_unit,
                },
                field=f"lines[{index}].quantity",
                rule="R-VBP-6",
                params={
                    "winning_units": won_before + won_now,
                    "non_winning_units": lost_before,
                    "order_units": lost_now,
                    "allowed_units": max(allowed, 0),
                },
            )
        )
    return problems


# -- R-VBP-5 -----------------------------------------------------------------------------------------------


def _recompute_for(hospital_id: int, product_id: int) -> None:
    ids = list(Contract.objects.filter(hospital_id=hospital_id, product_id=product_id).values_list("pk", flat=True))
    if ids:
        recompute_completion(contract_ids=ids)


@on_batch_accepted
def count_accepted(event: BatchAccepted) -> None:
    """R-VBP-5: the hospital sees its completion rise when it accepts a batch of a contract product."""
    _recompute_for(event.hospital_id, event.product_id)


@on_batch_returned
def count_returned(event: BatchReturned) -> None:
    _recompute_for(event.hospital_id, event.product_id)
