"""Declarations by Excel: the template round trip, a broken row refusing the whole file (R-LIST-9)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

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


def located(problems) -> list[tuple]:
    """(row, column, rule, message) of each problem, as the import page's table shows them."""
    return [(p.params.get("row"), p.params.get("column"), p.rule, str(p.message)) for p in problems]


def test_a_broken_row_refuses_the_whole_file_and_every_problem_is_named(world, client, products):
    """R-LIST-9: a price above its cap is refused with the cap; any bad row refuses every row."""
    # given
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
            [None, label, 5, "no code"],
        ],
    )
    # when
    response = client.post(reverse("listings:declaration-import"), {"file": stream})
    # then
    assert response.status_code == 400
    problems = located(response.context["problems"])
    assert [problem[:3] for problem in problems] == [
        (3, "申报价格（元/包装）", "R-LIST-2"),
        (4, "申报类别", None),
        (5, "医保药品代码", None),
        (6, "医保药品代码", None),  # the same product as row 2
        (6, "申报价格（元/包装）", None),
        (7, "医保药品代码", None),
    ]
    assert "¥10.01" in problems[0][3] and "¥10.00" in problems[0][3]  # the price and the cap are named
    assert problems[1][3] == "无法识别的申报类别“不存在的类别”：请从下拉列表中选择。"
    assert problems[2][3] == "未知的国家医保药品代码“XA01”。"
    assert problems[3][3] == "同一产品已在第 2 行。"
    assert problems[4][3] == "“abc”不是有效价格：请填写大于零的金额（元），最多 4 位小数。"
    assert problems[5][3] == "该单元格为空。"
    page = response.content.decode()
    assert 'data-testid="import-problems"' in page and "6 个问题：全部未提交" in page
    # a manufacturer's table has no "rule" column: rule IDs are for bureau staff (issue 12)
    assert '<td class="num">7</td><td>医保药品代码</td><td>该单元格为空。</td>' in page
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


def test_a_price_equal_to_the_cap_is_accepted(world, client, products):
    """R-LIST-2: declared ≤ national lowest; the boundary is allowed."""
    stream = filled(world, client, [[products[0].code, "R-LIST-2", "10.00", ""]])
    assert client.post(reverse("listings:declaration-import"), {"file": stream}).status_code == 302
    assert Declaration.objects.get().price == Decimal("10.0000")


def test_the_category_may_be_written_in_english_or_by_its_rule(world, client, products):
    stream = filled(
        world,
        client,
        [[products[0].code, "Not previously listed", 9, ""], [products[1].code, "R-LIST-2", 9, ""]],
    )
    assert client.post(reverse("listings:declaration-import"), {"file": stream}).status_code == 302
    assert set(Declaration.objects.values_list("category", flat=True)) == {ListingCategory.NOT_PREVIOUSLY_LISTED}


def test_another_manufacturers_product_is_refused(world, client, products):
    foreign = ProductFactory(manufacturer=world.other_manufacturer)
    stream = filled(world, client, [[foreign.code, str(ListingCategory.INNOVATIVE.label), 1, ""]])
    response = client.post(reverse("listings:declaration-import"), {"file": stream})
    assert located(response.context["problems"]) == [(2, "医保药品代码", None, "该产品不是本企业的产品。")]
    assert not Declaration.objects.exists()


def test_a_product_with_a_declaration_in_progress_is_refused(world, client, products):
    label = str(ListingCategory.NOT_PREVIOUSLY_LISTED.label)
    client.post(
        reverse("listings:declaration-import"), {"file": filled(world, client, [[products[0].code, label, 9, ""]])}
    )
    stream = filled(world, client, [[products[1].code, label, 9, ""], [products[0].code, label, 9, ""]])
    response = client.post(reverse("listings:declaration-import"), {"file": stream})
    assert located(response.context["problems"]) == [(3, "医保药品代码", None, "该产品已有未完成的申报。")]
    assert Declaration.objects.count() == 1


def test_a_rule_only_the_service_checks_names_every_row_and_undoes_them_all(world, client, products):
    """R-LIST-14: a barred company declares nothing; each row is named and no row is kept."""
    from procurement.credit import services as credit_services

    credit_services.bad_record_add(
        actor=world.user("platform_admin"),
        organisation=world.manufacturer,
        starts_on=timezone.localdate(),
        reason="提供虚假证明材料",
    )
    label = str(ListingCategory.NOT_PREVIOUSLY_LISTED.label)
    stream = filled(world, client, [[products[0].code, label, 9, ""], [products[1].code, label, 9, ""]])
    response = client.post(reverse("listings:declaration-import"), {"file": stream})
    assert [(row, column, rule) for row, column, rule, _message in located(response.context["problems"])] == [
        (2, "医保药品代码", "R-LIST-14"),
        (3, "医保药品代码", "R-LIST-14"),
    ]
    assert not Declaration.objects.exists()


def test_a_file_without_the_price_column_is_refused_at_the_header(world, client, products):
    workbook = Workbook()
    workbook.active.append(["医保药品代码", "申报类别"])
    workbook.active.append([products[0].code, "R-LIST-2"])
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    stream.name = "declarations.xlsx"
    client.force_login(world.user("manufacturer_clerk"))
    response = client.post(reverse("listings:declaration-import"), {"file": stream})
    [(row, column, _rule, message)] = located(response.context["problems"])
    assert (row, column) == (1, "申报价格（元/包装）") and message.startswith("表头缺少“申报价格（元/包装）”列")
    assert not Declaration.objects.exists()


def test_the_api_import_reports_rows_in_the_error_format(world, api_as, client, products):
    stream = filled(
        world,
        client,
        [[products[0].code, str(ListingCategory.NOT_PREVIOUSLY_LISTED.label), 11, ""], [products[1].code, "?", 9, ""]],
    )
    response = api_as(world.user("manufacturer_clerk")).post(
        reverse("api:declaration-import"), {"file": stream}, format="multipart"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["field"], e["rule"], e["code"], e["params"]["row"], e["params"]["column"]) for e in errors] == [
        ("file", "R-LIST-2", "above_cap", 2, "申报价格（元/包装）"),
        ("file", None, "invalid", 3, "申报类别"),
    ]
    assert errors[0]["params"]["cap"] == "10.0000"
    assert not Declaration.objects.exists()
