"""A real headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed (bin/test installs Debian's chromium package)")
        pytest.skip("Chromium is not installed: apt-get install -y chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login(page):
    def login_as(username: str, password: str = "Secret-pass-2026"):
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=home-title]")
        return page

    return login_as


@pytest.fixture
def session(browser, live_server):
    """``session(username)``: a new browser context logged in as that user (confirm dialogs accepted);
    returns (context, page). Contexts still open at the end are closed."""
    contexts, violations = [], []

    def open_session(username: str, password: str = "Secret-pass-2026"):
        context = browser.new_context(locale="zh-CN", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("dialog", lambda dialog: dialog.accept())
        page.on("console", lambda message: _record_violation(violations, message))
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=home-title]")
        return context, page

    yield open_session
    for context in contexts:
        context.close()  # a no-op for one the test closed already
    # Issue 11 #14: every journey runs under the Content-Security-Policy; nothing it needs was refused.
    assert violations == []


def _record_violation(violations: list, message) -> None:
    if "Content Security Policy" in message.text:
        violations.append(message.text)


SCREENSHOT_DIR = Path(
    os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / ".artifacts" / "screenshots"
)


@pytest.fixture
def screenshot(request):
    """``screenshot(page, name)``: the whole page saved as ``$SCREENSHOT_DIR/<test>/<name>.png`` (default
    .artifacts/screenshots/, kept out of git) for a person to look at (issue 12); returns the path."""
    folder = SCREENSHOT_DIR / re.sub(r"[^\w.-]+", "_", request.node.name)

    def save(page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
