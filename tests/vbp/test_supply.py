"""Supply (R-VBP-11): monthly capacity and stock, shortage warnings under 30 days of demand, failure to supply
as a credit event through the core's credit service."""

from datetime import date

import pytest
from django.utils import timezone

from procurement.core.errors import DomainError
from procurement.core.scoping import visible_to
from procurement.credit.models import CreditEvent
from procurement.orders import services as order_services
from vbp import services
from vbp.jobs import vbp_supply
from vbp.models import CompetitionUnit, Contract, ShortageWarning, Winner


@pytest.fixture
def contracted(world, atorvastatin, national_round):
    """Two hospitals' contracts for the winner: 3,650 + 3,650 tablets a year → 20 tablets a day."""
    unit = CompetitionUnit.objects.get(round=national_round)
    from procurement.organisations.choices import Role
    from tests.factories import UserFactory

    for hospital in (world.hospital, world.other_hospital):
        buyer = UserFactory(organisation=hospital, roles=[Role.HOSPITAL_BUYER])
        report = services.demand_report(actor=buyer, unit_id=unit.pk, reported_units=7300)
        services.demand_base_set(actor=world.user("provincial_reviewer"), demand_id=report.pk, base_units=7300)
    services.unit_allocate(actor=world.user("provincial_reviewer"), unit_id=unit.pk)
    assert sum(Contract.objects.values_list("volume_units", flat=True)) == 7300
    return Winner.objects.get(unit=unit)


def test_stock_under_30_days_of_demand_raises_a_warning_for_the_bureau_and_the_hospitals(world, contracted):
    """R-VBP-11: 20 tablets a day; 600 in stock covers 30 days (no warning), 599 does (29.9 days)."""
    clerk = world.user("manufacturer_clerk")
    month = timezone.localdate().replace(day=1)
    services.supply_report(actor=clerk, winner_id=contracted.pk, month=month, capacity_units=10000, stock_units=600)
    assert vbp_supply() == {"shortage_warnings": 0, "credit_events": 0}
    services.supply_report(actor=clerk, winner_id=contracted.pk, month=month, capacity_units=10000, stock_units=599)
    assert vbp_supply()["shortage_warnings"] == 1
    warning = ShortageWarning.objects.get()
    assert (warning.stock_units, str(warning.daily_demand), str(warning.days_covered)) == (599, "20.00", "29.9")
    assert vbp_supply()["shortage_warnings"] == 0  # once per winner and month
    # seen by the bureau, the hospitals with a contract, the company; not by a city bureau without one
    assert visible_to(world.user("provincial_reviewer"), ShortageWarning).count() == 1
    assert visible_to(world.user("hospital_buyer"), ShortageWarning).count() == 1
    assert visible_to(world.user("county_bureau"), ShortageWarning).count() == 1
    assert visible_to(world.user("city_hospital_admin"), ShortageWarning).count() == 0
    assert visible_to(clerk, ShortageWarning).count() == 1


def test_only_the_winning_company_reports_and_not_for_a_future_month(world, contracted):
    with pytest.raises(DomainError):
        services.supply_report(
            actor=world.user("other_manufacturer_clerk"),
            winner_id=contracted.pk,
            month=timezone.localdate(),
            capacity_units=1,
            stock_units=1,
        )
    with pytest.raises(DomainError) as future:
        services.supply_report(
            actor=world.user("manufacturer_clerk"),
            winner_id=contracted.pk,
            month=date(timezone.localdate().year + 1, 1, 1),
            capacity_units=1,
            stock_units=1,
        )
    assert future.value.problems[0].code == "in_future"


def test_a_declined_vbp_line_is_a_failure_to_supply_recorded_once(world, atorvastatin, contracted):
    """R-VBP-11, R-SUP-3: a line quoted at the VBP price that the distributor declines is recorded as a credit
    event of the winning company, once however often the job runs."""
    order = order_services.order_submit(
        actor=world.user("hospital_buyer"),
        lines=[order_services.LineRequest(atorvastatin[0].code, 5, world.distributor.pk)],
    ).order
    line = order.lines.get()
    assert line.price_source == "vbp"
    order_services.line_decline(actor=world.user("distributor_clerk"), line_id=line.pk, reason="缺货")
    assert vbp_supply()["credit_events"] == 1
    assert vbp_supply()["credit_events"] == 0
    event = CreditEvent.objects.get()
    assert (event.organisation, event.kind, event.source) == (
        world.manufacturer,
        "failure_to_supply",
        f"vbp_declined_line:{line.pk}",
    )


def test_supply_page_and_api(world, contracted, api_as):
    """R-VBP-11: the company reports by page or API; the hospital and the bureau see the warning and a home item."""
    from django.test import Client
    from django.urls import reverse

    clerk = Client()
    clerk.force_login(world.user("manufacturer_clerk"))
    month = timezone.localdate().replace(day=1).isoformat()
    answer = clerk.post(
        reverse("vbp:supply"),
        {"winner": contracted.pk, "month": month, "capacity_units": "9000", "stock_units": "100"},
    )
    assert answer.status_code == 302
    api = api_as(world.user("manufacturer_clerk")).post(
        "/api/v1/vbp/supply-reports/",
        {"winner": contracted.pk, "month": month, "capacity_units": 9000, "stock_units": 50},
        format="json",
    )
    assert api.status_code == 201 and api.json()["stock_units"] == 50
    vbp_supply()
    hospital = Client()
    hospital.force_login(world.user("hospital_buyer"))
    assert "2.5" in hospital.get(reverse("vbp:supply")).content.decode()
    assert "集采" in hospital.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for name in ("provincial_reviewer", "county_bureau", "manufacturer_clerk", "hospital_buyer", "distributor_clerk"):
        client = Client()
        client.force_login(world.user(name))
        assert client.get("/").status_code == 200, name
    assert api_as(world.user("provincial_reviewer")).get("/api/v1/vbp/shortage-warnings/").json()["count"] == 1
    assert api_as(world.user("city_hospital_admin")).get("/api/v1/vbp/shortage-warnings/").json()["count"] == 0
