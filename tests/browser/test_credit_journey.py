"""Issue 9: bureau staff put a company on the bad-record list in the browser; a hospital's buy page
shows its products greyed out with the reason (R-LIST-14) and no way to add them; the public
bad-record page lists the company and until when — in a real Chromium."""

import pytest
from django.utils import timezone

from procurement.credit import services as credit
from procurement.orders import services
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_company_on_the_bad_record_list_is_greyed_out_on_the_buy_page_and_published(
    world, browser, live_server, session
):
    # given: a product of the manufacturer and one of another, both listed and served
    barred = ProductFactory(manufacturer=world.manufacturer, generic_name="阿托伐他汀钙片", specification="20mg")
    other = ProductFactory(manufacturer=world.other_manufacturer, generic_name="阿托伐他汀钙片", specification="10mg")
    for product, clerk in ((barred, "manufacturer_clerk"), (other, "other_manufacturer_clerk")):
        make_listing(product, "12.60")
        services.designation_add(
            actor=world.user(clerk), product=product, region=world.province, distributor=world.distributor
        )
    until = credit.bar_ends_on(timezone.localdate(), years=2)

    # when: bureau staff put the manufacturer on the list, confirming
    bureau_context, bureau = session("provincial_supervisor")
    bureau.goto("/credit/bad-records/")
    form = bureau.locator("[data-testid=bad-record-form]")
    form.locator("select[name=organisation]").select_option(str(world.manufacturer.pk))
    form.locator("textarea[name=reason]").fill("挂网申报提供虚假价格证明材料")
    form.locator("input[name=confirm]").check()
    form.locator("button").click()
    assert f"{world.manufacturer.name} 已列入不良记录名单" in bureau.inner_text(".messages")
    assert world.manufacturer.name in bureau.inner_text("[data-testid=bad-records]")
    bureau_context.close()

    # then: the hospital's buy page shows its product greyed out with the reason, the other orderable
    buyer_context, buyer = session("hospital_buyer")
    buyer.goto("/orders/buy/?q=阿托伐他汀钙片")
    row = buyer.locator(f"[data-testid=offer-{barred.code}]")
    assert row.get_attribute("class") == "unorderable"
    reason = buyer.inner_text(f"[data-testid=refusal-{barred.code}]")
    assert "不良记录" in reason and until.isoformat() in reason
    assert "R-LIST-14" not in reason  # plain words for a hospital (issue 12)
    assert buyer.locator(f"[data-testid=add-{barred.code}]").count() == 0
    buyer.click(f"[data-testid=add-{other.code}]")
    buyer.wait_for_selector("#cart-badge:has-text('(1)')")
    buyer_context.close()

    # and anyone reads the published list
    public_context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    public = public_context.new_page()
    public.goto("/bad-record-list/")
    published = public.inner_text("[data-testid=public-bad-records]")
    assert world.manufacturer.name in published and until.isoformat() in published
    assert "虚假价格证明材料" not in published, "the bureau's own reasons are not published"
    public_context.close()
