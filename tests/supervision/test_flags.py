"""The flag registry of the core (R-SUP-5): every owner's flags in one place, scoped by region (R-SUP-2)."""

from datetime import date, timedelta

import pytest

from procurement.core import flags as registry
from procurement.core.flags import COMPANY, HOSPITAL, Flagged, flags_for, register_flag_source
from procurement.credit.choices import CreditEventKind, Severity
from procurement.credit.models import CreditEvent

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)


def test_the_owners_register_their_flags():
    """R-SUP-5: red share, non-negotiation, overdue payments, VBP behind pace, the filing line, a credit event."""
    keys = {source.key: source for source in registry.flag_sources()}
    assert {
        "red_share",
        "non_negotiation",
        "overdue_payments",
        "vbp_behind_pace",
        "filing_warning_line",
        "credit_event",
    } <= set(keys)
    assert keys["red_share"].rule == "R-NEG-7" and keys["red_share"].subject == HOSPITAL
    assert keys["credit_event"].subject == COMPANY


@pytest.fixture
def everyone_flagged(world):
    """A source that flags every hospital: the registry alone must keep a bureau to its region."""
    hospitals = [world.hospital, world.city_hospital, world.other_hospital]

    @register_flag_source("test_everyone", label="test", rule="R-SUP-5", subject=HOSPITAL)
    def everyone(user, day):
        return [Flagged(hospital.pk, f"flagged {hospital.name}", {"n": 1}) for hospital in hospitals]

    yield
    registry.unregister_flag_source("test_everyone")


@pytest.mark.parametrize(
    ("user", "seen"),
    [
        ("provincial_supervisor", {"永宁县人民医院", "宁夏回族自治区人民医院", "平罗县人民医院"}),
        ("city_bureau", {"永宁县人民医院", "宁夏回族自治区人民医院"}),
        ("county_bureau", {"永宁县人民医院"}),
        ("hospital_admin", {"永宁县人民医院"}),
        ("manufacturer_clerk", set()),
    ],
)
def test_the_registry_keeps_each_reader_to_its_region(world, everyone_flagged, user, seen):
    """R-SUP-2: a city or county bureau sees the flags of its region only, even from a source that flags all."""
    found = flags_for(world.user(user), DAY, keys=["test_everyone"])
    assert {flag.subject.name for flag in found} == seen


def test_a_credit_event_flags_its_company_for_the_bureaus_that_see_it(world):
    """R-SUP-3 → R-SUP-5: a company with a credit grade is flagged, with its explanation and figures."""
    # given a serious event of the distributor (in 银川市) two months ago
    CreditEvent.objects.create(
        organisation=world.distributor,
        kind=CreditEventKind.FAILURE_TO_SUPPLY,
        severity=Severity.SERIOUS,
        occurred_on=date(2026, 9, 20),
        description="配送不到位",
    )
    # then the provincial and the city bureau see the flag; the other city's county bureau does not
    flag = flags_for(world.user("provincial_supervisor"), DAY, keys=["credit_event"])[0]
    assert flag.subject == world.distributor
    assert flag.figures == {"events": 1, "since": "2026-09-20", "grade": "serious", "measure": "warning"}
    assert "2026-09-20" in flag.explanation
    assert [f.subject for f in flags_for(world.user("city_bureau"), DAY, keys=["credit_event"])] == [world.distributor]
    assert flags_for(world.user("county_bureau"), DAY, keys=["credit_event"]) == []
    # and one year after the event it no longer counts (CREDIT_GRADE_WINDOW_DAYS = 365)
    assert flags_for(world.user("provincial_supervisor"), date(2027, 9, 20), keys=["credit_event"]) == []
    assert flags_for(world.user("provincial_supervisor"), date(2027, 9, 19), keys=["credit_event"]) != []


def test_every_source_answers_and_an_overdue_payment_flags_its_hospital(world, listed):
    """R-SET-5 → R-SUP-5: a payable unpaid past its due date flags the hospital, for the bureaus of its region."""
    from settlement.models import Payable
    from tests.vbp.conftest import buy

    # every registered source answers on an empty province
    assert flags_for(world.user("provincial_supervisor"), DAY) == []
    # given 20 packs accepted today (due the last day of next month) and unpaid
    buy(world, listed[0], 20)
    payable = Payable.objects.get()
    late = payable.due_on + timedelta(days=1)
    # then the day after the due date the hospital is flagged, with the figures
    [flag] = flags_for(world.user("county_bureau"), late, keys=["overdue_payments"])
    assert flag.subject == world.hospital and flag.figures["count"] == 1
    assert flag.figures["owed"] == str(payable.amount)
    assert flag.explanation.startswith("1 笔应付款逾期")
    assert flags_for(world.user("county_bureau"), payable.due_on, keys=["overdue_payments"]) == []
