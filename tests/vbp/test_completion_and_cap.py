"""Contracts in use: completion from accepted batches (R-VBP-5), the contract price quoted (R-ORD-2), the
non-winning cap (R-VBP-6) at its boundary and under two concurrent orders."""

import contextlib
import threading
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from procurement.core.errors import DomainError
from procurement.core.jobs import run_job
from procurement.orders import checks
from procurement.orders import services as order_services
from procurement.orders.models import OrderLine
from procurement.orders.pricing import resolve_prices
from tests.vbp.conftest import buy
from vbp import selectors, services
from vbp.jobs import recompute_completion
from vbp.models import CompetitionUnit, Contract, ContractProgress


@pytest.fixture
def contract(world, national_round):
    """The hospital's contract for the national winner (20mg × 7 at 5.46): base 1,460 → 730 tablets a year."""
    unit = CompetitionUnit.objects.get(round=national_round)
    report = services.demand_report(actor=world.user("hospital_buyer"), unit_id=unit.pk, reported_units=1460)
    services.demand_base_set(actor=world.user("provincial_reviewer"), demand_id=report.pk, base_units=1460)
    services.unit_allocate(actor=world.user("provincial_reviewer"), unit_id=unit.pk)
    return Contract.objects.get(hospital=world.hospital)


def test_the_contract_price_is_quoted_for_a_contract_product(world, atorvastatin, contract):
    """R-ORD-2, R-VBP-4: the hospital with a contract is quoted the contract price, referenced to it."""
    quote = resolve_prices(world.hospital, [atorvastatin[0]], timezone.localdate())[atorvastatin[0].pk]
    assert (quote.source, quote.reference, str(quote.price)) == ("vbp", f"contract:{contract.pk}", "5.4600")
    line = buy(world, atorvastatin[0], 2).line
    assert (line.price_source, str(line.price)) == ("vbp", "5.4600")


def test_completion_rises_with_acceptances_and_falls_with_returns(world, atorvastatin, contract):
    """R-VBP-5: completion is a sum over accepted batches in minimum units, returns subtracted — recomputed at
    each acceptance and return, and by the nightly job to the same figures (a re-run writes nothing)."""
    assert contract.volume_units == 730
    # when: 10 packs accepted in full, 6 shipped of which 4 accepted, then 3 packs returned
    first = buy(world, atorvastatin[0], 10)
    progress = ContractProgress.objects.get(contract=contract)
    assert progress.bought_units == 70
    buy(world, atorvastatin[0], 6, accept=4, batch="B2")
    order_services.shipment_return(
        actor=world.user("distributor_clerk"), shipment_id=first.pk, quantity=3, reason="近效期退货"
    )
    # then: (10 − 3 + 4) × 7 = 77
    progress.refresh_from_db()
    assert progress.bought_units == 77
    assert progress.year_start == date(2026, 1, 1) and progress.year_end == date(2026, 12, 31)
    today = timezone.localdate()
    expected = 730 * ((today - date(2026, 1, 1)).days + 1) // 365
    assert progress.expected_units == expected and progress.behind == (expected * 0.8 > 77)
    assert selectors.contract_months(contract, progress.year_start, progress.year_end) == {today.replace(day=1): 77}
    # a purchase of another product (the non-winner) does not count
    buy(world, atorvastatin[2], 1, batch="B3")
    progress.refresh_from_db()
    assert progress.bought_units == 77
    # the nightly job computes the same figures and a second run writes nothing
    assert run_job("vbp_completion", triggered_by="test").status == "succeeded"
    second = recompute_completion()
    assert second == {"progress_written": 0, "behind_written": 0}
    assert ContractProgress.objects.get(contract=contract).bought_units == 77


def order(world, product, packs):
    return order_services.order_submit(
        actor=world.user("hospital_buyer"),
        lines=[order_services.LineRequest(product.code, packs, world.distributor.pk)],
    )


def test_non_winning_products_are_capped_by_the_winning_units(world, atorvastatin, contract):
    """R-VBP-6: 10 packs of the winner (70 tablets) allow 70 tablets of non-winners — 10 packs of 7 — and not
    one more, refused with the figures; another generic name is not concerned."""
    order(world, atorvastatin[0], 10)
    # at the boundary: 5 packs of 14 = 70 tablets
    order(world, atorvastatin[1], 5)
    with pytest.raises(DomainError) as refused:
        order(world, atorvastatin[2], 1)
    problem = refused.value.problems[0]
    assert (problem.code, problem.rule, problem.field) == ("non_winning_cap", "R-VBP-6", "lines[0].quantity")
    assert problem.params == {"winning_units": 70, "non_winning_units": 70, "order_units": 7, "allowed_units": 0}
    assert "70" in problem.message
    # winning and non-winning in the same order count together
    both = order_services.order_submit(
        actor=world.user("hospital_buyer"),
        lines=[
            order_services.LineRequest(atorvastatin[0].code, 1, world.distributor.pk),
            order_services.LineRequest(atorvastatin[2].code, 1, world.distributor.pk),
        ],
    )
    assert both.order.lines.count() == 2


def test_a_hospital_without_a_contract_is_not_capped(world, atorvastatin, national_round):
    """R-VBP-6 binds hospitals with a contract for the generic name."""
    order(world, atorvastatin[2], 50)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_orders_cannot_together_pass_the_cap(world, atorvastatin, contract):
    """R-VBP-6 under concurrency: with 70 winning tablets bought, two simultaneous orders of 10 packs (70
    tablets) of a non-winner — each within the cap alone — cannot both pass. Both would, if the check did
    not hold its lock until the order commits: each reaches a barrier after the check, and they meet there
    unless the second waits for the first's lock."""
    order(world, atorvastatin[0], 10)
    barrier = threading.Barrier(2, timeout=3)

    @checks.order_check
    def meet(hospital, lines):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return []

    outcomes = []

    def place():
        try:
            order(world, atorvastatin[2], 10)
            outcomes.append("ordered")
        except DomainError as error:
            outcomes.append(error.problems[0].code)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=place) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
    finally:
        checks.unregister_order_check(meet)
    assert sorted(outcomes) == ["non_winning_cap", "ordered"]
    assert OrderLine.objects.filter(product=atorvastatin[2]).count() == 1
