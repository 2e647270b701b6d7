"""Issue 12: the filters of the list pages offer 全部, and a filter a role cannot use is not shown
(procurement.web.filters.PlatformFilterSet)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from listings import services as listing_services
from listings.choices import ListingCategory
from procurement.credit.models import CreditEvent
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing


def select(page: str, name: str) -> str | None:
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    return found.group(1) if found else None


def first_option(options: str) -> str:
    return re.search(r"<option[^>]*>([^<]*)</option>", options).group(1)


@pytest.fixture
def declarations(world):
    """A declaration and a listing of each of two manufacturers."""
    for manufacturer, clerk in (
        (world.manufacturer, "manufacturer_clerk"),
        (world.other_manufacturer, "other_manufacturer_clerk"),
    ):
        listing_services.declaration_create(
            actor=world.user(clerk),
            product=ProductFactory(manufacturer=manufacturer),
            category=ListingCategory.NOT_PREVIOUSLY_LISTED,
            price=Decimal("10.00"),
            submit=True,
        )
        make_listing(ProductFactory(manufacturer=manufacturer), "12.00")


def test_a_manufacturer_is_not_offered_a_choice_of_manufacturers_for_its_own_declarations(client, world, declarations):
    # given
    client.force_login(world.user("manufacturer_clerk"))
    # when
    own = client.get(reverse("listings:declaration-list")).content.decode()
    listings = client.get(reverse("listings:listing-list")).content.decode()
    public = client.get(reverse("public:public-list")).content.decode()
    # then: its own declarations and listings: no manufacturer to choose; the public list: every one
    assert select(own, "status") is not None and select(own, "manufacturer") is None
    assert select(listings, "manufacturer") is None
    assert world.other_manufacturer.name in select(public, "manufacturer")


def test_the_bureau_chooses_among_manufacturers_starting_from_all(client, world, declarations):
    # given
    client.force_login(world.user("provincial_reviewer"))
    # when
    page = client.get(reverse("listings:review")).content.decode()
    # then
    manufacturers = select(page, "manufacturer")
    assert first_option(manufacturers) == "全部"
    assert world.manufacturer.name in manufacturers and world.other_manufacturer.name in manufacturers
    assert first_option(select(page, "status")) == "全部"
    assert "---------" not in page


def test_a_filter_that_is_not_shown_does_not_filter(client, world, declarations):
    # given: a manufacturer's address bar names another manufacturer
    client.force_login(world.user("manufacturer_clerk"))
    # when
    page = client.get(reverse("listings:declaration-list"), {"manufacturer": world.other_manufacturer.pk})
    # then: its own declarations, as without it
    assert page.status_code == 200 and len(page.context["object_list"]) == 1


def test_yes_no_filters_offer_all_yes_and_no(client, world):
    # when
    page = client.get(reverse("catalogue:product-list")).content.decode()
    # then
    originator = select(page, "is_originator")
    assert re.findall(r">([^<]+)</option>", originator) == ["全部", "是", "否"]
    assert "---------" not in page and "未知" not in page


def test_a_company_reads_its_credit_record_without_a_company_filter(client, world):
    # given
    CreditEvent.objects.create(
        organisation=world.manufacturer,
        kind="untrue_price",
        severity="general",
        occurred_on="2026-11-02",
        description="迟交",
        recorded_by=world.user("provincial_supervisor"),
    )
    # when
    client.force_login(world.user("manufacturer_clerk"))
    own = client.get(reverse("credit:event-list")).content.decode()
    client.force_login(world.user("provincial_supervisor"))
    bureau = client.get(reverse("credit:event-list")).content.decode()
    # then
    assert 'name="company"' not in own and first_option(select(own, "kind")) == "全部"
    assert 'name="company"' in bureau
