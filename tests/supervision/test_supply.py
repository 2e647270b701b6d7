"""Supply monitoring (R-SUP-6): a distributor's fulfilment rate (配送到位率) and median hours on a
hand-computed month, scoped by region (R-SUP-2); distributors' stock reports on the page and the API."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from procurement.orders import services as orders
from procurement.orders.models import OrderLine, Shipment
from procurement.organisations.choices import Role
from supervision.models import StockReport
from supervision.selectors import supply_by_distributor
from tests.factories import UserFactory
from tests.orders.conftest import BATCH, report

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))


@pytest.fixture
def month_of_deliveries(world, listed):
    """永宁县人民医院 orders 4 lines on 2 November 09:00, all of 国药控股宁夏:
    A 100 packs: shipped after 10 h, all accepted after 20 h (in time);
    B  50 packs: shipped after 30 h, 40 accepted after 60 h (late: past 48 h);
    C  50 packs: declined by the distributor;
    D  30 packs: cancelled by the hospital (not counted).
    平罗县人民医院 (石嘴山市) orders E 100 packs: shipped after 5 h, accepted after 8 h.
    Hand-computed for 永宁县's bureaus: ordered 200, in time 100 → 50.0 %; to shipment median(10, 30) = 20.0 h;
    to acceptance median(20, 60) = 40.0 h. For the province: ordered 300, in time 200 → 66.7 %."""
    distributor = world.user("distributor_clerk")

    def line(user, packs):
        order = orders.order_submit(
            actor=user, lines=[orders.LineRequest(listed[0].code, packs, world.distributor.pk)]
        ).order
        found = order.lines.get()
        OrderLine.objects.filter(pk=found.pk).update(created_at=T0)
        return found

    def deliver(found, packs, accepted, shipped_after, accepted_after, hospital):
        orders.line_confirm(actor=distributor, line_id=found.pk)
        shipment = orders.shipment_create(
            actor=distributor, line_id=found.pk, quantity=packs, inspection_report=report(), **BATCH
        )
        keeper = UserFactory(organisation=hospital, roles=[Role.HOSPITAL_STOREKEEPER])
        orders.shipment_accept(
            actor=keeper,
            shipment_id=shipment.pk,
            accepted_quantity=accepted,
            reason="" if accepted == packs else "破损",
        )
        Shipment.objects.filter(pk=shipment.pk).update(
            shipped_at=T0 + timedelta(hours=shipped_after), accepted_at=T0 + timedelta(hours=accepted_after)
        )

    buyer = world.user("hospital_buyer")
    deliver(line(buyer, 100), 100, 100, 10, 20, world.hospital)
    deliver(line(buyer, 50), 50, 40, 30, 60, world.hospital)
    orders.line_decline(actor=distributor, line_id=line(buyer, 50).pk, reason="缺货")
    orders.line_cancel(actor=buyer, line_id=line(buyer, 30).pk, reason="不再需要")
    other = UserFactory(organisation=world.other_hospital, roles=[Role.HOSPITAL_BUYER])
    deliver(line(other, 100), 100, 100, 5, 8, world.other_hospital)


def test_the_fulfilment_rate_and_median_hours_on_a_hand_computed_month(world, month_of_deliveries):
    [row] = supply_by_distributor(world.user("county_bureau"), *NOVEMBER, 48)
    assert (row.distributor, row.lines, row.ordered, row.shipped, row.accepted, row.in_time) == (
        world.distributor,
        3,
        200,
        150,
        140,
        100,
    )
    assert row.fulfilment_rate == Decimal("50.0")
    assert (row.median_hours_to_shipment, row.median_hours_to_acceptance) == (Decimal("20.0"), Decimal("40.0"))
    # the province reads 平罗县's line too
    [province] = supply_by_distributor(world.user("provincial_supervisor"), *NOVEMBER, 48)
    assert (province.ordered, province.in_time, province.fulfilment_rate) == (300, 200, Decimal("66.7"))
    # with 72 hours to deliver, B's 40 packs count: (100 + 40) / 200
    assert supply_by_distributor(world.user("county_bureau"), *NOVEMBER, 72)[0].fulfilment_rate == Decimal("70.0")
    # October holds none of these lines
    assert supply_by_distributor(world.user("provincial_supervisor"), date(2026, 10, 1), date(2026, 11, 1), 48) == []


def test_the_supply_page_and_api_keep_each_bureau_to_its_region(world, client, api_as, month_of_deliveries):
    for name, rate in [("provincial_supervisor", "66.7 %"), ("city_bureau", "50.0 %"), ("county_bureau", "50.0 %")]:
        client.force_login(world.user(name))
        page = client.get(reverse("supervision:supply") + "?month=2026-11").content.decode()
        assert f'data-testid="rate">{rate}' in page
    answer = api_as(world.user("city_bureau")).get("/api/v1/supervision/supply/?month=2026-11").json()
    assert [(row["distributor"], row["ordered"], row["in_time"], row["fulfilment_rate"]) for row in answer] == [
        (world.distributor.pk, 200, 100, "50.0")
    ]
    assert api_as(world.user("hospital_admin")).get("/api/v1/supervision/supply/").status_code == 403


def test_a_distributor_files_its_stock_and_the_bureaus_of_its_regions_read_it(
    world, client, api_as, month_of_deliveries, listed
):
    """R-SUP-6: a stock report per product and month; filed again, corrected; read by the bureaus of the regions
    the distributor delivers to, not by others."""
    api = api_as(world.user("distributor_clerk"))
    body = {"product_code": listed[0].code, "month": "2026-11-15", "stock_packs": 1200, "note": "月末库存"}
    first = api.post("/api/v1/supervision/stock-reports/", body)
    assert first.status_code == 201 and first.json()["month"] == "2026-11-01"
    api.post("/api/v1/supervision/stock-reports/", {**body, "stock_packs": 1100})
    assert StockReport.objects.get().stock_packs == 1100
    refused = api.post("/api/v1/supervision/stock-reports/", {**body, "stock_packs": -1})
    assert refused.status_code == 400 and "errors" in refused.json()
    assert api_as(world.user("hospital_admin")).post("/api/v1/supervision/stock-reports/", body).status_code == 403
    # the distributor files through its page too
    client.force_login(world.user("distributor_clerk"))
    client.post(
        reverse("supervision:supply") + "?month=2026-11",
        {"product_code": listed[1].code, "month": "2026-11", "stock_packs": 80},
    )
    assert StockReport.objects.count() == 2
    # 石嘴山市 (平罗县's hospital is delivered to) and 永宁县 read it; a bureau of a region it does not serve does not
    from procurement.organisations.choices import OrganisationKind
    from tests.factories import OrganisationFactory, RegionFactory

    elsewhere = RegionFactory(code="640500", name="中卫市", level="city", parent=world.province)
    bureau = OrganisationFactory(kind=OrganisationKind.BUREAU, name="中卫市医疗保障局", region=elsewhere)
    for user, count in [
        (world.user("county_bureau"), 2),
        (world.user("provincial_supervisor"), 2),
        (UserFactory(organisation=bureau, roles=[Role.BUREAU_SUPERVISOR]), 0),
    ]:
        assert len(api_as(user).get("/api/v1/supervision/stock-reports/").json()["results"]) == count
