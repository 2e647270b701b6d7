"""Issue 12: the price-alert page shows the red, yellow and blue shares over time (R-NEG-6), a by-region
table with city subtotals, the total and shares, a searchable product table — and a city or county
bureau sees its own region only."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from negotiation.jobs import zone_agreements
from negotiation.models import HospitalZoneDay
from tests.factories import HospitalFactory, ProductFactory
from tests.negotiation.test_zoning import agree
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db


def chart_data(page: str) -> dict:
    found = re.search(r'<script id="zone-shares-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


@pytest.fixture
def two_nights(world):
    """永宁县人民医院 (银川市) and 平罗县人民医院 (石嘴山市), two nights of zoning counts."""
    today = timezone.localdate()
    for day, (own, other) in (
        (today - timedelta(days=1), ((4, 1, 1, 2), (4, 4, 0, 0))),
        (today, ((5, 0, 1, 2), (0, 0, 0, 0))),
    ):
        for hospital, (agreements, red, yellow, blue) in ((world.hospital, own), (world.other_hospital, other)):
            HospitalZoneDay.objects.create(
                hospital=hospital, day=day, agreements=agreements, red=red, yellow=yellow, blue=blue
            )
    return today


def test_the_chart_data_are_the_shares_of_each_zone_night_by_night(client, world, two_nights):
    # when
    client.force_login(world.user("provincial_supervisor"))
    data = chart_data(client.get(reverse("negotiation:alerts")).content.decode())
    # then: the province's nights: 5 red of 8 zoned (62.5 %), then 0 of 5
    yesterday = f"{two_nights - timedelta(days=1):%Y-%m-%d}"
    assert data["days"] == [yesterday, f"{two_nights:%Y-%m-%d}"] and data["zoned"] == [8, 5]
    shares = {series["zone"]: series["shares"] for series in data["series"]}
    assert shares == {"red": [62.5, 0.0], "yellow": [12.5, 20.0], "blue": [25.0, 40.0]}
    assert [series["name"] for series in data["series"]] == ["红色", "黄色", "蓝色"]
    assert data["y_name"] == "占已分区协议的比例（%）" and data["x_name"] == "分区日期"


def test_a_city_bureau_charts_its_own_region_only(client, world, two_nights):
    # when: 银川市医疗保障局
    client.force_login(world.user("city_bureau"))
    page = client.get(reverse("negotiation:alerts")).content.decode()
    # then: 永宁县人民医院's figures only (1 red of 4, then 0 of 5)
    data = chart_data(page)
    assert data["zoned"] == [4, 5]
    assert {series["zone"]: series["shares"] for series in data["series"]}["red"] == [25.0, 0.0]
    assert "仅显示银川市的数据" in page


@pytest.fixture
def zoned(world):
    """One product agreed by five public hospitals in three counties of two cities, zoned."""
    product = ProductFactory(manufacturer=world.manufacturer, pack_quantity=1, generic_name="阿托伐他汀钙片")
    other = ProductFactory(manufacturer=world.manufacturer, pack_quantity=1, generic_name="氨氯地平片")
    make_listing(product, "30.00")
    make_listing(other, "30.00")
    for hospital, price in (
        (world.hospital, "20"),
        (world.city_hospital, "14"),
        (HospitalFactory(region=world.jinfeng), "10"),
        (world.other_hospital, "15"),
        (HospitalFactory(region=world.pingluo), "12"),
    ):
        agree(world, hospital, product, price)
        agree(world, hospital, other, price)
    zone_agreements()
    return product, other


def region_rows(page: str) -> list[list[str]]:
    body = page.split('data-testid="zones"')[1].split("</tbody>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr class=\"level-[^\"]+\"[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_the_region_table_has_city_subtotals_the_province_total_and_shares(client, world, zoned):
    # when
    client.force_login(world.user("provincial_supervisor"))
    response = client.get(reverse("negotiation:alerts"), {"by": "region"})
    rows = region_rows(response.content.decode())
    # then: counties by code, each city's subtotal after its counties, the province last
    assert [row[0] for row in rows] == ["金凤区", "永宁县", "银川市小计", "平罗县", "石嘴山市小计", "全省合计"]
    assert [int(row[1]) for row in rows] == [4, 2, 6, 4, 4, 10]
    regions = response.context["regions"]
    for row in regions:
        assert row.red + row.yellow + row.blue <= row.zoned
        if row.zoned:
            assert row.red_share == Decimal(row.red * 100 / row.zoned).quantize(Decimal("0.1"))
    city, total = regions[2], regions[-1]
    assert city.zoned == regions[0].zoned + regions[1].zoned and total.zoned == city.zoned + regions[4].zoned
    assert rows[-1][4] == f"{total.red_share} %"


def test_a_county_bureau_reads_its_county_only(client, world, zoned):
    client.force_login(world.user("county_bureau"))
    rows = region_rows(client.get(reverse("negotiation:alerts"), {"by": "region"}).content.decode())
    assert [row[0] for row in rows] == ["永宁县", "银川市小计", "合计"]
    assert [int(row[1]) for row in rows] == [2, 2, 2]


def test_the_product_table_is_searched_by_name_and_pinyin_initials(client, world, zoned):
    product, other = zoned
    client.force_login(world.user("provincial_supervisor"))
    for search in ("阿托伐他汀", "atft"):
        rows = client.get(reverse("negotiation:alerts"), {"by": "product", "q": search}).context["object_list"]
        assert [row["product"] for row in rows] == [product.pk], search
    rows = client.get(reverse("negotiation:alerts"), {"by": "product"}).context["object_list"]
    assert {row["product"] for row in rows} == {product.pk, other.pk}
