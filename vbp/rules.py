"""The rules of volume-based procurement (DOMAIN.md §6), each in one place, in Python and SQL.

Pure functions (no database) where the rule is arithmetic — the agreed ratio, the splits, the winner
rule — so that they are tested on hand-computed figures; SQL fragments where other code composes them
(the winner in force, read by the price resolver and the negotiation exclusion).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from procurement.core.policy import policy

WINNER_TABLE = "vbp_winner"
CONTRACT_TABLE = "vbp_contract"


# -- the winner in force (R-VBP-1, R-NEG-1, R-ORD-2) --------------------------------------------------


def winner_in_force_sql(product: str, day: str) -> str:
    """SQL boolean: the product row ``product`` wins a VBP unit that supplies this province on ``day``."""
    return (
        f"EXISTS (SELECT 1 FROM {WINNER_TABLE} vbp_won WHERE vbp_won.product_id = {product}.id"
        f" AND vbp_won.supplies_home AND vbp_won.valid_from <= {day} AND vbp_won.valid_until >= {day})"
    )


# -- volumes (R-VBP-2, R-VBP-3) ------------------------------------------------------------------------


def agreed_ratio(winners: int) -> Decimal:
    """R-VBP-2: the agreed share of the base for a unit with ``winners`` winners (policy VBP_AGREED_RATIOS:
    1 → 50 %, 2 → 60 %, 3 → 70 %, 4 or more → 80 %)."""
    if winners < 1:
        raise ValueError("a unit without winners has no agreed volume")
    ratios = policy("VBP_AGREED_RATIOS")
    return Decimal(ratios[str(min(winners, 4))]) / 100


def agreed_volume(base_total: int, winners: int) -> int:
    """R-VBP-2: the province's agreed volume = the bases' sum × the ratio, in whole minimum units (half up)."""
    return int((Decimal(base_total) * agreed_ratio(winners)).to_integral_value(rounding=ROUND_HALF_UP))


def split_largest_remainder(total: int, weights: list[int]) -> list[int]:
    """R-VBP-3: ``total`` whole units split in proportion to ``weights``, the shares summing exactly to it.

    Each share is the floor of its exact quota; the units left over go one each to the largest
    remainders (ties to the earlier weight, so that the split is reproducible). All weights zero: an even
    split by the same rule.
    """
    if total < 0 or any(weight < 0 for weight in weights):
        raise ValueError("units and weights are not negative")
    if not weights:
        if total:
            raise ValueError("nobody to give the units to")
        return []
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights, weight_sum = [1] * len(weights), len(weights)
    shares = [total * weight // weight_sum for weight in weights]
    remainders = [total * weight % weight_sum for weight in weights]
    left = total - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return shares


def split_among_winners(units: int, winners: int) -> list[int]:
    """R-VBP-8: a hospital's agreed volume split equally among the winners in whole minimum units, the
    remainder one unit each to the winners in ascending price order (the list is in that order)."""
    if winners < 1:
        raise ValueError("no winner to split among")
    share, left = divmod(units, winners)
    return [share + (1 if index < left else 0) for index in range(winners)]


# -- the winner rule (R-VBP-8) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BidFigures:
    """One bid as the winner rule sees it: its unit price at the reference specification and when it came."""

    key: object
    unit_price: Decimal
    submitted_at: datetime


@dataclass(frozen=True)
class Evaluated:
    key: object
    valid: bool
    won: bool
    rank: int | None  # among the valid bids, by unit price then submission (1 = cheapest)
    why: str  # which part of the rule decided: invalid / within_ratio / below_max / not_eligible / over_cap


def winner_cap(valid_bidders: int, caps: dict[str, int]) -> int:
    """R-VBP-8: the most winners for this many valid bidders (the table's last key: that many or more)."""
    if valid_bidders <= 0:
        return 0
    largest = max(int(key) for key in caps)
    return int(caps[str(min(valid_bidders, largest))])


def evaluate(
    bids: list[BidFigures], *, max_unit_price: Decimal, ratio: Decimal, discount: Decimal, caps: dict[str, int]
) -> list[Evaluated]:
    """R-VBP-8, the default (national) winner rule.

    A bid is valid when its unit price ≤ the maximum valid unit price. A valid bid may win when its unit
    price ≤ ``ratio`` × the lowest valid unit price, or when it is at least ``discount`` below the
    maximum (≤ (1 − discount) × maximum). The number of winners is capped by the number of valid bidders
    (``caps``); the cheapest are kept first, and of bids at the same price the earlier submission.
    """
    valid = sorted(
        (bid for bid in bids if bid.unit_price <= max_unit_price), key=lambda bid: (bid.unit_price, bid.submitted_at)
    )
    lowest = valid[0].unit_price if valid else None
    cap = winner_cap(len(valid), caps)
    results: dict[object, Evaluated] = {}
    wins = 0
    for rank, bid in enumerate(valid, start=1):
        if bid.unit_price <= ratio * lowest:
            why = "within_ratio"
        elif bid.unit_price <= (1 - discount) * max_unit_price:
            why = "below_max"
        else:
            results[bid.key] = Evaluated(bid.key, True, False, rank, "not_eligible")
            continue
        if wins < cap:
            wins += 1
            results[bid.key] = Evaluated(bid.key, True, True, rank, why)
        else:
            results[bid.key] = Evaluated(bid.key, True, False, rank, "over_cap")
    for bid in bids:
        if bid.key not in results:
            results[bid.key] = Evaluated(bid.key, False, False, None, "invalid")
    return [results[bid.key] for bid in bids]


# -- contract years (R-VBP-4, R-VBP-5) -------------------------------------------------------------------


def contract_year(valid_from: date, valid_until: date, on: date) -> tuple[date, date]:
    """The contract year (of a 1–3-year contract) that ``on`` falls in: the agreed volume is annual."""
    from dateutil.relativedelta import relativedelta

    start = valid_from
    while start + relativedelta(years=1) <= on and start + relativedelta(years=1) <= valid_until:
        start += relativedelta(years=1)
    end = min(start + relativedelta(years=1) - relativedelta(days=1), valid_until)
    return start, end
