"""Pages of the shell: public catalogue, login required elsewhere, role-specific navigation."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.catalogue.models import NationalPrice, NationalPriceImport
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def priced_product(world):
    product = ProductFactory(manufacturer=world.manufacturer, trade_name="阿乐", pack_quantity=7)
    batch = NationalPriceImport.objects.create(
        original_name="f.csv", sha256="-", uploaded_by=world.user("platform_admin")
    )
    for province, price in [("11", "12.60"), ("31", "11.90"), ("64", "9.00")]:
        NationalPrice.objects.create(
            product_code=product.code, province=province, price=Decimal(price), effective_date="2026-09-18", batch=batch
        )
    return product


def test_the_catalogue_is_public_and_shows_the_national_lowest_per_unit(client, priced_product):
    listing = client.get(reverse("catalogue:product-list"), {"q": "阿乐"}).content.decode()
    assert priced_product.code in listing
    assert "¥11.90" in listing and "上海市" in listing  # 宁夏's own 9.00 is not another province's
    assert "¥1.70" in listing  # 11.90 ÷ 7 tablets
    detail = client.get(reverse("catalogue:product-detail", args=[priced_product.code])).content.decode()
    assert 'data-testid="national-lowest">¥11.90' in detail


def test_pages_other_than_the_public_ones_need_a_login(client):
    for name in ["home", "organisations:organisation-list", "workdays:calendar", "catalogue:import-list", "audit-list"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


def test_only_the_provincial_bureau_sees_the_upload_form(world, client):
    client.force_login(world.user("city_bureau"))
    assert 'data-testid="import-form"' not in client.get(reverse("catalogue:import-list")).content.decode()
    assert client.post(reverse("catalogue:import-list")).status_code == 403
    client.force_login(world.user("provincial_reviewer"))
    assert 'data-testid="import-form"' in client.get(reverse("catalogue:import-list")).content.decode()


def test_a_city_bureau_lists_the_hospitals_of_its_region(world, client):
    client.force_login(world.user("city_bureau"))
    home = client.get(reverse("home")).content.decode()
    assert "银川市辖区内的医疗机构" in home
    listing = client.get(
        reverse("organisations:organisation-list"), {"kind": "hospital", "region": world.yinchuan.pk}
    ).content.decode()
    assert "永宁县人民医院" in listing and "宁夏回族自治区人民医院" in listing and "平罗县人民医院" not in listing
