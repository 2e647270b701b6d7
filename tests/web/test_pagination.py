"""A search page counts its rows in the page's own statement (procurement.web.pagination): the same pages,
numbers and totals as Django's paginator, one statement fewer (R-ORD-2's buy page, the public list)."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procurement.catalogue.models import Product
from procurement.web.pagination import CountedOnPage
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(world):
    return [ProductFactory(manufacturer=world.manufacturer, generic_name="阿托伐他汀钙片") for _ in range(7)]


@pytest.mark.parametrize("per_page", [1, 3, 7, 10])
def test_every_page_as_djangos_paginator_gives_it(products, per_page):
    queryset = Product.objects.order_by("pk")
    expected = Paginator(queryset, per_page)
    for number in range(1, expected.num_pages + 1):
        counted = CountedOnPage(queryset, per_page)
        page = counted.page(number)
        assert [product.pk for product in page] == [product.pk for product in expected.page(number)]
        assert (counted.count, counted.num_pages, page.has_next(), page.start_index(), page.end_index()) == (
            7,
            expected.num_pages,
            expected.page(number).has_next(),
            expected.page(number).start_index(),
            expected.page(number).end_index(),
        )


def test_a_page_past_the_end_nothing_found_and_a_wrong_number_are_answered_as_django_does(products):
    queryset = Product.objects.order_by("pk")
    with pytest.raises(EmptyPage):
        CountedOnPage(queryset, 3).page(4)
    with pytest.raises(EmptyPage):
        CountedOnPage(queryset, 3).page(0)
    with pytest.raises(PageNotAnInteger):
        CountedOnPage(queryset, 3).page("x")
    nothing = CountedOnPage(queryset.none(), 3)
    assert list(nothing.page(1)) == [] and nothing.count == 0
    values = CountedOnPage(queryset.values("pk", "generic_name"), 5)
    assert [row["pk"] for row in values.page(2)] == [product.pk for product in products[5:]] and values.count == 7


def test_the_buy_pages_search_is_counted_with_its_page(world, client):
    """65 products found, 30 a page: page 3 holds the last 5, and says 65 in all; the search costs one
    statement fewer than counted apart."""
    found = [ProductFactory(manufacturer=world.manufacturer, generic_name="瑞舒伐他汀钙片") for _ in range(65)]
    for product in found:
        make_listing(product, "8.00")
    make_listing(ProductFactory(manufacturer=world.manufacturer, generic_name="阿莫西林胶囊"), "3.00")
    client.force_login(world.user("hospital_buyer"))
    with CaptureQueriesContext(connection) as searched:
        page = client.get(reverse("orders:buy"), {"q": "瑞舒伐他汀", "page": 3})
    assert page.status_code == 200
    assert page.context["paginator"].count == 65 and page.context["page_obj"].number == 3
    assert len(page.context["offers"]) == 5
    assert "第 3 / 3 页 · 共 65 条" in page.content.decode()
    counts = [
        query["sql"]
        for query in searched.captured_queries
        if 'COUNT(*) AS "__count" FROM "catalogue_product"' in query["sql"]
    ]
    assert not counts, counts
    assert client.get(reverse("orders:buy"), {"q": "瑞舒伐他汀", "page": 4}).status_code == 404
    unsearched = client.get(reverse("orders:buy"), {"page": 3})
    assert unsearched.context["paginator"].count == 66 and len(unsearched.context["offers"]) == 6
