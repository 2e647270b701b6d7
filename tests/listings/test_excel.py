"""Declarations by Excel: the template round trip, a broken row refusing the whole file (R-LIST-9)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from listings import excel
from listings.choices import DeclarationStatus, ListingCategory
from listings.models import Declaration
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(world, feed):
    made = [ProductFactory(manufacturer=world.manufacturer) for _ in range(3)]
    for product in made:
        feed(product.code, "11", "10.00")
    return made


def filled(world, client, rows):
    """Download the template as the clerk, fill ``rows`` in, return the file."""
    client.force_login(world.user("manufacturer_clerk"))
    response = client.get(reverse("listings:declaration-template"))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    stream.name = "declarations.xlsx"
    return stream


def test_the_template_lists_our_products_and_offers_the_categories(world, client, products):
    client.force_login(world.user("manufacturer_clerk"))
    workbook = load_workbook(io.BytesIO(client.get(reverse("listings:declaration-template")).content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == excel.HEADER
    ours = {row[0] for row in workbook.worksheets[2].iter_rows(min_row=2, values_only=True)}
    assert ours == {product.code for product in products}
    categories = [row[0] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert len(categories) == 8
    assert workbook.worksheets[0].data_validations.dataValidation  # the category drop-down


def test_a_broken_row_refuses_the_whole_file_and_every_problem_is_named(world, client, products):
    label = str(ListingCategory.NOT_PREVIOUSLY_LISTED.label)
    stream = filled(
        world,
        client,
        [
            [products[0].code, label, 10.00, "good"],
            [products[1].code, label, 10.01, "one fen above the national lowest"],
            [products[2].code, "不存在的类别", 5, ""],
            ["XA01", label, 5, ""],
            [products[0].code, label, "abc", ""],
        ],
    )
    response = client.post(reverse("listings:declaration-import"), {"file": stream})
    assert response.status_code == 400
    problems = [(p.row, p.column, p.rule) for p in response.context["problems"]]
    assert problems == [
        (3, "申报价格（元/包装）", "R-LIST-2"),
        (4, "申报类别", ""),
        (5, "医保药品代码", ""),
        (6, "医保药品代码", ""),  # the same product as row 2
        (6, "申报价格（元/包装）", ""),
    ]
    assert "¥10.00" in response.content.decode()  # the cap is named
    assert not Declaration.objects.exists()


def test_a_correct_file_submits_every_row(world, client, products):
    label = str(ListingCategory.NOT_PREVIOUSLY_LISTED.label)
    stream = filled(world, client, [[product.code, label, 9.5, "批量申报"] for product in products])
    response = client.post(reverse("listings:declaration-import"), {"file": stream})
    assert response.status_code == 302
    declarations = Declaration.objects.order_by("product__code")
    assert [(d.status, d.price, d.cap) for d in declarations] == [
        (DeclarationStatus.SUBMITTED, Decimal("9.5000"), Decimal("10.0000"))
    ] * 3


def test_another_manufacturers_product_is_refused(world, client, products):
    foreign = ProductFactory(manufacturer=world.other_manufacturer)
    stream = filled(world, client, [[foreign.code, str(ListingCategory.INNOVATIVE.label), 1, ""]])
    response = client.post(reverse("listings:declaration-import"), {"file": stream})
    assert [p.message for p in response.context["problems"]] == ["该产品不是本企业的产品。"]


def test_the_api_import_reports_rows_in_the_error_format(world, api_as, client, products):
    stream = filled(world, client, [[products[0].code, str(ListingCategory.NOT_PREVIOUSLY_LISTED.label), 11, ""]])
    response = api_as(world.user("manufacturer_clerk")).post(
        reverse("api:declaration-import"), {"file": stream}, format="multipart"
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["rule"], error["params"]["row"]) == ("row 2: 申报价格（元/包装）", "R-LIST-2", 2)
