"""Issue 4: a hospital buyer finds a product and orders it, the distributor ships it with a batch, the
buyer accepts it, and the public batch page shows the batch — in a real Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from procurement.orders import services
from tests.browser.menus import go_to, log_out
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_order_ship_accept_and_disclose(world, browser, live_server, tmp_path, session):
    product = ProductFactory(
        manufacturer=world.manufacturer,
        generic_name="硫酸氢氯吡格雷片",
        trade_name="泰嘉",
        specification="75mg",
        pack_quantity=7,
    )
    make_listing(product, "12.60")
    services.designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.province, distributor=world.distributor
    )
    report = tmp_path / "检验报告-B26110001.pdf"
    report.write_bytes(b"%PDF-1.4 inspection report of batch B26110001")

    # The buyer finds the product by its pinyin initials and orders 4 packs.
    buyer_context, buyer = session("hospital_buyer")
    go_to(buyer, "采购")
    buyer.fill("#id_q", "lbgl")
    buyer.click("form.filters button")
    buyer.fill(f"[data-testid=buy-table] tr:has-text('{product.code}') input[name=quantity]", "4")
    buyer.click(f"[data-testid=add-{product.code}]")
    expect(buyer.locator("#cart-badge")).to_contain_text("(1)")
    # Issue 12: the cart is kept on the server — it survives logging out and is there on another device.
    log_out(buyer)
    expect(buyer.locator("#id_username")).to_be_visible()
    buyer_context.close()
    buyer_context, buyer = session("hospital_buyer")
    go_to(buyer, "购物车")
    expect(buyer.locator("[data-testid=cart-table]")).to_contain_text("¥12.60")
    expect(buyer.locator(f"input[name=quantity-{product.pk}]")).to_have_value("4")
    buyer.select_option(f"[data-testid=distributor-{product.code}]", str(world.distributor.pk))
    buyer.click("[data-testid=place-order]")
    assert "订单已提交" in buyer.inner_text(".messages")
    order_url = buyer.url

    # The distributor confirms and ships one batch with its inspection report.
    distributor_context, distributor = session("distributor_clerk")
    distributor.goto(order_url)
    distributor.click("[data-testid=confirm]")
    expiry = (timezone.localdate() + timedelta(days=700)).isoformat()
    form = distributor.locator("[data-testid=ship-form]")
    form.get_by_label("批号").fill("B26110001")
    form.get_by_label("生产日期").fill("2026-10-01")
    form.get_by_label("有效期至").fill(expiry)
    form.get_by_label("数量（包装）").fill("5")  # one more than the line's 4 packs
    form.get_by_label("检验报告").set_input_files(str(report))
    form.locator("button").click()
    # Issue 12: the wrong shipment keeps what was typed and shows the error on the quantity field.
    form = distributor.locator("[data-testid=ship-form]")
    quantity = form.get_by_label("数量（包装）")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(quantity).to_have_value("5")
    expect(distributor.locator(f"#{quantity.get_attribute('id')}_error")).to_contain_text("4")
    expect(form.get_by_label("批号")).to_have_value("B26110001")
    expect(form.get_by_label("有效期至")).to_have_value(expiry)
    quantity.fill("4")
    form.get_by_label("检验报告").set_input_files(str(report))
    form.locator("button").click()
    expect(distributor.locator(".messages")).to_contain_text("批次 B26110001 已发货 4 盒")
    expect(distributor.locator("[data-testid=line-status]")).to_have_text("已发货")
    distributor_context.close()

    # The buyer accepts the batch into stock.
    buyer.goto(order_url)
    buyer.click("[data-testid=accept]")
    assert buyer.inner_text("[data-testid=shipment-status]") == "已验收入库"
    assert buyer.inner_text("[data-testid=line-status]") == "已完成"
    buyer_context.close()

    # Anyone sees the batch on the public page.
    public_context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    public = public_context.new_page()
    public.goto("/batches/?q=B26110001")
    row = public.locator("[data-testid=batches] tbody tr").first
    text = row.inner_text()
    assert "硫酸氢氯吡格雷片" in text and "¥12.60" in text and world.distributor.name in text and expiry in text
    with public.expect_download() as download:
        row.locator("text=下载").click()
    assert download.value.suggested_filename.endswith(".pdf")
    public_context.close()
