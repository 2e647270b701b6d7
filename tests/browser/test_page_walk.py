"""Issue 12: every page each demo role can reach, walked in Chromium.

Logged in as each demo user, the walk follows the same-site links it finds from the home page
(GET only; one page per URL pattern, so a list of forty orders costs one visit to an order page) and
asserts on each: no status ≥ 400 (a link shown to a role leads somewhere it may go), no console error and no uncaught script error, visible text mostly
Chinese (codes, numbers, units and acronyms aside), and no serious or critical accessibility
violation found by axe-core (tests/browser/vendor, added as an init script through the DevTools
protocol, so the page's own Content-Security-Policy stays as strict as in production).
"""

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from procurement.organisations.seed import DEMO_PASSWORD, DEMO_USERS
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the same browser as every journey)

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Not pages: downloads, the back office (Django's own, in English by design), the API, sign-out.
SKIPPED = re.compile(
    r"^/(admin|api|static|media|accounts/logout|i18n)/|[?&](format|export)=|\.(xlsx|pdf|csv|png|jpg|svg|ico)(\?|$)"
)

# A word of Latin letters that counts as English text: not a code (digits), not an acronym (capitals).
ENGLISH_WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]{2,}\b")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Names Chinese users write in Latin letters too.
NAMES = {"Excel", "xlsx", "csv"}

# The page's visible text without what is meant literally (file columns, codes: <code>, <kbd>, <samp>).
VISIBLE_TEXT = """() => {
    const root = (document.querySelector('main') || document.body).cloneNode(true);
    root.querySelectorAll('code, kbd, samp, .code, script, template').forEach(node => node.remove());
    return root.innerText || root.textContent;
}"""

AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.id} (${v.impact}): ${v.help} — ` + v.nodes.slice(0, 3).map(
            n => n.target.join(' ') + ' ' + ((n.any[0] || n.all[0] || {}).message || '')).join('; '));
}"""


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def english_share(text: str) -> float:
    """The share of English letters among the page's letters (Chinese characters and English words)."""
    english = sum(len(word) for word in ENGLISH_WORD.findall(text) if word not in NAMES)
    chinese = len(CJK.findall(text))
    return english / max(english + chinese, 1)


def walk(browser, base_url: str, username: str, limit: int = 60) -> tuple[list[str], list[str]]:
    """Visit the pages ``username`` reaches; returns (pages visited, problems found)."""
    context = browser.new_context(locale="zh-CN", base_url=base_url)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    problems: list[str] = []
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=home-title]")
    queue, seen_patterns, visited = ["/"], set(), []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        name = pattern_of(urlsplit(path).path)
        if name is None or name in seen_patterns:
            continue
        seen_patterns.add(name)
        errors.clear()
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):  # a file, not a page
                continue
            raise
        visited.append(path)
        status = response.status if response else 0
        if status >= 400 or status == 0:  # a link the role is shown leads where it may not go, or nowhere
            problems.append(f"{path}: status {status}")
            continue
        page.wait_for_load_state("load")
        for error in errors:
            problems.append(f"{path}: console error: {error}")
        text = page.evaluate(VISIBLE_TEXT)
        share = english_share(text)
        if share > 0.1:
            words = sorted(set(ENGLISH_WORD.findall(text)) - NAMES)[:12]
            problems.append(f"{path}: {share:.0%} of the text is English: {words}")
        for violation in page.evaluate(AXE_RUN):
            problems.append(f"{path}: {violation}")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIPPED.search(href):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    context.close()
    return visited, problems


@pytest.fixture
def demo(statutory_calendar):
    call_command("seed_demo", stdout=io.StringIO())


def test_every_page_each_demo_role_reaches_is_sound(demo, browser, live_server):
    """Issue 12: no server error, no console error, mostly Chinese, no serious or critical axe finding."""
    problems, reached = [], {}
    for username, *_rest in DEMO_USERS:
        visited, found = walk(browser, live_server.url, username)
        reached[username] = len(visited)
        problems += [f"{username} {problem}" for problem in found]
    # The walk reaches each role's work, not only its home page.
    assert all(count >= 5 for count in reached.values()), reached
    assert not problems, "\n".join(problems)
