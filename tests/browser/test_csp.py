"""Issue 11 #14: with the strict Content-Security-Policy (no inline script), a page still asks before
an irreversible action — and sends nothing when the answer is no — and the language switch still
switches, in a real Chromium."""

import pytest

from procurement.orders.models import Order
from procurement.orders.services import designation_add
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_confirmation_sends_nothing_and_an_accepted_one_orders(world, browser, live_server):
    product = ProductFactory(manufacturer=world.manufacturer, generic_name="阿莫西林胶囊", specification="0.25g")
    make_listing(product, "8.80")
    designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.province, distributor=world.distributor
    )
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations, answers = [], iter([False, True])
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.on("dialog", lambda dialog: dialog.accept() if next(answers) else dialog.dismiss())
    page.goto("/accounts/login/")
    page.fill("#id_username", "hospital_buyer")
    page.fill("#id_password", "Secret-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=home-title]")

    page.goto(f"/orders/buy/?q={product.code}")
    page.click(f"[data-testid=add-{product.code}]")
    page.wait_for_selector("#cart-badge:has-text('(1)')")
    page.goto("/orders/cart/")
    page.select_option(f"[data-testid=distributor-{product.code}]", str(world.distributor.pk))

    page.click("[data-testid=place-order]")  # answered "no"
    assert page.url.endswith("/orders/cart/")
    assert not Order.objects.filter(hospital=world.hospital).exists()

    page.click("[data-testid=place-order]")  # answered "yes"
    page.wait_for_selector(".messages")
    assert Order.objects.filter(hospital=world.hospital).count() == 1

    page.select_option("#language-select", "en")
    page.wait_for_selector("html[lang=en]")
    assert "Log out" in page.text_content("header")
    assert violations == []
    context.close()
