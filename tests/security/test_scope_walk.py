"""Issue 11: scope on every route, automatically — for every demo role, another party's object is not
found, on every page and API route that takes an id, and a write by the wrong party changes nothing.

Nothing here lists the routes: they are walked from the URL configuration, and the model each route is
about is found by asking it (as the platform administrator, who sees everything) for one object of
each model. So a new route is covered the day it is added. The ids of every table are spread apart
before the demo data is seeded (model i numbers its rows from i × 1,000,000), so an id names exactly
one row of one table: a route given another party's id can only answer that it does not exist.

Also: every API list answers each role only rows it may see (`visible_to`), page after page.
"""

import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from procurement.core.scoping import ScopeRule, visible_to

pytestmark = pytest.mark.django_db

OUR_APPS = {
    "core",
    "organisations",
    "catalogue",
    "workdays",
    "orders",
    "credit",
    "web",
    "listings",
    "negotiation",
    "vbp",
    "filings",
    "settlement",
    "supervision",
}
SKIPPED = ("admin/", "i18n/", "api/v1/schema", "api/v1/docs", "api/v1/redoc")
# Parties that see less than everything (the provincial bureau and the administrator see every row).
ROLES = [
    None,
    "city.bureau",
    "county.bureau",
    "hospital.buyer",
    "hospital.keeper",
    "county.hospital.buyer",
    "maker.clerk",
    "distributor.clerk",
]
NOT_FOUND_OR_REFUSED = {400, 401, 403, 404, 405}


def _organisation_private_words(pk) -> set[str]:
    from procurement.organisations.models import User

    return set(User.objects.filter(organisation_id=pk).values_list("username", flat=True))


def _directories():
    from procurement.organisations.models import Organisation

    # Models whose pages read through a wider, public directory (names), never the party's own data.
    return {Organisation: _organisation_private_words}


DIRECTORIES = {}
ACTION = re.compile(r"\{% url '([a-z_-]+:[a-z_-]+)' [^%]*?'([a-z_]+)' %\}")


def _scoped_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        and isinstance(getattr(model, "scope_rule", None), ScopeRule)
        and not model.scope_rule.public
    ]


def _spread_ids():
    numbered = [
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and isinstance(model._meta.pk, models.AutoField)
    ]
    with connection.cursor() as cursor:
        for index, model in enumerate(sorted(numbered, key=lambda m: m._meta.db_table), start=1):
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s, false)",
                [model._meta.db_table, model._meta.pk.column, index * 1_000_000],
            )


def _actions_in_templates() -> dict[str, set[str]]:
    from pathlib import Path

    from django.conf import settings

    found: dict[str, set[str]] = {}
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for name, action in ACTION.findall(path.read_text()):
            found.setdefault(name, set()).add(action)
    return found


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}:{entry.name}" if namespace else entry.name, entry


def _id_routes():
    """(name, path with {id}, entry) of every route taking one id (and, for actions, each action)."""
    actions = _actions_in_templates()
    routes = []
    for pattern, name, entry in _walk(get_resolver().url_patterns):
        bare = pattern.lstrip("^")
        if bare.startswith(SKIPPED) or "(?P<format>" in pattern:
            continue
        path = re.sub(r"<int:[a-z_]+>", "{id}", pattern)
        path = re.sub(r"\(\?P<pk>[^)]*\)", "{id}", path)
        if path.count("{id}") != 1 or re.search(r"<(str|slug|path):(?!action)", path) or "(?P<" in path:
            continue
        path = "/" + path.lstrip("^").rstrip("$").replace("\\.", ".")
        if "<str:action>" in path:
            routes += [
                (f"{name}:{action}", path.replace("<str:action>", action), entry) for action in actions.get(name, ())
            ]
        else:
            routes.append((name, path, entry))
    return routes


def _api_model(entry):
    view = getattr(entry.callback, "cls", None)
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


def _fingerprint(model) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.\"{model._meta.pk.column}\"), ''))"
            f" FROM {connection.ops.quote_name(model._meta.db_table)} t"
        )
        return cursor.fetchone()[0]


def _post(client, path):
    """A POST answered inside a savepoint rolled back after: the probe leaves no trace."""
    with transaction.atomic():
        response = client.post(path, {"reason": "scope probe", "quantity": "1"})
        transaction.set_rollback(True)
    return response


def _route_models(admin: Client, routes, scoped, faults: list) -> dict[str, type]:
    """Which model each route is about: the one whose object the administrator gets a 2xx/3xx for.
    Any 5xx on the way is a fault of its own (``faults``)."""
    samples = {model: model._default_manager.order_by("pk").values_list("pk", flat=True).first() for model in scoped}
    found = {}
    for name, path, entry in routes:
        model = _api_model(entry)
        if model is not None:
            found[name] = model
            continue
        for candidate, pk in samples.items():
            if pk is None:
                continue
            response = admin.get(path.format(id=pk))
            if response.status_code == 405:
                response = _post(admin, path.format(id=pk))
            if response.status_code >= 500:
                faults.append(f"{path.format(id=pk)} as the administrator: {response.status_code}")
            if response.status_code < 400 and response.status_code != 405:
                found[name] = candidate
                break
    return found


@pytest.fixture
def demo(statutory_calendar):
    _spread_ids()
    call_command("seed_demo", stdout=io.StringIO())
    from procurement.organisations.models import User

    return {user.username: user for user in User.objects.all()}


def test_every_route_keeps_every_role_to_its_own(demo):
    DIRECTORIES.update(_directories())
    scoped = _scoped_models()
    routes = _id_routes()
    admin = Client(raise_request_exception=False)
    admin.force_login(demo["admin"])
    failures = []
    route_models = _route_models(admin, routes, scoped, failures)
    # The walk reaches the pages and the API of every channel built so far.
    assert len(route_models) >= 40, sorted({name for name, _path, _entry in routes} - set(route_models))
    assert {"orders:order-detail", "api:order-detail", "listings:declaration-detail", "api:agreement-detail"} <= set(
        route_models
    )
    for role in ROLES:
        client = Client(raise_request_exception=False)
        user = demo[role] if role else None
        if user is not None:
            client.force_login(user)
        for name, path, _entry in routes:
            model = route_models.get(name)
            if model is None:
                continue
            hidden = model._default_manager.exclude(pk__in=visible_to(user, model).values("pk"))
            candidates = list(hidden.order_by("pk").values_list("pk", flat=True)[:50])
            if model in DIRECTORIES:  # an entry whose party has accounts, so that their absence means something
                candidates = [pk for pk in candidates if DIRECTORIES[model](pk)] or candidates
            pk = candidates[0] if candidates else None
            if pk is None:
                continue
            url = path.format(id=pk)
            answer = client.get(url)
            got = answer.status_code
            if model in DIRECTORIES and got == 200:
                # A directory entry is public by design (issue 11 #1); the party's own data is not.
                leaked = DIRECTORIES[model](pk) & set(re.findall(r"[\w.]+", answer.content.decode()))
                if leaked:
                    failures.append(f"GET {url} as {role or 'anonymous'} shows {sorted(leaked)[:3]}")
            elif got not in NOT_FOUND_OR_REFUSED and not (role is None and got == 302):
                failures.append(f"GET {url} ({model.__name__} of another party) as {role or 'anonymous'}: {got}")
            with transaction.atomic():
                before = _fingerprint(model)
                response = client.post(url, {"reason": "scope probe", "quantity": "1"})
                after = _fingerprint(model)
                transaction.set_rollback(True)
            if after != before:
                failures.append(f"POST {url} as {role or 'anonymous'} changed another party's {model.__name__}")
            if response.status_code < 300:
                failures.append(f"POST {url} as {role or 'anonymous'}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_every_api_list_answers_each_role_only_rows_it_may_see(demo):
    lists = [
        (name, "/" + pattern.lstrip("^").rstrip("$"), _api_model(entry))
        for pattern, name, entry in _walk(get_resolver().url_patterns)
        if name and name.startswith("api:") and name.endswith("-list") and _api_model(entry) is not None
    ]
    assert len(lists) > 15
    failures = []
    for role in ROLES:
        client = Client(raise_request_exception=False)
        user = demo[role] if role else None
        if user is not None:
            client.force_login(user)
        for name, path, model in lists:
            allowed = set(visible_to(user, model).values_list("pk", flat=True))
            response = client.get(path, {"page_size": 500})
            if response.status_code != 200:
                continue
            body = response.json()
            rows = body.get("results", body) if isinstance(body, dict) else body
            leaked = [row["id"] for row in rows if isinstance(row, dict) and "id" in row and row["id"] not in allowed]
            if leaked:
                failures.append(f"{name} as {role or 'anonymous'}: {len(leaked)} rows of others, e.g. {leaked[:3]}")
    assert not failures, "\n".join(failures)
