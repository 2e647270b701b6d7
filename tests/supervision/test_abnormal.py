"""Abnormal prices and purchases (R-SUP-4): the nightly detection on constructed series — a rise too large
or too frequent, a large gap to other provinces, a purchase spike — while normal series are left alone;
each item explained with its figures; reviewed or turned into a case; scoped by region (R-SUP-2)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse

from listings.models import ListingTransition
from procurement.catalogue.models import NationalPrice, NationalPriceImport
from procurement.core.errors import Conflict
from procurement.core.jobs import run_job
from procurement.orders import services as order_services
from supervision import services
from supervision.jobs import detect_abnormal
from supervision.models import AbnormalItem, Case
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date):
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)


def price_changes(listing, *steps):
    """``(days before TODAY, before, after)``: listing price changes as the listing channel records them."""
    with connection.cursor() as cursor:
        for days_ago, before, after in steps:
            cursor.execute(
                f"INSERT INTO {ListingTransition._meta.db_table} (listing_id, from_status, to_status, price_before,"
                " price_after, actor_label, reason, created_at) VALUES (%s, 'listed', 'listed', %s, %s, 'test', '调价', %s)",
                [listing.pk, Decimal(before), Decimal(after), at(TODAY - timedelta(days=days_ago))],
            )


def kinds_of(product):
    return {item.kind: item for item in AbnormalItem.objects.filter(product=product)}


class TestPriceRises:
    def test_rises_too_frequent_or_too_large_are_found_and_a_normal_series_is_not(self, world):
        make = lambda: ProductFactory(manufacturer=world.manufacturer)  # noqa: E731
        frequent, large, normal, old = make(), make(), make(), make()
        # three rises of 10 % each in 90 days (10.00 → 13.00: +30 %, exactly the size line: not too large)
        price_changes(
            make_listing(frequent, "13.00"), (80, "10.00", "11.00"), (50, "11.00", "12.00"), (5, "12.00", "13.00")
        )
        # one rise of 40 %
        price_changes(make_listing(large, "14.00"), (10, "10.00", "14.00"))
        # two small rises and a fall: normal
        price_changes(
            make_listing(normal, "10.50"), (60, "10.00", "10.50"), (30, "10.50", "11.00"), (3, "11.00", "10.50")
        )
        # three rises, but the first 100 days ago: two in the window
        price_changes(
            make_listing(old, "13.00"), (100, "10.00", "11.00"), (50, "11.00", "12.00"), (5, "12.00", "13.00")
        )

        detect_abnormal(TODAY)

        assert set(kinds_of(frequent)) == {"price_rise_frequency"}
        item = kinds_of(frequent)["price_rise_frequency"]
        assert item.subject == world.manufacturer and item.period == "2026-11"
        assert item.figures["rises"] == 3 and item.figures["days"] == 90
        assert item.explanation == "上调 3 次 / 90 天（10.00 → 13.00 元）"
        assert set(kinds_of(large)) == {"price_rise_size"}
        assert kinds_of(large)["price_rise_size"].explanation == "上调 40.0 %（10.00 → 14.00 元，90 天内）"
        assert kinds_of(normal) == {} and kinds_of(old) == {}

    def test_a_rerun_changes_nothing(self, world):
        listing = make_listing(ProductFactory(manufacturer=world.manufacturer), "14.00")
        price_changes(listing, (10, "10.00", "14.00"))
        first = run_job("detect_abnormal", triggered_by="test")
        second = run_job("detect_abnormal", triggered_by="test")
        assert first.status == second.status == "succeeded"
        assert AbnormalItem.objects.count() == first.counts["found"] == 1
        assert second.counts == {"found": 0, "refreshed": 0}


def test_a_large_gap_to_the_lowest_other_province_is_found(world):
    """R-SUP-4: 12.50 here against 8.00 in 浙江 (the province's own feed row is not another province)."""
    batch = NationalPriceImport.objects.create(
        original_name="t.csv", sha256="-", uploaded_by=world.user("platform_admin")
    )
    gap, close = ProductFactory(manufacturer=world.manufacturer), ProductFactory(manufacturer=world.manufacturer)
    make_listing(gap, "12.50")
    make_listing(close, "10.00")
    for product, rows in ((gap, [("33", "8.00"), ("32", "9.00"), ("64", "5.00")]), (close, [("33", "8.00")])):
        for province, price in rows:
            NationalPrice.objects.create(
                product_code=product.code,
                province=province,
                price=Decimal(price),
                effective_date=date(2026, 9, 1),
                batch=batch,
            )
    detect_abnormal(TODAY)
    item = kinds_of(gap)["regional_gap"]
    assert item.explanation == "本省 12.50 元，最低省份 8.00 元（浙江省）"
    assert item.figures["ratio"] == "1.56"
    assert kinds_of(close) == {}  # 10.00 / 8.00 = 1.25, under the 1.30 line


@pytest.fixture
def purchases(world, listed):
    """``purchases(hospital buyer, packs by month)``: orders placed on the 10th of each month."""

    def buy(user, monthly: dict[date, int]):
        for month, packs in monthly.items():
            order = order_services.order_submit(
                actor=user, lines=[order_services.LineRequest(listed[0].code, packs, world.distributor.pk)]
            ).order
            order.lines.update(created_at=at(month))

    return buy


def test_a_purchase_spike_against_the_hospitals_own_history(world, purchases, listed):
    """R-SUP-4: 1,200 packs this month against 300 a month before is a spike; 320 is not."""
    from procurement.organisations.choices import Role
    from tests.factories import UserFactory

    history = {date(2026, month, 10): 300 for month in range(5, 11)}
    purchases(world.user("hospital_buyer"), {**history, date(2026, 11, 10): 1200})
    steady = UserFactory(organisation=world.other_hospital, roles=[Role.HOSPITAL_BUYER])
    purchases(steady, {**history, date(2026, 11, 10): 320})
    detect_abnormal(TODAY)
    items = AbnormalItem.objects.filter(kind="purchase_spike")
    assert [(item.subject, item.product) for item in items] == [(world.hospital, listed[0])]
    assert items[0].explanation == "本月 1,200 盒，前 6 月均值 300 盒"


def test_reviewed_or_turned_into_a_case_and_scoped_by_region(world, client, purchases, listed):
    history = {date(2026, month, 10): 300 for month in range(5, 11)}
    purchases(world.user("hospital_buyer"), {**history, date(2026, 11, 10): 1200})  # 永宁县
    detect_abnormal(TODAY)
    item = AbnormalItem.objects.get()
    # the county bureau of 平罗县's city (石嘴山市) would not see it; 永宁县's does
    for name, seen in [("provincial_supervisor", True), ("city_bureau", True), ("county_bureau", True)]:
        client.force_login(world.user(name))
        assert (
            f'data-testid="item-{item.pk}"' in client.get(reverse("supervision:abnormal-list")).content.decode()
        ) is seen
    from procurement.organisations.choices import OrganisationKind, Role
    from tests.factories import OrganisationFactory, UserFactory

    shizuishan = OrganisationFactory(kind=OrganisationKind.BUREAU, name="石嘴山市医疗保障局", region=world.shizuishan)
    other = UserFactory(organisation=shizuishan, roles=[Role.BUREAU_SUPERVISOR])
    client.force_login(other)
    assert f'data-testid="item-{item.pk}"' not in client.get(reverse("supervision:abnormal-list")).content.decode()
    response = client.post(reverse("supervision:abnormal-action", args=[item.pk]), {"action": "case"})
    assert not Case.objects.exists()
    # the county bureau opens a case from it
    client.force_login(world.user("county_bureau"))
    response = client.post(reverse("supervision:abnormal-action", args=[item.pk]), {"action": "case"})
    case = Case.objects.get()
    assert response.url == reverse("supervision:case-detail", args=[case.pk])
    assert case.subject == world.hospital and "本月 1,200 盒" in case.explanation
    item.refresh_from_db()
    assert (item.status, item.case) == ("case_opened", case)
    # and a finding dealt with is not dealt with twice
    with pytest.raises(Conflict):
        services.abnormal_item_review(actor=world.user("county_bureau"), item_id=item.pk, note="看过")


def test_marked_reviewed_through_the_api_with_a_note(world, api_as):
    listing = make_listing(ProductFactory(manufacturer=world.manufacturer), "14.00")
    price_changes(listing, (10, "10.00", "14.00"))
    detect_abnormal(TODAY)
    item = AbnormalItem.objects.get()
    api = api_as(world.user("provincial_supervisor"))
    listed_items = api.get("/api/v1/supervision/abnormal/").json()["results"]
    assert [(row["kind"], row["explanation"]) for row in listed_items] == [
        ("price_rise_size", "上调 40.0 %（10.00 → 14.00 元，90 天内）")
    ]
    refused = api.post(f"/api/v1/supervision/abnormal/{item.pk}/review/", {"note": ""})
    assert refused.status_code == 400
    answer = api.post(f"/api/v1/supervision/abnormal/{item.pk}/review/", {"note": "系原料涨价，已核实"})
    assert answer.json()["status"] == "reviewed"
    event = AbnormalItem.pgh_event_model.objects.filter(pgh_obj=item).order_by("pgh_id").last()
    assert event.pgh_context["username"] == "provincial_supervisor"
    # the city bureau of 石嘴山 (not the manufacturer's region) and a hospital do not read it
    assert api_as(world.user("hospital_admin")).get("/api/v1/supervision/abnormal/").status_code == 403
