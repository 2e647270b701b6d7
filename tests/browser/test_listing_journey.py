"""Issue 3: a manufacturer declares above its cap and sees why, declares a compliant price, the bureau
approves it, and the public page shows it — in a real Chromium."""

import pytest
from playwright.sync_api import expect

from procurement.catalogue.models import NationalPrice, NationalPriceImport
from tests.browser.menus import go_to
from tests.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_declare_refused_then_compliant_approved_and_public(world, browser, live_server, session):
    product = ProductFactory(
        manufacturer=world.manufacturer,
        generic_name="阿托伐他汀钙片",
        trade_name="阿乐",
        specification="20mg",
        pack_quantity=7,
    )
    batch = NationalPriceImport.objects.create(
        original_name="f.csv", sha256="-", uploaded_by=world.user("platform_admin")
    )
    NationalPrice.objects.create(
        product_code=product.code, province="11", price="9.00", effective_date="2026-09-18", batch=batch
    )

    # The manufacturer's clerk declares 9.50 where the national lowest is 9.00.
    maker_context, maker = session("manufacturer_clerk")
    go_to(maker, "价格申报")
    maker.click("text=新增申报")
    maker.select_option("#id_product", str(product.pk))
    maker.select_option("#id_category", "not_previously_listed")
    # Issue 12: the cap and its source are shown before submitting (htmx, as the choice changes).
    expect(maker.locator("[data-testid=cap-value]")).to_contain_text("¥9.00")
    expect(maker.locator("[data-testid=cap-source]")).to_contain_text("北京市")
    maker.fill("#id_price", "9.50")
    maker.click("button[name=submit]")
    error = maker.inner_text(".has-error .errorlist")
    assert "¥9.50" in error and "¥9.00" in error and "北京市" in error and "R-LIST-2" not in error
    # … and a compliant 9.00.
    maker.fill("#id_price", "9.00")
    maker.click("button[name=submit]")
    assert maker.inner_text("[data-testid=declaration-status]") == "已提交"
    assert "全国最低价：北京市" in maker.inner_text("[data-testid=cap-check]")
    maker_context.close()

    # The bureau's reviewer approves it from the review queue.
    bureau_context, bureau = session("provincial_reviewer")
    go_to(bureau, "申报审核")
    bureau.click(f"text={product.generic_name} {product.pack_description}")
    bureau.fill("[data-testid=review-actions] textarea[name=reason] >> nth=0", "价格合规")
    bureau.click("[data-testid=approve]")
    assert "审核通过" in bureau.inner_text(".messages")
    bureau_context.close()

    # Anyone sees it listed, found by the pinyin initials with a typo.
    public_context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    public = public_context.new_page()
    public.goto("/listed/?q=atfts")
    row = public.locator("[data-testid=public-listings] tbody tr", has_text=product.code)
    assert row.locator("[data-testid=listing-price]").inner_text() == "¥9.00"
    assert "阿乐" in row.inner_text() and "北京市" in row.inner_text()
    public_context.close()
