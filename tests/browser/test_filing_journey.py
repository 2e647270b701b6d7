"""Issue 13: a hospital files a purchase, the provincial bureau confirms it in the month's batch, the hospital
orders it at the filed price, and another hospital sees it refused with the reason — in a real Chromium."""

import pytest
from playwright.sync_api import expect

from filings.models import Filing
from procurement.orders import services as order_services
from procurement.organisations.choices import Role
from tests.factories import ProductFactory, UserFactory
from tests.listings.conftest import feed  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_file_confirm_order_and_refuse_another(world, feed, tmp_path, session):  # noqa: F811
    product = ProductFactory(
        manufacturer=world.manufacturer,
        generic_name="注射用两性霉素B脂质体",
        dosage_form="注射剂",
        specification="10mg",
        pack_quantity=1,
        minimum_unit="支",
    )
    feed(product.code, "33", "380.00")
    order_services.designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.province, distributor=world.distributor
    )
    UserFactory(username="other_buyer", organisation=world.city_hospital, roles=[Role.HOSPITAL_BUYER])
    need = tmp_path / "临床需求说明.pdf"
    need.write_bytes(b"%PDF-1.4 clinical need")

    # The county hospital's buyer files: first one fen above the national lowest (refused with the figures),
    # then at the national lowest.
    buyer_context, buyer = session("hospital_buyer")
    buyer.goto("/filings/new/")
    form = buyer.locator("[data-testid=filing-form]")
    form.locator("input[name=product]").fill(product.code)
    form.locator("select[name=basis]").select_option("unlisted")
    form.locator("textarea[name=reason]").fill("肾功能不全的侵袭性真菌感染患者需要脂质体剂型")
    form.locator("input[name=quantity]").fill("20")
    form.locator("input[name=months]").fill("6")
    form.locator("input[name=price]").fill("380.01")
    form.locator("input[name=documents]").set_input_files(str(need))
    buyer.click("[data-testid=submit-filing]")
    errors = buyer.inner_text("[data-testid=filing-form] .errorlist")
    assert "¥380.01" in errors and "¥380.00" in errors and "浙江省" in errors
    assert not Filing.objects.exists()
    form = buyer.locator("[data-testid=filing-form]")
    form.locator("input[name=price]").fill("380.00")
    form.locator("input[name=documents]").set_input_files(str(need))
    buyer.click("[data-testid=submit-filing]")
    buyer.wait_for_selector("[data-testid=filing-status]")
    filing = Filing.objects.get()
    assert buyer.inner_text("[data-testid=filed-price]") == "¥380.00"

    # Before the batch the product cannot be ordered.
    buyer.goto(f"/orders/buy/?q={product.code}")
    assert buyer.locator(f"[data-testid=add-{product.code}]").count() == 0

    # The provincial reviewer confirms it in the month's batch.
    reviewer_context, reviewer = session("provincial_reviewer")
    reviewer.goto("/filings/batch/")
    reviewer.select_option(f"[data-testid=decision-{filing.pk}]", "approve")
    reviewer.click("[data-testid=confirm-batch]")
    reviewer.wait_for_selector("[data-testid=batch-done]")
    filing.refresh_from_db()
    assert filing.status == "approved"
    # and reads the month's report per region, its chart drawn by ECharts
    reviewer.goto("/filings/report/")
    assert "¥7,600.00" in reviewer.inner_text("[data-testid=report-total]")
    expect(reviewer.locator("[data-testid=report-chart][data-chart-ready=true] canvas")).to_have_count(1)
    reviewer_context.close()

    # The buyer orders it at the filed price.
    buyer.goto(f"/orders/buy/?q={product.code}")
    row = buyer.locator(f"[data-testid=offer-{product.code}]")
    assert "¥380.00" in row.inner_text()
    row.locator("input[name=quantity]").fill("2")
    buyer.click(f"[data-testid=add-{product.code}]")
    buyer.wait_for_selector("#cart-badge:has-text('(1)')")
    buyer.goto("/orders/cart/")
    buyer.select_option(f"[data-testid=distributor-{product.code}]", str(world.distributor.pk))
    buyer.click("[data-testid=place-order]")
    buyer.wait_for_selector(".messages")
    line = world.hospital.orders.get().lines.get()
    assert (str(line.price), line.price_source, line.price_reference) == ("380.0000", "filing", f"filing:{filing.pk}")
    buyer_context.close()

    # Another hospital sees it greyed out with the reason.
    other_context, other = session("other_buyer")
    other.goto(f"/orders/buy/?q={product.code}")
    refusal = other.inner_text(f"[data-testid=refusal-{product.code}]")
    assert refusal.strip() and "R-FIL-3" not in refusal  # the reason in plain words for a hospital (issue 12)
    assert other.locator(f"[data-testid=add-{product.code}]").count() == 0
    other_context.close()
