"""Issue 5: a hospital asks for a lower price, the manufacturer counters, the hospital accepts and orders at
the agreed price; bureau staff open the price alerts and see the charts — in a real Chromium."""

import pytest
from playwright.sync_api import expect

from procurement.orders import services
from tests.browser.menus import go_to
from tests.factories import HospitalFactory, ProductFactory
from tests.negotiation.test_zoning import agree
from tests.orders.conftest import make_listing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_negotiate_order_at_the_agreed_price_and_see_the_alerts(world, browser, live_server, session):
    product = ProductFactory(
        manufacturer=world.manufacturer,
        generic_name="阿托伐他汀钙片",
        trade_name="立普妥",
        specification="20mg",
        pack_quantity=7,
    )
    make_listing(product, "30.00")
    services.designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.province, distributor=world.distributor
    )
    for price in ("21.00", "24.50", "26.00"):  # three other public hospitals already agreed
        agree(world, HospitalFactory(), product, price)

    # The buyer asks for 24.00 a pack instead of the listing price of 30.00.
    buyer_context, buyer = session("hospital_buyer")
    go_to(buyer, "议价")
    buyer.click("[data-testid=new-request]")
    buyer.fill("#id_product", product.code)
    buyer.fill("#id_price", "24.00")
    buyer.fill("#id_volume", "200")
    buyer.fill("#id_note", "年用量较大")
    buyer.click("[data-testid=request-form] button.primary")
    buyer.wait_for_selector("[data-testid=thread-status]:has-text('议价中')")
    thread_url = buyer.url

    # The manufacturer counters with 27.00.
    maker_context, maker = session("manufacturer_clerk")
    maker.goto(thread_url)
    assert "年用量较大" in maker.inner_text("main")
    maker.fill("[data-testid=counter-price]", "27.00")
    maker.click("[data-testid=counter]")
    maker.wait_for_selector("[data-testid=price-on-table]:has-text('¥27.00')")
    assert "还价已发送" in maker.inner_text(".messages")
    maker_context.close()

    # The buyer accepts, then orders at the agreed price.
    buyer.goto(thread_url)
    buyer.click("[data-testid=accept]")
    buyer.wait_for_selector("[data-testid=thread-status]:has-text('已达成')")
    go_to(buyer, "采购")
    buyer.fill("#id_q", product.code)
    buyer.click("form.filters button")
    buyer.click(f"[data-testid=add-{product.code}]")
    buyer.wait_for_selector("#cart-badge:has-text('(1)')")
    go_to(buyer, "购物车")
    cart = buyer.inner_text("[data-testid=cart-table]")
    assert "¥27.00" in cart and "议价协议价" in cart
    buyer.select_option(f"[data-testid=distributor-{product.code}]", str(world.distributor.pk))
    buyer.click("[data-testid=place-order]")
    assert "订单已提交" in buyer.inner_text(".messages")
    line = buyer.inner_text("main section.card")
    assert "¥27.00" in line and "议价协议价" in line
    buyer_context.close()

    # Bureau staff run the zoning and read the alerts: the trend chart, then the product's distribution.
    bureau_context, bureau = session("provincial_supervisor")
    go_to(bureau, "价格预警")
    bureau.click("text=立即分区")
    bureau.wait_for_selector(".messages:has-text('分区完成')")
    expect(bureau.locator("[data-testid=zone-share-chart][data-chart-ready=true] canvas")).to_have_count(1)
    bureau.click(f"[data-testid=zones] >> text={product.generic_name}")
    bureau.select_option("select[name=hospital]", str(world.hospital.pk))
    bureau.click("form.filters button")
    bureau.wait_for_selector("[data-testid=chart] [data-testid=own-price]")
    chart = bureau.locator("[data-testid=chart]")
    assert chart.locator("circle").count() == 4  # four public hospitals agreed a price for it
    assert chart.locator("[data-testid=own-price]").count() == 1
    # 27.00 / 7 = 3.8571 a tablet, above the peers’ 75th percentile (3.6071): red.
    assert bureau.inner_text("dl.facts [data-testid=zone]") == "红色（调控）"
    bureau_context.close()
