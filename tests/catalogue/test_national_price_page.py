"""Issue 12: the national prices page (全国挂网价) shows each code's generic name, specification, pack and
manufacturer, and is searched by name and pinyin initials as the listed-products page is."""

import pytest
from django.urls import reverse

from tests.factories import ProductFactory
from tests.listings.conftest import feed  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def test_the_page_names_each_product_and_finds_it_by_name_or_initials(world, client, feed):  # noqa: F811
    statin = ProductFactory(manufacturer=world.manufacturer, generic_name="阿托伐他汀钙片", specification="20mg")
    other = ProductFactory(manufacturer=world.other_manufacturer, generic_name="硫酸氢氯吡格雷片", specification="75mg")
    feed(statin.code, "11", "12.10")
    feed(other.code, "31", "30.00")
    page = client.get(reverse("catalogue:national-price-list")).content.decode()
    assert "阿托伐他汀钙片" in page and "20mg" in page and world.manufacturer.name in page
    for query in ("阿托伐他汀", "atfts", "他汀 20mg"):
        found = client.get(reverse("catalogue:national-price-list"), {"q": query}).content.decode()
        assert statin.code in found and other.code not in found, query
