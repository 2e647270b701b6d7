"""Issue 12 (acceptance): each role's daily work in a real Chromium, as the person who does it.

Every journey starts on the role's home page, follows what waits there to the role's work list, does
the day's work including what goes wrong, and ends on a page the role may not reach or does not
exist — the Chinese error page in the site's layout. Assertions use Playwright's retrying ``expect``.
Each journey saves its role's home, work list and a chart page under ``$SCREENSHOT_DIR`` (default
.artifacts/screenshots/, kept out of git) for a person to look at. The manufacturer's declaration and the
buyer's first order are in test_listing_journey and test_order_journey; these add the rest of the day.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from negotiation.models import HospitalZoneDay
from procurement.catalogue.models import NationalPrice, NationalPriceImport
from procurement.core.jobs import run_job
from procurement.orders import services
from procurement.orders.models import Order
from procurement.organisations.choices import OrganisationKind, Role
from tests.browser.menus import go_to
from tests.factories import HospitalFactory, OrganisationFactory, ProductFactory, UserFactory
from tests.negotiation.test_zoning import agree
from tests.orders.conftest import make_listing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4 inspection report"


def _listed(world, *names: str, price: str = "12.60"):
    """Listed products of the manufacturer, served by the distributor across the province."""
    products = []
    for name in names:
        product = ProductFactory(manufacturer=world.manufacturer, generic_name=name, pack_quantity=7)
        make_listing(product, price)
        services.designation_add(
            actor=world.user("manufacturer_clerk"),
            product=product,
            region=world.province,
            distributor=world.distributor,
        )
        products.append(product)
    return products


def _order(world, *lines):
    """An order of the county hospital: ``lines`` are (product, packs)."""
    requests = [services.LineRequest(product.code, packs, world.distributor.pk) for product, packs in lines]
    return services.order_submit(actor=world.user("hospital_buyer"), lines=requests).order


def _ship(world, line, batch: str, packs: int, expires_in_days: int = 700):
    today = timezone.localdate()
    return services.shipment_create(
        actor=world.user("distributor_clerk"),
        line_id=line.pk,
        batch_number=batch,
        production_date=today - timedelta(days=30),
        expiry_date=today + timedelta(days=expires_in_days),
        inspection_report=SimpleUploadedFile(f"{batch}.pdf", PDF, content_type="application/pdf"),
        quantity=packs,
    )


def _zone_days(hospital, days: int = 14):
    """Past nights of red / yellow / blue zoning at ``hospital``, for its chart (tonight's is the job's)."""
    today = timezone.localdate()
    HospitalZoneDay.objects.bulk_create(
        HospitalZoneDay(hospital=hospital, day=today - timedelta(days=n), agreements=6, red=n % 3, yellow=2, blue=1)
        for n in range(1, days + 1)
    )


def _expect_chart(page: Page) -> None:
    chart = page.locator("[data-testid=zone-share-chart]")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart.locator("canvas")).to_have_count(1)


def _expect_not_found_in_the_layout(page: Page, path: str = "/no-such-page/") -> None:
    """Everyone: an unknown page is the Chinese 404 in the site's layout, with the way back home."""
    response = page.goto(path)
    assert response.status == 404
    error = page.locator("[data-testid=error-page]")
    expect(error.locator("h1")).to_have_text("找不到该页面或记录。")
    expect(page.locator("nav.main-nav")).to_be_visible()  # the layout: the role's own navigation
    expect(error.get_by_role("link", name="返回首页")).to_be_visible()


def test_storekeeper_accepts_the_days_deliveries(world, session, screenshot):
    """R-ORD-4: from the home page's 待验收入库 to the list across orders; accept in full, in part with a
    reason, reject with a reason, several at once; the near-expiry batch is marked and comes first."""
    UserFactory(username="keeper", organisation=world.hospital, roles=[Role.HOSPITAL_STOREKEEPER])
    clopidogrel, amlodipine, metformin = _listed(world, "硫酸氢氯吡格雷片", "苯磺酸氨氯地平片", "盐酸二甲双胍片")
    first = _order(world, (clopidogrel, 10), (amlodipine, 6))
    second = _order(world, (metformin, 8))
    for line in [*first.lines.all(), *second.lines.all()]:
        services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    a, b = first.lines.order_by("pk")
    (c,) = second.lines.all()
    _ship(world, a, "DH20260901", 4)
    _ship(world, a, "DH20260902", 6)
    _ship(world, b, "DH20260903", 6)
    _ship(world, c, "DH20260904", 3)
    _ship(world, c, "DH20260905", 5, expires_in_days=60)  # near expiry
    _zone_days(world.hospital)

    # The home page says what waits and leads to it.
    _context, keeper = session("keeper")
    waiting = keeper.locator("[data-testid=waiting-items] li", has_text="待验收入库")
    expect(waiting.locator(".count")).to_have_text("5")
    screenshot(keeper, "home")
    waiting.get_by_role("link").click()
    expect(keeper).to_have_url(re.compile(r"/orders/acceptance/$"))
    rows = keeper.locator("[data-testid=acceptance] tbody tr")
    expect(rows).to_have_count(5)
    # the soonest to expire first, marked; product, distributor, quantity and batch on the row
    expect(rows.first).to_have_attribute("data-testid", "batch-DH20260905")
    expect(rows.first.locator("[data-testid=near-expiry]")).to_have_text("近效期")
    expect(keeper.locator("[data-testid=near-expiry]")).to_have_count(1)
    expect(keeper.locator("[data-testid=batch-DH20260903]")).to_contain_text("苯磺酸氨氯地平片")
    expect(keeper.locator("[data-testid=batch-DH20260903]")).to_contain_text("国药控股宁夏有限公司")
    screenshot(keeper, "work-list")

    # Accept one batch in full.
    keeper.click("[data-testid=accept-DH20260901]")
    expect(keeper.locator(".messages")).to_contain_text("批次 DH20260901 已验收入库 4 盒。")
    expect(rows).to_have_count(4)

    # Accept part of another, with the reason for the rest.
    row = keeper.locator("[data-testid=batch-DH20260902]")
    row.locator("summary", has_text="部分验收").click()
    row.get_by_label("已验收").fill("4")
    row.get_by_label("其余部分的原因").fill("2 盒外包装破损")
    row.locator("[data-testid=accept-part-DH20260902]").click()
    expect(keeper.locator(".messages")).to_contain_text("批次 DH20260902：6 盒中验收入库 4 盒。")
    expect(rows).to_have_count(3)

    # Reject one whole batch (its own button, with a reason).
    row = keeper.locator("[data-testid=batch-DH20260903]")
    row.locator("summary", has_text="拒收").click()
    row.get_by_label("原因", exact=True).fill("冷链温度记录缺失")
    row.locator("[data-testid=reject-DH20260903]").click()
    expect(keeper.locator(".messages")).to_contain_text("批次 DH20260903 已拒收。")
    expect(rows).to_have_count(2)

    # Nothing ticked: told so, nothing accepted; then the last two at once.
    keeper.click("[data-testid=accept-selected]")
    expect(keeper.locator(".messages")).to_contain_text("请勾选要验收的批次。")
    expect(rows).to_have_count(2)
    keeper.check("#select-" + str(c.shipments.get(batch_number="DH20260904").pk))
    keeper.check("#select-" + str(c.shipments.get(batch_number="DH20260905").pk))
    keeper.click("[data-testid=accept-selected]")
    expect(keeper.locator(".messages")).to_contain_text("2 个批次已验收入库")
    expect(keeper.locator("[data-testid=nothing-to-accept]")).to_be_visible()

    # What was decided shows on the order, with the reasons.
    keeper.goto(f"/orders/{first.pk}/")
    shipments = keeper.locator("[data-testid=shipments]")
    expect(shipments).to_contain_text("部分验收")
    expect(shipments).to_contain_text("2 盒外包装破损")
    expect(shipments).to_contain_text("冷链温度记录缺失")

    # The hospital's own price alerts, as a chart.
    keeper.goto(f"/negotiation/alerts/hospitals/{world.hospital.pk}/")
    _expect_chart(keeper)
    screenshot(keeper, "chart")
    _expect_not_found_in_the_layout(keeper)


def test_distributor_confirms_declines_and_ships(world, session, screenshot, tmp_path):
    """R-ORD-4: the line list with date, hospital, product, quantity, amount and state; confirm a line,
    confirm all of an order, decline with a reason; a wrong shipment keeps what was typed and shows the
    error on the field of the line it concerns, each line's form with its own ids."""
    clopidogrel, amlodipine, metformin = _listed(world, "硫酸氢氯吡格雷片", "苯磺酸氨氯地平片", "盐酸二甲双胍片")
    first = _order(world, (clopidogrel, 10), (amlodipine, 6))
    second = _order(world, (metformin, 8), (clopidogrel, 2))
    one, declined = first.lines.order_by("pk")
    report = tmp_path / "检验报告.pdf"
    report.write_bytes(PDF)

    _context, clerk = session("distributor_clerk")
    waiting = clerk.locator("[data-testid=waiting-items] li", has_text="待确认的订单明细")
    expect(waiting.locator(".count")).to_have_text("4")
    screenshot(clerk, "home")
    waiting.get_by_role("link").click()
    lines = clerk.locator("[data-testid=lines] tbody tr")
    expect(lines).to_have_count(4)
    row = clerk.locator(f"[data-testid=line-{one.pk}]")
    for shown in (timezone.localdate().isoformat(), "永宁县人民医院", "硫酸氢氯吡格雷片", "10", "¥126.00", "已提交"):
        expect(row).to_contain_text(shown)
    screenshot(clerk, "work-list")

    # Confirm one line, then all of the second order at once.
    clerk.click(f"[data-testid=confirm-{one.pk}]")
    expect(clerk.locator(".messages")).to_contain_text(f"订单 #{first.pk} 的明细已确认：硫酸氢氯吡格雷片")
    expect(lines).to_have_count(3)  # the list stays filtered on what is left to confirm
    clerk.click(f"[data-testid=confirm-all-{second.pk}]")
    expect(clerk.locator(".messages")).to_contain_text(f"订单 #{second.pk} 的 2 条明细已确认。")
    expect(lines).to_have_count(1)
    # Decline the last with a reason.
    row = clerk.locator(f"[data-testid=line-{declined.pk}]")
    row.locator("summary", has_text="拒绝").click()
    row.get_by_label("原因", exact=True).fill("该品种暂时缺货")
    row.locator(f"[data-testid=decline-{declined.pk}]").click()
    expect(clerk.locator(".messages")).to_contain_text(f"订单 #{first.pk} 的明细已拒绝：苯磺酸氨氯地平片")

    # Ship the second order's two lines: each form has its own ids; a wrong batch keeps what was typed and
    # shows the error beside the field of its own line.
    clerk.goto(f"/orders/{second.pk}/")
    forms = clerk.locator("[data-testid=ship-form]")
    expect(forms).to_have_count(2)
    ids = clerk.eval_on_selector_all(
        "[data-testid=ship-form] input:not([type=hidden])", "inputs => inputs.map(input => input.id)"
    )
    assert len(ids) == 10 and all(ids), ids
    assert len(ids) == len(set(ids)), ids
    line = second.lines.get(product=metformin)
    form = clerk.locator(f"#ship-{line.pk}")
    today = timezone.localdate()
    form.get_by_label("批号").fill("DH20261201")
    form.get_by_label("生产日期").fill(today.isoformat())
    form.get_by_label("有效期至").fill((today - timedelta(days=1)).isoformat())  # before it was made
    form.get_by_label("数量（包装）").fill("8")
    form.get_by_label("检验报告").set_input_files(str(report))
    form.locator("button").click()
    form = clerk.locator(f"#ship-{line.pk}")
    expiry = form.get_by_label("有效期至")
    expect(expiry).to_have_attribute("aria-invalid", "true")
    expect(clerk.locator(f"#{expiry.get_attribute('id')}_error")).to_contain_text("有效期")
    expect(expiry).to_have_value((today - timedelta(days=1)).isoformat())
    expect(form.get_by_label("批号")).to_have_value("DH20261201")
    expect(form.get_by_label("数量（包装）")).to_have_value("8")
    other = second.lines.get(product=clopidogrel)
    expect(clerk.locator(f"#ship-{other.pk} [aria-invalid=true]")).to_have_count(0)  # the other line's form
    expiry.fill((today + timedelta(days=700)).isoformat())
    form.get_by_label("检验报告").set_input_files(str(report))
    form.locator("button").click()
    expect(clerk.locator(".messages")).to_contain_text("批次 DH20261201 已发货 8 盒")
    expect(clerk.locator(f"[data-testid=line-{line.pk}] [data-testid=line-status]")).to_have_text("已发货")
    screenshot(clerk, "order")
    _expect_not_found_in_the_layout(clerk)


def test_buyer_searches_fills_the_cart_orders_and_finds_the_order(world, session, screenshot):
    """R-ORD-3: a line without a chosen distributor says so, naming the product, the select marked; the
    order list shows each order's state and filters by state, date and product."""
    clopidogrel, amlodipine = _listed(world, "硫酸氢氯吡格雷片", "苯磺酸氨氯地平片")
    second_distributor = OrganisationFactory(kind=OrganisationKind.DISTRIBUTOR, name="华润宁夏医药有限公司")
    services.designation_add(  # two may deliver it: the buyer chooses
        actor=world.user("manufacturer_clerk"),
        product=amlodipine,
        region=world.province,
        distributor=second_distributor,
    )
    earlier = _order(world, (amlodipine, 3))
    Order.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - timedelta(days=40))
    services.order_confirm_lines(actor=world.user("distributor_clerk"), order_id=earlier.pk)
    _zone_days(world.hospital)

    _context, buyer = session("hospital_buyer")
    screenshot(buyer, "home")
    go_to(buyer, "采购")
    buyer.fill("#id_q", "氯吡格雷")
    buyer.click("form.filters button")
    offers = buyer.locator("[data-testid=buy-table] tbody tr")
    expect(offers).to_have_count(1)
    buyer.fill(f"[data-testid=offer-{clopidogrel.code}] input[name=quantity]", "5")
    buyer.click(f"[data-testid=add-{clopidogrel.code}]")
    expect(buyer.locator("#cart-badge")).to_contain_text("(1)")
    buyer.fill("#id_q", "")
    buyer.click("form.filters button")
    expect(offers).to_have_count(2)
    buyer.click(f"[data-testid=add-{amlodipine.code}]")
    expect(buyer.locator("#cart-badge")).to_contain_text("(2)")

    # The only distributor of one line is chosen for it; the other's is not chosen: that line says so,
    # naming its product, and nothing is ordered.
    go_to(buyer, "购物车")
    expect(buyer.locator(f"[data-testid=distributor-{clopidogrel.code}]")).to_have_value(str(world.distributor.pk))
    buyer.click("[data-testid=place-order]")
    missing = buyer.locator(f"[data-testid=distributor-{amlodipine.code}]")
    expect(missing).to_have_attribute("aria-invalid", "true")
    expect(buyer.locator(f"[data-testid=distributor-error-{amlodipine.code}]")).to_contain_text("苯磺酸氨氯地平片")
    expect(buyer.locator(f"[data-testid=distributor-{clopidogrel.code}]")).to_have_value(str(world.distributor.pk))
    expect(buyer.locator(f"input[name=quantity-{clopidogrel.pk}]")).to_have_value("5")
    assert Order.objects.count() == 1
    missing.select_option(str(world.distributor.pk))
    buyer.click("[data-testid=place-order]")
    expect(buyer.locator(".messages")).to_contain_text("订单已提交")
    expect(buyer.locator(".messages")).to_contain_text("2 个品种")

    # The order list: each order's state; filtered by state, by date and by product.
    go_to(buyer, "订单")
    orders = buyer.locator("[data-testid=orders] tbody tr")
    expect(orders).to_have_count(2)
    placed = Order.objects.exclude(pk=earlier.pk).get()
    expect(buyer.locator(f"[data-testid=order-{placed.pk}] [data-testid=order-state]")).to_have_text("待确认")
    expect(buyer.locator(f"[data-testid=order-{earlier.pk}] [data-testid=order-state]")).not_to_have_text("待确认")
    screenshot(buyer, "work-list")
    buyer.select_option("#id_state", label="待确认")
    buyer.click("form.filters button")
    expect(orders).to_have_count(1)
    expect(orders.first).to_have_attribute("data-testid", f"order-{placed.pk}")
    buyer.select_option("#id_state", "")
    buyer.fill("#id_ordered_to", (timezone.localdate() - timedelta(days=30)).isoformat())
    buyer.click("form.filters button")
    expect(orders).to_have_count(1)
    expect(orders.first).to_have_attribute("data-testid", f"order-{earlier.pk}")
    buyer.fill("#id_ordered_to", "")
    buyer.fill("#id_q", "lbgl")  # pinyin initials of 氯吡格雷
    buyer.click("form.filters button")
    expect(orders).to_have_count(1)
    expect(orders.first).to_have_attribute("data-testid", f"order-{placed.pk}")
    buyer.fill("#id_q", "不存在的药")
    buyer.click("form.filters button")
    expect(orders).to_have_count(1)
    expect(orders.first).to_contain_text("没有符合条件的订单")

    buyer.goto(f"/negotiation/alerts/hospitals/{world.hospital.pk}/")
    _expect_chart(buyer)
    screenshot(buyer, "chart")
    _expect_not_found_in_the_layout(buyer)


def _zoned_province(world):
    """Agreements at hospitals in both cities, zoned; nights of zoning for the chart."""
    product = ProductFactory(manufacturer=world.manufacturer, generic_name="阿托伐他汀钙片", pack_quantity=7)
    make_listing(product, "30.00")
    for hospital, price in (
        (world.hospital, "27.00"),
        (world.city_hospital, "24.50"),
        (world.other_hospital, "21.00"),
        (HospitalFactory(region=world.pingluo), "26.00"),
    ):
        agree(world, hospital, product, price)
    run_job("zone_agreements", triggered_by="test")
    for hospital in (world.hospital, world.city_hospital, world.other_hospital):
        _zone_days(hospital)
    return product


def test_bureau_reviewer_reviews_reads_the_alerts_and_the_audit_trail(world, session, screenshot):
    """R-LIST-9, R-NEG-6: the reviewer approves a declaration from the queue; the price-alert page draws
    the shares over time and the region table has city subtotals and the province total; the audit
    trail reads in Chinese, the actor named."""
    from listings.services import declaration_create

    product = ProductFactory(manufacturer=world.manufacturer, generic_name="注射用头孢曲松钠", pack_quantity=1)
    feed = NationalPriceImport.objects.create(
        original_name="f.csv", sha256="-", uploaded_by=world.user("platform_admin")
    )
    NationalPrice.objects.create(
        product_code=product.code, province="11", price="18.80", effective_date="2026-09-18", batch=feed
    )
    declaration = declaration_create(
        actor=world.user("manufacturer_clerk"),
        product=product,
        category="not_previously_listed",
        price=Decimal("18.80"),
        submit=True,
        documents=[SimpleUploadedFile("注册证.pdf", PDF, content_type="application/pdf")],
    )
    _zoned_province(world)

    _context, reviewer = session("provincial_reviewer")
    screenshot(reviewer, "home")
    go_to(reviewer, "申报审核")
    expect(reviewer.locator("main")).to_contain_text("注射用头孢曲松钠")
    screenshot(reviewer, "work-list")
    reviewer.get_by_role("link", name=re.compile("注射用头孢曲松钠")).first.click()
    expect(reviewer.locator("[data-testid=declaration-status]")).to_have_text("已提交")
    expect(reviewer.locator("main")).to_contain_text("注册证.pdf")
    reviewer.fill("[data-testid=review-actions] textarea[name=reason] >> nth=0", "不高于全国最低价，同意挂网")
    reviewer.click("[data-testid=approve]")
    expect(reviewer.locator(".messages")).to_contain_text("审核通过")

    # The price alerts: the chart, and the by-region table with subtotals and the province total.
    go_to(reviewer, "价格预警")
    _expect_chart(reviewer)
    screenshot(reviewer, "chart")
    reviewer.get_by_role("link", name="按行政区划").click()
    regions = reviewer.locator("[data-testid=zones] tbody")
    expect(regions.locator("[data-testid=region-city]")).to_have_count(2)
    expect(regions).to_contain_text("银川市小计")
    expect(regions).to_contain_text("石嘴山市小计")
    total = regions.locator("[data-testid=region-total]")
    expect(total).to_contain_text("全省合计")
    expect(total.locator("td").nth(1)).to_have_text("4")
    expect(total).to_contain_text("%")
    screenshot(reviewer, "regions")

    # The audit trail, in Chinese: what was done to the declaration, by whom, fields by their labels.
    go_to(reviewer, "操作日志")
    table = reviewer.locator("[data-testid=audit-table]")
    expect(table).to_be_visible()
    screenshot(reviewer, "audit")
    approval = table.locator("tbody tr", has_text=f"价格申报 #{declaration.pk}").first
    expect(approval).to_contain_text(f"{world.user('provincial_reviewer').full_name}（provincial_reviewer）")
    expect(approval).to_contain_text("修改")
    expect(approval).to_contain_text("状态")
    expect(table).not_to_contain_text("national_lowest")  # the cap's figures are the declaration page's
    expect(table).to_contain_text("修改")
    expect(table).to_contain_text("新增")
    expect(table).to_contain_text("不高于全国最低价，同意挂网")
    expect(table).not_to_contain_text("job:")
    expect(table).not_to_contain_text("status")
    _expect_not_found_in_the_layout(reviewer)


def test_city_bureau_sees_its_region_only(world, session, screenshot):
    """DOMAIN §1 (scoping): the city bureau of 银川市 sees the hospitals and alerts of its region only; a
    page of another region's hospital is refused in the Chinese layout."""
    _zoned_province(world)

    _context, city = session("city_bureau")
    expect(city.locator("main")).to_contain_text("银川市辖区内的医疗机构")
    screenshot(city, "home")
    go_to(city, "价格预警")
    expect(city.locator("[data-testid=region-scope]")).to_have_text("仅显示银川市的数据。")
    _expect_chart(city)
    screenshot(city, "chart")
    city.get_by_role("link", name="按医疗机构").click()
    zones = city.locator("[data-testid=zones]")
    expect(zones).to_contain_text("永宁县人民医院")
    expect(zones).to_contain_text("宁夏回族自治区人民医院")
    expect(zones).not_to_contain_text("平罗县")
    screenshot(city, "work-list")
    city.get_by_role("link", name="按行政区划").click()
    expect(city.locator("[data-testid=zones]")).to_contain_text("银川市小计")
    expect(city.locator("[data-testid=zones]")).not_to_contain_text("石嘴山市")
    expect(city.locator("[data-testid=region-total]")).not_to_contain_text("全省")

    # Another region's hospital: refused, in Chinese, in the layout.
    response = city.goto(f"/negotiation/alerts/hospitals/{world.other_hospital.pk}/")
    assert response.status == 404
    expect(city.locator("[data-testid=error-page] h1")).to_have_text("找不到该页面或记录。")
    expect(city.locator("main")).not_to_contain_text("平罗县")
    expect(city.locator("nav.main-nav")).to_be_visible()
    screenshot(city, "refused")
    _expect_not_found_in_the_layout(city)


def test_manufacturer_declares_with_its_evidence_and_finds_the_declaration_in_progress(world, session, screenshot):
    """R-LIST-2, R-LIST-9: the manufacturer's clerk sees the cap before sending, sends the price with its
    evidence files in the same form (a file of another type refused on its field, what was typed kept), and
    a second declaration of the same product links to the one in progress instead of starting again."""
    product = ProductFactory(
        manufacturer=world.manufacturer, generic_name="瑞舒伐他汀钙片", specification="10mg", pack_quantity=14
    )
    feed = NationalPriceImport.objects.create(
        original_name="f.csv", sha256="-", uploaded_by=world.user("platform_admin")
    )
    NationalPrice.objects.create(
        product_code=product.code, province="33", price="15.40", effective_date="2026-09-18", batch=feed
    )

    _context, maker = session("manufacturer_clerk")
    expect(maker.locator("main")).to_be_visible()
    screenshot(maker, "home")
    go_to(maker, "价格申报")
    expect(maker.locator("h1")).to_be_visible()
    screenshot(maker, "work-list")
    maker.get_by_role("link", name="新增申报").click()
    maker.select_option("#id_product", str(product.pk))
    maker.select_option("#id_category", "not_previously_listed")
    expect(maker.locator("[data-testid=cap-value]")).to_contain_text("¥15.40")
    expect(maker.locator("[data-testid=cap-source]")).to_contain_text("浙江省")
    maker.fill("#id_price", "15.40")

    # A file that is not a PDF or an image: refused on its field, the rest of the form as typed.
    maker.set_input_files(
        "#id_documents", files=[{"name": "报价说明.txt", "mimeType": "text/plain", "buffer": b"plain text"}]
    )
    maker.click("button[name=submit]")
    documents_error = maker.locator(".has-error", has=maker.locator("#id_documents")).locator(".errorlist")
    expect(documents_error).to_contain_text("PDF")
    expect(maker.locator("#id_price")).to_have_value("15.40")
    expect(maker.locator("#id_product")).to_have_value(str(product.pk))

    # The evidence in the same form as the price.
    maker.set_input_files(
        "#id_documents",
        files=[
            {"name": "药品注册证.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "浙江省挂网价截图.pdf", "mimeType": "application/pdf", "buffer": PDF},
        ],
    )
    maker.click("button[name=submit]")
    expect(maker.locator("[data-testid=declaration-status]")).to_have_text("已提交")
    expect(maker.locator("main")).to_contain_text("药品注册证.pdf")
    expect(maker.locator("main")).to_contain_text("浙江省挂网价截图.pdf")
    first = maker.url
    screenshot(maker, "declaration")

    # The same product again: the message links to the declaration in progress.
    go_to(maker, "价格申报")
    maker.get_by_role("link", name="新增申报").click()
    maker.select_option("#id_product", str(product.pk))
    maker.select_option("#id_category", "not_previously_listed")
    maker.fill("#id_price", "15.00")
    maker.click("button[name=submit]")
    existing = maker.locator("[data-testid=existing-declaration]")
    expect(existing).to_have_text("打开正在进行的申报")
    existing.click()
    expect(maker).to_have_url(first)
    expect(maker.locator("[data-testid=declaration-status]")).to_have_text("已提交")
    _expect_not_found_in_the_layout(maker)
