"""Issue 11 #14: a strict Content-Security-Policy on every page, and no page that would need less."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse

pytestmark = pytest.mark.django_db

INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]*\sstyle\s*=|<style", re.IGNORECASE)


def _our_templates():
    roots = [Path(directory) for directory in engines["django"].engine.dirs]
    roots += [
        Path(settings.BASE_DIR, app, "templates")
        for app in ("listings", "negotiation", "vbp", "filings", "settlement", "supervision")
    ]
    roots += list(Path(settings.BASE_DIR, "procurement").glob("*/templates"))
    for root in roots:
        yield from (path for path in root.rglob("*.html") if path.is_file())


@pytest.mark.parametrize("pattern", [INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE], ids=["handler", "script", "style"])
def test_no_template_of_ours_carries_inline_script_or_style(pattern):
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)[:60]}"
        for path in _our_templates()
        if "drf_spectacular" not in path.parts
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == []


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("name", ["login", "public:public-list", "catalogue:product-list"])
def test_pages_allow_only_the_platforms_own_scripts_and_styles(client, name):
    directives = _directives(client.get(reverse(name)))
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


def test_a_signed_in_page_has_the_policy_too(world, client):
    client.force_login(world.user("hospital_buyer"))
    assert _directives(client.get(reverse("orders:buy")))["script-src"] == ["'self'"]


@pytest.mark.parametrize("name", ["api:docs", "api:redoc"])
def test_the_api_documentation_runs_no_inline_script_and_loads_nothing_from_outside(world, client, name):
    client.force_login(world.user("hospital_admin"))
    response = client.get(reverse(name))
    directives = _directives(response)
    assert directives["script-src"] == ["'self'"]
    html = response.content.decode()
    assert INLINE_SCRIPT.search(html) is None
    assert "googleapis" not in html and "https://" not in html.replace(
        response.wsgi_request.build_absolute_uri("/"), ""
    )
