"""Following the navigation bar as a person does: open the item's menu, then click the item."""

import re

from playwright.sync_api import Page


def go_to(page: Page, label: str) -> None:
    """Click the bar's item ``label``: directly when it is a link of the bar, else after opening the
    drop-down menu that holds it."""
    nav = page.locator("nav.main-nav")
    # a role locator skips hidden elements (the links of a closed menu): the menu is found by the text
    link = page.locator(f'a:text-is("{label}")')
    own_link = nav.locator(".menubar > li > a").filter(has_text=re.compile(f"^{re.escape(label)}$"))
    if not own_link.count():
        nav.locator("li.menu").filter(has=link).locator("[data-menu-button]").click()
    nav.get_by_role("link", name=label, exact=True).click()


def log_out(page: Page) -> None:
    page.locator("[data-testid=current-user]").click()
    page.get_by_role("button", name="退出").click()
