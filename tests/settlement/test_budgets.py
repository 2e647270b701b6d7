# ruff: noqa: F811  (pytest fixtures imported by name and asked for as arguments)
"""Savings retention and budget deductions (R-SET-6, R-SET-7) on a hand-computed contract: the hospital's contract
for the national winner (20mg × 7 at 5.46: 0.78 a tablet, 730 tablets a year); before it, the hospital bought the
same drug at 12.60 a pack of 7 (1.80 a tablet). The bureau confirms, region-scoped, in the audit trail."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.core.errors import DomainError, PermissionDenied
from settlement import services
from settlement.choices import AssessmentOutcome, AssessmentStatus
from settlement.models import BudgetAssessment
from tests.settlement.conftest import SHANGHAI
from tests.vbp.conftest import atorvastatin, bureau, buy, national_round  # noqa: F401
from tests.vbp.test_completion_and_cap import contract  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def bought_before(world, accepted_at, finance):
    """10 packs at 12.60 accepted on 2025-06-01 (a year before the contract): 70 tablets for 126.00, 1.80 each."""
    payable = accepted_at(datetime(2025, 6, 1, 10, tzinfo=SHANGHAI), packs=10)
    assert payable.amount == D("126.00")
    return payable


def _pay(finance, payable):
    services.payment_record(actor=finance, payable_id=payable.pk, amount=str(payable.amount))


def test_r_set_6_a_hospital_that_completed_and_paid_on_time_retains_its_savings(
    world,
    atorvastatin,
    contract,
    bought_before,
    finance,
):
    """R-SET-6: 105 packs bought under the contract = 735 tablets ≥ 730; nothing overdue →
    savings = (1.80 − 0.78) × 735 = 749.70, retained."""
    _pay(finance, bought_before)
    buy(world, atorvastatin[0], 105)
    counts = services.budget_assessments_compute(actor=world.user("provincial_supervisor"), year=2026)
    assert counts["assessed"] == 1
    row = BudgetAssessment.objects.get(year=2026, hospital=world.hospital)
    assert (row.agreed_units, row.bought_units, row.volume_completed) == (730, 735, True)
    assert (row.outcome, row.savings, row.deduction) == (AssessmentOutcome.RETENTION, D("749.70"), D("0.00"))
    assert row.details[0]["previous_unit_price"] == "1.8000" and row.details[0]["unit_price"] == "0.7800"
    # a re-run writes nothing
    assert services.budget_assessments_compute(actor=None, year=2026)["assessed"] == 0


def test_r_set_7_a_missed_volume_and_an_overdue_payment_propose_a_deduction(
    world,
    atorvastatin,
    contract,
    bought_before,
    set_policy,
):
    """R-SET-7: 10 packs = 70 of 730 tablets (shortfall 660 × 0.78 = 514.80, × 0.5 = 257.40) and the 126.00 of
    2025 overdue and unpaid (× 0.1 = 12.60) → deduction 270.00, no savings."""
    buy(world, atorvastatin[0], 10)
    services.budget_assessments_compute(actor=None, year=2026)
    row = BudgetAssessment.objects.get(year=2026, hospital=world.hospital)
    assert (row.volume_completed, row.overdue_amount, row.paid_on_time_ok) == (False, D("126.00"), False)
    assert (row.outcome, row.savings, row.deduction) == (AssessmentOutcome.DEDUCTION, D("0.00"), D("270.00"))
    # the formula's shares are policy values
    set_policy("BUDGET_DEDUCTION_SHORTFALL_RATE", "1")
    services.budget_assessments_compute(actor=None, year=2026)
    row.refresh_from_db()
    assert row.deduction == D("527.40")  # 514.80 + 12.60


def test_r_set_6_the_region_s_bureau_confirms_and_another_region_cannot(
    world,
    client,
    atorvastatin,
    contract,
    bought_before,
):
    """R-SET-6, R-SUP-2: the hospital is in 永宁县 (银川市): the city bureau of 银川 sees it and confirms it (audited
    with who, once); a hospital user cannot confirm; assessing the province is refused to the city bureau."""
    services.budget_assessments_compute(actor=None, year=2026)
    row = BudgetAssessment.objects.get(year=2026, hospital=world.hospital)
    with pytest.raises(PermissionDenied):
        services.budget_assessments_compute(actor=world.user("city_bureau"), year=2026)
    with pytest.raises(PermissionDenied):
        services.budget_assessment_confirm(actor=world.user("hospital_admin"), assessment_id=row.pk)
    client.force_login(world.user("city_bureau"))
    page = client.get(reverse("settlement:budgets"), {"year": 2026})
    assert f'data-testid="assessment-{world.hospital.pk}"' in page.content.decode()
    client.post(reverse("settlement:budget-confirm"), {"assessment": row.pk})
    row.refresh_from_db()
    assert row.status == AssessmentStatus.CONFIRMED and row.confirmed_by == world.user("city_bureau")
    event = BudgetAssessment.pgh_event_model.objects.filter(pgh_obj=row).order_by("-pgh_id").first()
    assert (event.status, event.pgh_context["username"]) == (AssessmentStatus.CONFIRMED, "city_bureau")
    with pytest.raises(DomainError):
        services.budget_assessment_confirm(actor=world.user("city_bureau"), assessment_id=row.pk)
    # confirmed: a new assessment leaves it as it is
    assert services.budget_assessments_compute(actor=None, year=2026)["kept_confirmed"] == 1


def test_r_sup_2_a_bureau_outside_the_region_neither_sees_nor_confirms(world, client, atorvastatin, contract):
    """R-SUP-2: an assessment of a 永宁县 hospital is not found for a bureau of 石嘴山市 (404), not confirmed."""
    from procurement.organisations.choices import OrganisationKind, Role
    from tests.factories import OrganisationFactory, UserFactory

    services.budget_assessments_compute(actor=None, year=2026)
    row = BudgetAssessment.objects.get(year=2026, hospital=world.hospital)
    other_bureau = OrganisationFactory(kind=OrganisationKind.BUREAU, name="石嘴山市医疗保障局", region=world.shizuishan)
    outsider = UserFactory(username="szs", organisation=other_bureau, roles=[Role.BUREAU_SUPERVISOR])
    client.force_login(outsider)
    assert (
        f'data-testid="assessment-{world.hospital.pk}"'
        not in client.get(reverse("settlement:budgets")).content.decode()
    )
    assert client.post(reverse("settlement:budget-confirm"), {"assessment": row.pk}).status_code == 404
    with pytest.raises(DomainError):
        services.budget_assessment_confirm(actor=outsider, assessment_id=row.pk)
    row.refresh_from_db()
    assert row.status == AssessmentStatus.PROPOSED
