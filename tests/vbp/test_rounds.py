"""Provincial rounds (R-VBP-7 … R-VBP-9): sealed bids, eligibility, the opening and the winner rule."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from procurement.core.errors import Conflict, DomainError
from procurement.core.scoping import visible_to
from tests.factories import ProductFactory
from vbp import rules, services
from vbp.choices import BidOutcome, RoundStatus
from vbp.models import Allocation, Bid, BidResult, Contract, Round, Winner

T0 = timezone.now()


def figures(*bids):
    """(key, unit price, minutes after T0) → the rule's input."""
    return [rules.BidFigures(key, Decimal(price), T0 + timedelta(minutes=minutes)) for key, price, minutes in bids]


CAPS = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 4, "6": 4, "7": 5, "8": 5, "9": 5, "10": 6}


def judge(*bids, maximum="1.00"):
    found = rules.evaluate(
        figures(*bids), max_unit_price=Decimal(maximum), ratio=Decimal("1.8"), discount=Decimal("0.5"), caps=CAPS
    )
    return {e.key: (e.won, e.why) for e in found}


def test_the_18_times_rule():
    """R-VBP-8: lowest 0.40 → 1.8 × = 0.72: 0.72 wins (boundary), 0.7201 does not (and is not 50 % below 1.00)."""
    assert judge(("a", "0.40", 1), ("b", "0.72", 2), ("c", "0.7201", 3), ("d", "0.90", 4)) == {
        "a": (True, "within_ratio"),
        "b": (True, "within_ratio"),
        "c": (False, "not_eligible"),
        "d": (False, "not_eligible"),
    }


def test_the_50_percent_rule():
    """R-VBP-8: lowest 0.20 → 1.8 × = 0.36; 0.45 and 0.50 win by being at least 50 % below the maximum 1.00,
    0.5001 does not."""
    assert judge(("a", "0.20", 1), ("b", "0.45", 2), ("c", "0.50", 3), ("d", "0.5001", 4)) == {
        "a": (True, "within_ratio"),
        "b": (True, "below_max"),
        "c": (True, "below_max"),
        "d": (False, "not_eligible"),
    }


def test_the_cap_by_valid_bidders():
    """R-VBP-8: 3 valid bidders → at most 2 winners, the cheapest first; 10 or more → 6."""
    assert judge(("a", "0.52", 1), ("b", "0.50", 2), ("c", "0.51", 3)) == {
        "b": (True, "within_ratio"),
        "c": (True, "within_ratio"),
        "a": (False, "over_cap"),
    }
    many = judge(*((f"m{i}", f"0.{50 + i}", i) for i in range(12)))
    assert sum(won for won, _why in many.values()) == 6


def test_a_tie_at_the_cap_goes_to_the_earlier_submission():
    """R-VBP-8: two bids at 0.60 compete for the second place: the one submitted first wins."""
    assert judge(("first", "0.50", 1), ("late", "0.60", 9), ("early", "0.60", 5)) == {
        "first": (True, "within_ratio"),
        "early": (True, "within_ratio"),
        "late": (False, "over_cap"),
    }


def test_an_invalid_bid_above_the_maximum_neither_wins_nor_counts():
    """R-VBP-8: 1.0001 > the maximum 1.00 is invalid; two valid bidders remain (cap 2), both win."""
    assert judge(("a", "0.80", 1), ("b", "0.90", 2), ("x", "1.0001", 0)) == {
        "a": (True, "within_ratio"),
        "b": (True, "within_ratio"),
        "x": (False, "invalid"),
    }
    assert rules.winner_cap(0, CAPS) == 0


# -- sealing (R-VBP-9) -------------------------------------------------------------------------------


def bid(clerk, unit, product, price):
    return services.bid_submit(actor=clerk, unit_id=unit.pk, product_code=product.code, price=price)


def all_text(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(string_agg(t::text, ' '), '') FROM {table} t")
        return cursor.fetchone()[0]


def test_no_one_reads_a_bid_price_before_the_opening(world, atorvastatin, bidding_round, makers):
    """R-VBP-9: before the opening time neither the bureau, nor another company, nor the bidder itself, nor a
    raw SQL read of the bid table or its audit trail shows a bid price; the round cannot be opened early."""
    round_, unit = bidding_round
    _maker, product, clerk = makers[0]
    # when
    sealed = bid(clerk, unit, product, "5.4321")
    # then: the database holds ciphertext only
    for table in ("vbp_bid", "vbp_bidevent"):
        text = all_text(table)
        assert "5.4321" not in text and "54321" not in text
    assert BidResult.objects.count() == 0
    assert not hasattr(sealed, "price")
    # the bureau is given no bid at all; another company not this one; the bidder its receipt
    assert not visible_to(world.user("provincial_reviewer"), Bid).exists()
    assert not visible_to(world.user("city_bureau"), Bid).exists()
    assert not visible_to(makers[1][2], Bid).exists()
    assert list(visible_to(clerk, Bid)) == [sealed] and len(sealed.receipt) == 64
    with pytest.raises(Conflict) as early:
        services.round_open(actor=world.user("provincial_reviewer"), round_id=round_.pk)
    assert early.value.problems[0].code == "sealed" and early.value.problems[0].rule == "R-VBP-9"


def test_a_sealed_price_moved_to_another_bid_does_not_open(world, atorvastatin, bidding_round, makers):
    """R-VBP-9: the seal is bound to its unit, company and product (authenticated encryption)."""
    from vbp import sealing

    _round, unit = bidding_round
    first = bid(makers[0][2], unit, makers[0][1], "5.00")
    with pytest.raises(sealing.SealBroken):
        sealing.unseal(first.sealed, unit_id=unit.pk, manufacturer_id=makers[1][0].pk, product_id=makers[1][1].pk)
    tampered = bytearray(bytes(first.sealed))
    tampered[-1] ^= 1
    with pytest.raises(sealing.SealBroken):
        sealing.unseal(bytes(tampered), unit_id=unit.pk, manufacturer_id=makers[0][0].pk, product_id=makers[0][1].pk)


def test_a_bid_is_replaced_until_the_deadline_and_refused_after(world, atorvastatin, bidding_round, makers):
    """R-VBP-8: one bid per company and unit, replaced until the deadline; none after."""
    round_, unit = bidding_round
    _maker, product, clerk = makers[0]
    first = bid(clerk, unit, product, "6.00")
    second = bid(clerk, unit, product, "5.50")
    assert second.pk == first.pk and second.replacements == 1 and second.receipt != first.receipt
    Round.objects.filter(pk=round_.pk).update(
        bid_deadline=timezone.now() - timedelta(minutes=1), opening_at=timezone.now()
    )
    with pytest.raises(DomainError) as closed:
        bid(clerk, unit, product, "5.00")
    assert closed.value.problems[0].code == "bidding_closed"


def test_eligibility(world, atorvastatin, bidding_round, makers):
    """R-VBP-7: own products of the unit's generic name and route; with 3 or more evaluated companies a
    non-evaluated generic is not eligible; an unconvertible specification is refused."""
    _round, unit = bidding_round
    maker, _product, clerk = makers[0]
    plain = ProductFactory(manufacturer=maker, pack_quantity=7, route="口服")
    injection = ProductFactory(manufacturer=maker, pack_quantity=1, route="注射")
    odd = ProductFactory(
        manufacturer=maker, pack_quantity=10, route="口服", specification="5ml", is_consistency_evaluated=True
    )
    for product, code in ((plain, "not_eligible"), (injection, "not_eligible"), (odd, "not_eligible")):
        with pytest.raises(DomainError) as refused:
            bid(clerk, unit, product, "3.00")
        assert refused.value.problems[0].code == code, product
    with pytest.raises(DomainError) as refused:
        bid(clerk, unit, makers[1][1], "3.00")  # another company's product
    assert refused.value.problems[0].code == "not_own_product"


def test_the_opening_publishes_results_makes_winners_and_contracts(world, atorvastatin, bidding_round, makers):
    """R-VBP-8: at opening the bids are read, judged, published; winners listed; bases set → contracts made
    (each hospital's share split equally among the winners, the remainder to the cheapest)."""
    round_, unit = bidding_round
    bureau = world.user("provincial_reviewer")
    # the manufacturer's 10mg × 14 at 7.00: 0.50 a 10mg tablet → 0.85 at 20mg (price ratio 1.7)
    bid(world.user("manufacturer_clerk"), unit, atorvastatin[1], "7.00")
    bid(makers[0][2], unit, makers[0][1], "3.50")  # 0.50 a tablet
    bid(makers[1][2], unit, makers[1][1], "4.20")  # 0.60
    bid(makers[2][2], unit, makers[2][1], "7.70")  # 1.10: invalid
    report = services.demand_report(actor=world.user("hospital_buyer"), unit_id=unit.pk, reported_units=1001)
    services.demand_base_set(actor=bureau, demand_id=report.pk, base_units=1001)
    Round.objects.filter(pk=round_.pk).update(
        bid_deadline=timezone.now() - timedelta(minutes=2), opening_at=timezone.now() - timedelta(minutes=1)
    )
    # when
    services.round_open(actor=bureau, round_id=round_.pk)
    # then
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPENED
    results = {r.manufacturer_id: r for r in BidResult.objects.filter(unit=unit)}
    assert results[world.manufacturer.pk].unit_price == Decimal("0.8500")
    assert results[makers[2][0].pk].outcome == BidOutcome.INVALID
    # 3 valid bidders → 2 winners: 0.50 and 0.60 (0.85 ≤ 0.90 = 1.8 × 0.50, but over the cap)
    assert results[world.manufacturer.pk].outcome == BidOutcome.LOST
    winners = list(Winner.objects.filter(unit=unit).order_by("rank"))
    assert [(w.manufacturer_id, w.price) for w in winners] == [
        (makers[0][0].pk, Decimal("3.5000")),
        (makers[1][0].pk, Decimal("4.2000")),
    ]
    # agreed = 1001 × 60 % (2 winners) = 600.6 → 601, one hospital; split 301 / 300, the odd unit to the cheapest
    allocation = Allocation.objects.get(unit=unit)
    assert allocation.agreed_units == 601
    assert [c.volume_units for c in Contract.objects.filter(unit=unit).order_by("winner__rank")] == [301, 300]
    # the results are public
    assert visible_to(None, BidResult).filter(unit=unit).count() == 4


def test_a_round_nobody_opened_is_opened_by_the_nightly_catch_up(world, atorvastatin, bidding_round, makers):
    """R-VBP-8: ``open_due_rounds`` opens rounds past their opening time, and only those."""
    from procurement.core.jobs import run_job

    round_, unit = bidding_round
    bid(makers[0][2], unit, makers[0][1], "3.50")
    assert run_job("open_due_rounds", triggered_by="test").counts == {"rounds_opened": 0}
    Round.objects.filter(pk=round_.pk).update(
        bid_deadline=timezone.now() - timedelta(minutes=2), opening_at=timezone.now() - timedelta(minutes=1)
    )
    assert run_job("open_due_rounds", triggered_by="test").counts == {"rounds_opened": 1}
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPENED and round_.opened_by is None
    assert Winner.objects.get(unit=unit).price == Decimal("3.5000")
