"""Issue 12: the navigation bar is one row of drop-down menus, one per channel, used with the mouse or
the keyboard alone (WAI-ARIA disclosure navigation, static/js/platform.js) — in a real Chromium."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", ["hospital_buyer", "manufacturer_clerk", "provincial_reviewer", "distributor_clerk"])
def test_each_roles_bar_is_one_row(world, session, role):
    # given: a role's home page in a 1280-pixel-wide window
    _context, page = session(role)
    # then: the brand, every item of the bar and the user's menu stand on one line
    tops = page.eval_on_selector_all(
        ".brand, .menubar > li, .header-tools > *", "elements => elements.map(e => e.getBoundingClientRect().top)"
    )
    bottoms = page.eval_on_selector_all(
        ".brand, .menubar > li, .header-tools > *", "elements => elements.map(e => e.getBoundingClientRect().bottom)"
    )
    assert len(tops) >= 5
    assert max(tops) < min(bottoms), "every item overlaps the same horizontal band"
    assert page.locator(".site-header").bounding_box()["height"] < 60


def test_a_menu_opens_and_closes_with_the_keyboard_alone(world, session):
    # given
    _context, page = session("manufacturer_clerk")
    button = page.get_by_role("button", name="挂网管理")
    menu = page.locator("#menu-listings")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    # when: Tab reaches the menu's button, Enter opens it
    for _ in range(10):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    # then
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    # when: the arrows walk the links, Escape closes and gives the focus back
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="待处理通知")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="价格申报")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()
    # when: ArrowDown on the button opens it at its first link; Tab to the second, Enter follows it
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="待处理通知")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # then: the page of the link, its menu marked as the current one
    expect(page.locator("h1")).to_have_text("价格申报")
    expect(page.locator("li.menu.current").get_by_role("button")).to_have_text("挂网管理")


def test_one_menu_is_open_at_a_time_and_a_click_elsewhere_closes_it(world, session):
    # given
    _context, page = session("hospital_buyer")
    purchasing, negotiation = page.locator("#menu-orders"), page.locator("#menu-negotiation")
    # when
    page.get_by_role("button", name="采购交易").click()
    # then
    expect(purchasing.get_by_role("link", name="购物车")).to_be_visible()
    # when: the next menu opens, the first closes
    page.get_by_role("button", name="议价管理").click()
    expect(negotiation).to_be_visible()
    expect(purchasing).to_be_hidden()
    # when: a click on the page closes it
    page.locator("h1").click()
    expect(negotiation).to_be_hidden()
    expect(page.get_by_role("button", name="议价管理")).to_have_attribute("aria-expanded", "false")
