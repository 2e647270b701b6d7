"""Volumes (R-VBP-2, R-VBP-3): demand beside last year's use, the base, the agreed ratio, the exact split,
confirmation before a working-day deadline."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.workdays.services import add_working_days
from tests.vbp.conftest import buy
from vbp import rules, services
from vbp.models import Allocation, CompetitionUnit, Contract


def test_the_agreed_ratio_table(set_policy):
    """R-VBP-2 (002 §(六)): 1 winner → 50 %, 2 → 60 %, 3 → 70 %, 4 or more → 80 %; a policy value."""
    assert [rules.agreed_ratio(n) for n in (1, 2, 3, 4, 7)] == [Decimal(x) for x in ("0.5", "0.6", "0.7", "0.8", "0.8")]
    assert rules.agreed_volume(1001, 3) == 701  # 700.7 → 701 (half up)
    assert rules.agreed_volume(1005, 2) == 603
    set_policy("VBP_AGREED_RATIOS", {"1": 55, "2": 65, "3": 75, "4": 85})
    assert rules.agreed_ratio(1) == Decimal("0.55") and rules.agreed_ratio(9) == Decimal("0.85")
    with pytest.raises(ValueError):
        rules.agreed_ratio(0)


def test_a_split_on_an_awkward_number_sums_exactly():
    """R-VBP-3: 1,000,003 units over bases 1 : 1 : 1 : 3 (quotas 166,667.17 ×3, 500,001.5) — largest remainders."""
    shares = rules.split_largest_remainder(1_000_003, [1, 1, 1, 3])
    assert shares == [166_667, 166_667, 166_667, 500_002]
    assert sum(shares) == 1_000_003
    # 10 units over three equal bases: the remainder goes to the earlier one
    assert rules.split_largest_remainder(10, [7, 7, 7]) == [4, 3, 3]
    assert rules.split_largest_remainder(0, [5, 2]) == [0, 0]


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=60),
)
def test_the_split_never_loses_or_adds_a_unit(total, weights):
    """R-VBP-3, property: shares sum exactly to the total; each is within one unit of its exact quota."""
    shares = rules.split_largest_remainder(total, weights)
    assert sum(shares) == total and all(share >= 0 for share in shares)
    weight_sum = sum(weights) or len(weights)
    for share, weight in zip(shares, weights if sum(weights) else [1] * len(weights), strict=True):
        quota = Decimal(total) * weight / weight_sum
        assert quota - 1 < share < quota + 1


def test_each_hospital_share_splits_among_the_winners_remainder_by_ascending_price():
    """R-VBP-8: equal whole units, the remainder one each to the cheapest first."""
    assert rules.split_among_winners(100, 3) == [34, 33, 33]
    assert rules.split_among_winners(101, 3) == [34, 34, 33]
    assert rules.split_among_winners(2, 3) == [1, 1, 0]


def test_last_years_use_is_reported_beside_the_demand(world, atorvastatin, national_round):
    """R-VBP-2: last year's actual use comes from accepted batches in minimum units, returns subtracted."""
    # given: 10 packs × 7 accepted, 3 packs of 10mg × 14 accepted in part (2), and 1 pack returned
    shipment = buy(world, atorvastatin[0], 10)
    buy(world, atorvastatin[1], 3, accept=2, batch="B2")
    from procurement.orders import services as order_services

    order_services.shipment_return(
        actor=world.user("distributor_clerk"), shipment_id=shipment.pk, quantity=1, reason="包装破损"
    )
    unit = CompetitionUnit.objects.get(round=national_round)
    # when
    report = services.demand_report(actor=world.user("hospital_buyer"), unit_id=unit.pk, reported_units=200)
    # then: (10 − 1) × 7 + 2 × 14 = 91
    assert report.last_year_units == 91
    assert report.gap == 109


def _reports(world, unit, reported):
    """Demand of the three hospitals, bases set by the bureau as reported."""
    from procurement.organisations.choices import Role
    from tests.factories import UserFactory

    bureau = world.user("provincial_reviewer")
    for hospital, units in zip((world.hospital, world.city_hospital, world.other_hospital), reported, strict=True):
        buyer = UserFactory(organisation=hospital, roles=[Role.HOSPITAL_BUYER])
        report = services.demand_report(actor=buyer, unit_id=unit.pk, reported_units=units)
        services.demand_base_set(actor=bureau, demand_id=report.pk, base_units=units)


def test_allocation_splits_the_provinces_agreed_volume_exactly(world, national_round):
    """R-VBP-2, R-VBP-3: agreed = Σ base × 50 % (one winner) = 1,001 × 0.5 = 500.5 → 501, split by base."""
    unit = CompetitionUnit.objects.get(round=national_round)
    _reports(world, unit, (333, 333, 335))  # Σ 1001 × 0.5 = 500.5 → 501
    # when
    allocations = services.unit_allocate(actor=world.user("provincial_reviewer"), unit_id=unit.pk)
    # then
    shares = {a.hospital_id: a.agreed_units for a in Allocation.objects.filter(unit=unit)}
    assert sum(shares.values()) == 501
    assert sorted(shares.values()) == [166, 167, 168]
    deadline = add_working_days(timezone.localdate(), 5)
    assert all(a.deadline == deadline.date for a in allocations)
    # one contract per hospital and winner, at the winning price, for the agreed volume
    contract = Contract.objects.get(hospital=world.hospital)
    assert contract.price == Decimal("5.46") and contract.volume_units == shares[world.hospital.pk]


def test_bases_differing_from_the_report_need_a_reason_and_only_the_bureau_sets_them(world, national_round):
    """R-VBP-2: the bureau sets the base after checking it; a changed base says why."""
    unit = CompetitionUnit.objects.get(round=national_round)
    report = services.demand_report(actor=world.user("hospital_buyer"), unit_id=unit.pk, reported_units=500)
    with pytest.raises(PermissionDenied):
        services.demand_base_set(actor=world.user("city_bureau"), demand_id=report.pk, base_units=400)
    with pytest.raises(DomainError) as refused:
        services.demand_base_set(actor=world.user("provincial_reviewer"), demand_id=report.pk, base_units=400)
    assert refused.value.problems[0].field == "reason"
    services.demand_base_set(
        actor=world.user("provincial_reviewer"), demand_id=report.pk, base_units=400, reason="上年度实际用量仅 380"
    )
    report.refresh_from_db()
    assert report.base_units == 400


def test_a_share_is_confirmed_before_its_deadline_and_unconfirmed_ones_are_flagged(world, national_round):
    """R-VBP-3: confirmation before the working-day deadline; after it the share stays unconfirmed, flagged."""
    unit = CompetitionUnit.objects.get(round=national_round)
    _reports(world, unit, (100, 100, 100))
    services.unit_allocate(actor=world.user("provincial_reviewer"), unit_id=unit.pk)
    mine = Allocation.objects.get(hospital=world.hospital)
    late = Allocation.objects.get(hospital=world.city_hospital)
    Allocation.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    # when
    services.allocation_confirm(actor=world.user("hospital_buyer"), allocation_id=mine.pk)
    # then
    with pytest.raises(Conflict) as refused:
        services.allocation_confirm(actor=world.user("hospital_buyer"), allocation_id=mine.pk)
    assert refused.value.problems[0].code == "already_confirmed"
    assert list(services.unconfirmed_allocations()) == [late]
    with pytest.raises(Allocation.DoesNotExist):  # another hospital's share is not found
        services.allocation_confirm(actor=world.user("hospital_buyer"), allocation_id=late.pk)


def test_demand_is_closed_once_allocated(world, national_round):
    unit = CompetitionUnit.objects.get(round=national_round)
    _reports(world, unit, (10, 20, 30))
    services.unit_allocate(actor=world.user("provincial_reviewer"), unit_id=unit.pk)
    with pytest.raises(Conflict):
        services.demand_report(actor=world.user("hospital_buyer"), unit_id=unit.pk, reported_units=99)
