"""Issue 14 in a real Chromium: the bureau defines and opens a provincial round, two manufacturers bid sealed,
the hospital reports its demand, the round opens at its time, the results are public, the hospital orders
the winner at its contract price and sees its completion rise (R-VBP-2, R-VBP-5, R-VBP-8, R-VBP-9)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from procurement.orders import services as order_services
from procurement.orders.models import OrderLine
from procurement.organisations.choices import Role
from tests.factories import UserFactory
from tests.orders.conftest import BATCH, report
from tests.vbp.conftest import atorvastatin  # noqa: F401  (a fixture)
from vbp.models import Contract, Round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_round_from_definition_to_completion(world, atorvastatin, browser, live_server, session):  # noqa: F811
    mine, _other_strength, theirs = atorvastatin
    # The bureau defines the round, its unit, and opens it for bids.
    bureau_context, bureau = session("provincial_reviewer")
    bureau.click("nav.main-nav >> text=带量采购")
    bureau.click("text=新建省级集采批次")
    deadline = timezone.localtime() + timedelta(hours=2)
    bureau.fill("#id_name", "2026年省级集采（演练）")
    bureau.fill("#id_bid_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    bureau.fill("#id_opening_at", (deadline + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    start = timezone.localdate() - timedelta(days=30)
    bureau.fill("#id_valid_from", start.isoformat())
    bureau.fill("#id_valid_until", (start.replace(year=start.year + 2) - timedelta(days=1)).isoformat())
    bureau.click("form.card button.primary")
    bureau.wait_for_selector("[data-testid=round-status]:has-text('编制中')")
    round_url = bureau.url
    bureau.fill("#id_generic_name", "阿托伐他汀钙片")
    bureau.fill("#id_route", "口服")
    bureau.fill("#id_reference_specification", "20mg")
    bureau.fill("#id_max_unit_price", "1.0000")
    bureau.click("form.card >> text=添加")
    bureau.wait_for_selector("text=阿托伐他汀钙片（口服）")
    bureau.click("[data-testid=start-bidding]")
    bureau.wait_for_selector("[data-testid=round-status]:has-text('报价中')")

    # Two manufacturers bid, sealed; each sees its receipt, not a price.
    for clerk, product, price in (
        ("manufacturer_clerk", mine, "3.50"),
        ("other_manufacturer_clerk", theirs, "6.30"),
    ):
        context, maker = session(clerk)
        maker.goto(round_url)
        maker.fill("input[name=product_code]", product.code)
        maker.fill("input[name=price]", price)
        maker.click("form.inline >> text=报价")
        maker.wait_for_selector("[data-testid=receipt]")
        assert price not in maker.inner_text("main")
        context.close()
    bureau.reload()
    assert "3.50" not in bureau.inner_text("main") and "6.30" not in bureau.inner_text("main")

    # The hospital reports its demand; the bureau sets the base as reported.
    buyer_context, buyer = session("hospital_buyer")
    buyer.goto(round_url)
    buyer.click("text=阿托伐他汀钙片（口服）")
    unit_url = buyer.url
    buyer.fill("#id_reported_units", "7300")
    buyer.click("form.card >> text=上报")
    buyer.wait_for_selector(".messages:has-text('需求量已报送')")
    bureau.goto(unit_url)
    bureau.click("form.inline >> text=核定")
    bureau.wait_for_selector(".messages:has-text('基数已核定')")

    # The opening time comes (moved forward in time here), the bureau opens; the results are public.
    now = timezone.now()
    Round.objects.update(bid_deadline=now - timedelta(minutes=2), opening_at=now - timedelta(minutes=1))
    bureau.goto(round_url)
    bureau.click("[data-testid=open-round]")
    bureau.wait_for_selector("[data-testid=round-status]:has-text('已开标')")
    bureau_context.close()
    public = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    public.goto("/vbp-results/")
    public.click("text=2026年省级集采（演练）")
    results = public.inner_text("main")
    assert "¥3.50" in results and "¥6.30" in results and "中选" in results

    # The hospital orders the winner: quoted at its contract price (2 winners: 7,300 × 60 % = 4,380, 2,190 each).
    contract = Contract.objects.get(hospital=world.hospital, product=mine)
    assert contract.volume_units == 2190
    buyer.click("nav.main-nav >> text=采购")
    buyer.fill("#id_q", mine.code)
    buyer.click("form.filters button")
    buyer.click(f"[data-testid=add-{mine.code}]")
    buyer.wait_for_selector("#cart-badge:has-text('(1)')")
    buyer.click("nav.main-nav >> text=购物车")
    assert "¥3.50" in buyer.inner_text("[data-testid=cart-table]")
    buyer.select_option(f"[data-testid=distributor-{mine.code}]", str(world.distributor.pk))
    buyer.click("[data-testid=place-order]")
    assert "订单已提交" in buyer.inner_text(".messages")
    # delivered and accepted (the distributor's and the storekeeper's pages are the orders app's own)
    line = OrderLine.objects.get(product=mine)
    distributor = world.user("distributor_clerk")
    order_services.line_confirm(actor=distributor, line_id=line.pk)
    shipment = order_services.shipment_create(
        actor=distributor, line_id=line.pk, quantity=1, inspection_report=report(), **BATCH
    )
    keeper = UserFactory(organisation=world.hospital, roles=[Role.HOSPITAL_STOREKEEPER])
    order_services.shipment_accept(actor=keeper, shipment_id=shipment.pk, accepted_quantity=1)
    # The hospital sees its completion: 7 tablets of 2,190.
    buyer.goto(f"/vbp/contracts/{contract.pk}/")
    assert buyer.inner_text("[data-testid=completion]") == "7"
    assert buyer.locator("[data-testid=chart] polyline").count() == 2
    buyer_context.close()
