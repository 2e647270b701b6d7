"""The ordering pages: the cart shows the resolved price, the named distributors and a cheaper four-same
price (R-ORD-6); alliance prices import all or nothing; the public batch page (R-ORD-7)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from procurement.orders import services
from procurement.orders.models import AlliancePrice, OfflinePurchase, Order, OrderLine
from tests.orders.conftest import BATCH, report

pytestmark = pytest.mark.django_db


def test_the_cart_orders_at_the_resolved_price(world, listed, buyer, client):
    client.force_login(buyer)
    client.post(reverse("orders:cart-add"), {"product": listed[0].pk, "quantity": 3})
    page = client.get(reverse("orders:cart")).content.decode()
    assert "¥12.60" in page and "¥37.80" in page and world.distributor.name in page
    response = client.post(
        reverse("orders:cart"),
        {f"quantity-{listed[0].pk}": 3, f"distributor-{listed[0].pk}": world.distributor.pk, "order": "1"},
    )
    order = Order.objects.get()
    assert response["Location"] == reverse("orders:order-detail", args=[order.pk])
    assert (order.total, order.lines.get().quantity) == (Decimal("37.80"), 3)
    assert client.session["cart"] == {}


def test_a_cheaper_four_same_price_is_shown_with_both_prices(world, listed, buyer, client):
    product = listed[0]
    AlliancePrice.objects.create(
        platform="吉林省联盟采购平台",
        generic_name=product.generic_name,
        dosage_form=product.dosage_form,
        specification=product.specification,
        manufacturer_name=world.manufacturer.name,
        pack_quantity=14,
        price=Decimal("22.40"),
        effective_date=date(2026, 10, 1),
        imported_by=world.user("platform_admin"),
    )
    client.force_login(buyer)
    client.post(reverse("orders:cart-add"), {"product": product.pk, "quantity": 1})
    page = client.get(reverse("orders:cart")).content.decode()
    # 22.40 for 14 tablets is 11.20 for our pack of 7, against our 12.60.
    assert f'data-testid="alliance-{product.code}"' in page
    assert "¥11.20" in page and "¥12.60" in page and "吉林省联盟采购平台" in page


def test_the_four_same_comparison_rounds_half_up_as_all_money_does(world, listed):
    """Issue 10 #15: 10.0001 for 14 tablets is 5.00005 for our pack of 7 — 5.0001 half up, where Python's
    round() (half to even) says 5.0000."""
    from procurement.orders.selectors import cheaper_on_alliance

    product = listed[0]
    AlliancePrice.objects.create(
        platform="吉林省联盟采购平台",
        generic_name=product.generic_name,
        dosage_form=product.dosage_form,
        specification=product.specification,
        manufacturer_name=world.manufacturer.name,
        pack_quantity=14,
        price=Decimal("10.0001"),
        effective_date=date(2026, 10, 1),
        imported_by=world.user("platform_admin"),
    )
    comparison = cheaper_on_alliance(product, Decimal("12.60"))
    assert (comparison.price, comparison.saving) == (Decimal("5.0001"), Decimal("7.5999"))


ALLIANCE_HEADER = "联盟平台,通用名,剂型,规格,生产企业,包装数量,价格,执行日期\n"
ALLIANCE_ROW = "吉林联盟,阿托伐他汀钙片,片剂,20mg,某药业,7,9.10,2026-10-01\n"


def located(problems) -> list[tuple]:
    return [(p.params.get("row"), p.params.get("column"), p.rule, str(p.message)) for p in problems]


def test_alliance_prices_import_all_or_nothing(world, client):
    """R-ORD-6: any bad row refuses the file; every problem is named with its row and column."""
    client.force_login(world.user("provincial_reviewer"))
    bad = ALLIANCE_HEADER + ALLIANCE_ROW + "吉林联盟,阿托伐他汀钙片,片剂,20mg,,x,abc,昨天\n"
    response = client.post(reverse("orders:alliance"), {"file": SimpleUploadedFile("a.csv", bad.encode())})
    assert response.status_code == 400
    assert located(response.context["problems"]) == [
        (3, "生产企业", None, "该单元格为空。"),
        (3, "包装数量", None, "“x”不是大于零的整数。"),
        (3, "价格", None, "“abc”不是有效价格：请填写大于零的金额（元），最多 4 位小数。"),
        (3, "执行日期", None, "“昨天”不是有效日期：请按 YYYY-MM-DD 填写，例如 2026-09-18。"),
    ]
    assert "“昨天”不是有效日期" in response.content.decode()
    assert not AlliancePrice.objects.exists()
    good = ALLIANCE_HEADER + ALLIANCE_ROW
    client.post(reverse("orders:alliance"), {"file": SimpleUploadedFile("a.csv", good.encode())})
    assert AlliancePrice.objects.get().price == Decimal("9.1000")
    client.force_login(world.user("hospital_buyer"))
    assert client.get(reverse("orders:alliance")).status_code == 403


def test_alliance_prices_load_from_a_gb18030_csv_or_an_xlsx_with_english_headers(world, client):
    client.force_login(world.user("provincial_reviewer"))
    gb18030 = (ALLIANCE_HEADER + ALLIANCE_ROW).encode("gb18030")
    client.post(reverse("orders:alliance"), {"file": SimpleUploadedFile("a.csv", gb18030)})
    assert AlliancePrice.objects.get().generic_name == "阿托伐他汀钙片"
    book = Workbook()
    book.active.append(
        [
            "platform",
            "generic_name",
            "dosage_form",
            "specification",
            "manufacturer",
            "pack_quantity",
            "price",
            "effective_date",
        ]
    )
    book.active.append(["吉林联盟", "阿托伐他汀钙片", "片剂", "20mg", "某药业", 7, 8.75, date(2026, 11, 1)])
    stream = io.BytesIO()
    book.save(stream)
    response = client.post(reverse("orders:alliance"), {"file": SimpleUploadedFile("a.xlsx", stream.getvalue())})
    assert response.status_code == 302
    price = AlliancePrice.objects.get()  # the same four-same product on the same platform: replaced
    assert (price.price, price.effective_date) == (Decimal("8.7500"), date(2026, 11, 1))


def test_the_same_alliance_product_twice_in_a_file_is_refused(world, client):
    """R-ORD-6: one price per four-same product and platform; a second row would silently replace the first."""
    client.force_login(world.user("provincial_reviewer"))
    twice = ALLIANCE_HEADER + ALLIANCE_ROW + ALLIANCE_ROW.replace("9.10", "8.80")
    response = client.post(reverse("orders:alliance"), {"file": SimpleUploadedFile("a.csv", twice.encode())})
    assert located(response.context["problems"]) == [(3, "通用名", "R-ORD-6", "同一产品已在第 2 行。")]
    assert not AlliancePrice.objects.exists()


def _shipped(world, buyer, product, batch_number, quantity=5):
    line = services.order_submit(
        actor=buyer, lines=[services.LineRequest(product.code, quantity, world.distributor.pk)]
    ).order.lines.get()
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    return services.shipment_create(
        actor=world.user("distributor_clerk"),
        line_id=line.pk,
        quantity=quantity,
        inspection_report=report(),
        **{**BATCH, "batch_number": batch_number},
    )


def test_the_public_sees_accepted_batches_at_the_listing_price_and_nothing_else(
    world, listed, buyer, storekeeper, client
):
    """R-ORD-7 (issue 10 #5): only batches a hospital accepted, at the listing price — never the price the
    hospital negotiated; a batch rejected or still waiting is not shown, nor is its report."""
    from negotiation.models import Agreement

    accepted = _shipped(world, buyer, listed[0], "B-ACCEPTED")
    services.shipment_accept(actor=storekeeper, shipment_id=accepted.pk, accepted_quantity=5)
    rejected = _shipped(world, buyer, listed[0], "B-REJECTED")
    services.shipment_accept(actor=storekeeper, shipment_id=rejected.pk, accepted_quantity=0, reason="外包装破损")
    waiting = _shipped(world, buyer, listed[0], "B-WAITING")
    # The hospital's line was priced at 12.60; make it look negotiated to prove the page does not show it.
    OrderLine.objects.filter(pk=accepted.line_id).update(price="11.11", price_source="agreement")
    assert not Agreement.objects.exists()

    page = client.get(reverse("batches:batches")).content.decode()
    for value in ("B-ACCEPTED", listed[0].generic_name, "¥12.60", world.manufacturer.name, world.distributor.name):
        assert value in page
    assert "B-REJECTED" not in page and "B-WAITING" not in page and "¥11.11" not in page
    report_response = client.get(reverse("batches:batch-report", args=[accepted.pk]))
    assert b"".join(report_response.streaming_content).startswith(b"%PDF")
    for hidden in (rejected, waiting):
        assert client.get(reverse("batches:batch-report", args=[hidden.pk])).status_code == 404
    # The distributor that shipped a batch still reaches its report before acceptance.
    client.force_login(world.user("distributor_clerk"))
    assert client.get(reverse("batches:batch-report", args=[waiting.pk])).status_code == 200


def test_offline_purchases_are_reported_by_the_hospital(world, buyer, client):
    """R-ORD-1: purchases made outside the platform are reported as offline, to be counted."""
    client.force_login(buyer)
    client.post(
        reverse("orders:offline"),
        {
            "description": "急救用肾上腺素注射液",
            "quantity": 10,
            "amount": "58.00",
            "purchased_on": "2026-11-01",
            "reason": "夜间急救，平台配送不及",
        },
    )
    purchase = OfflinePurchase.objects.get()
    assert (purchase.hospital, purchase.amount) == (world.hospital, Decimal("58.00"))
    client.force_login(world.user("county_bureau"))
    assert "急救用肾上腺素注射液" in client.get(reverse("orders:offline")).content.decode()
    client.force_login(world.user("other_hospital_admin"))
    assert "急救用肾上腺素注射液" not in client.get(reverse("orders:offline")).content.decode()
