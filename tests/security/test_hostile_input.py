"""Issue 11 #9: hostile input never reaches a 500 — on every route, for every kind of reader.

The routes are walked from the URL configuration (pages and the API alike), so a new route is covered
without anyone adding it to a list. Each is asked, by an anonymous visitor and by each party, with
query parameters and posted fields (its own filters' names and the usual ones) holding what breaks
careless code: a NUL byte, "NaN", full-width digits, a number past any column, a date that does not
exist, a year out of range, another party's or no object's id. The answer may be anything but a 5xx.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "i18n/", "api/v1/schema", "api/v1/docs", "api/v1/redoc", "static/", "media/")
COMMON_NAMES = [
    "q",
    "ordering",
    "page",
    "page_size",
    "year",
    "cursor",
    "status",
    "product",
    "product_code",
    "code",
    "hospital",
    "manufacturer",
    "distributor",
    "region",
    "province",
    "category",
    "kind",
    "on",
    "date",
    "start",
    "days",
    "since",
    "order",
    "line",
    "price",
    "quantity",
    "reason",
    "note",
    "decision",
    "next",
    "id",
    "ids",
    "listing",
    "declaration",
    "answer",
    "amount",
    "severity",
    "until",
    "language",
]
HOSTILE = {
    "nul": "a\x00b",
    "nan": "NaN",
    "fullwidth": "１２",
    "huge": "9" * 40,
    "negative": "-1",
    "date": "2026-02-30",
    "year": "99999",
    "quote": "'\"<script>",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _concrete(path: str) -> str | None:
    """A path to request for a pattern: ids of no object, words for words; None to leave it out."""
    if "(?P<format>" in path or "\\.(?P<" in path:
        return None
    path = path.lstrip("^").rstrip("$")
    path = re.sub(r"<int:[a-z_]+>", "999999", path)
    path = re.sub(r"<str:action>", "approve", path)
    path = re.sub(r"<(str|slug|path):[a-z_]+>", "X0000", path)
    path = re.sub(r"\(\?P<pk>[^)]*\)", "999999", path)
    path = re.sub(r"\(\?P<[a-z_]+>[^)]*\)", "X0000", path)
    path = path.replace("\\.", ".").replace("^", "").replace("$", "")
    return "/" + path


def _filter_names(entry: URLPattern) -> list[str]:
    view = getattr(entry.callback, "view_class", None) or getattr(entry.callback, "cls", None)
    filterset = getattr(view, "filterset_class", None)
    names = list(getattr(filterset, "base_filters", {}) or {}) if filterset else []
    names += list(getattr(view, "filterset_fields", None) or [])
    return names


def _routes():
    seen = {}
    for pattern, entry in _walk(get_resolver().url_patterns):
        if pattern.startswith(SKIPPED_PREFIXES) or pattern.lstrip("^").startswith(SKIPPED_PREFIXES):
            continue
        path = _concrete(pattern)
        if path is not None and path not in seen:
            seen[path] = sorted(set(COMMON_NAMES + _filter_names(entry)))
    return sorted(seen.items())


ROUTES = _routes()
READERS = [
    None,
    "hospital_buyer",
    "hospital_admin",
    "manufacturer_clerk",
    "distributor_clerk",
    "county_bureau",
    "provincial_reviewer",
]


def test_the_walk_finds_the_pages_and_the_api():
    paths = [path for path, _names in ROUTES]
    assert len(paths) > 80
    assert "/orders/cart/add/" in paths and "/api/v1/orders/999999/" in paths and "/calendar/" in paths


@pytest.mark.parametrize(("path", "names"), ROUTES, ids=[path for path, _ in ROUTES])
def test_no_hostile_request_gets_a_server_error(world, client, path, names):
    client.raise_request_exception = False  # a fault is a 500 answer here, listed with the others
    failures = []
    for reader in READERS:
        client.logout()
        if reader:
            client.force_login(world.user(reader))
        for label, value in HOSTILE.items():
            fields = dict.fromkeys(names, value)
            for method in ("get", "post"):
                response = getattr(client, method)(path, fields)
                if response.status_code >= 500:
                    failures.append(
                        f"{method.upper()} {path} as {reader or 'anonymous'} with {label}: {response.status_code}"
                    )
        if path.startswith("/api/"):
            for body in ("[1]", '"text"', '{"reason": 12, "lines": "x", "quantity": "NaN"}', "{bad json"):
                response = client.post(path, body, content_type="application/json")
                if response.status_code >= 500:
                    failures.append(f"POST {path} as {reader or 'anonymous'} with body {body}: {response.status_code}")
    assert not failures, "\n".join(failures)
