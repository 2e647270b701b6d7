"""Errors in the one shape everywhere (issue 11 #10, #12; issue 12): JSON under /api/ — an unknown URL,
a body over the limit, the database out of reach, an unexpected fault — and a page in the site's
layout, in Chinese, with the way back, elsewhere."""

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.DEBUG = False  # the error handlers Django uses when not debugging
    return settings


def test_an_unknown_api_url_is_a_json_404(production, api_client):
    response = api_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_an_unknown_page_is_a_chinese_page_in_the_sites_layout(production, world, client):
    client.force_login(world.user("hospital_buyer"))
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and 'data-testid="error-page"' in page
    assert "找不到" in page and reverse("home") in page and "main-nav" in page


def test_a_forbidden_page_is_a_chinese_page(production, world, client):
    client.force_login(world.user("hospital_buyer"))
    response = client.get(reverse("listings:review"))
    assert response.status_code == 403 and "无权" in response.content.decode()


def test_the_database_out_of_reach_is_a_503_in_the_error_shape(production, world, client, api_as, monkeypatch):
    from procurement.organisations.api import views as organisation_views

    def unreachable(request):
        raise OperationalError("connection to server at 127.0.0.1 failed: timeout expired")

    monkeypatch.setattr(organisation_views.MeView, "get", lambda self, request: unreachable(request))
    response = api_as(world.user("hospital_buyer")).get("/api/v1/me/")
    assert response.status_code == 503 and response.json()["errors"][0]["code"] == "unavailable"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_a_body_over_the_limit_is_a_413_in_the_error_shape(production, world, api_as):
    response = api_as(world.user("hospital_buyer")).post(
        "/api/v1/orders/", data='{"lines": [' + '{"product_code": "x"},' * 50 + "]}", content_type="application/json"
    )
    assert response.status_code == 413 and response.json()["errors"][0]["code"] == "too_large"


def test_a_statement_timeout_is_set_for_the_web_processes(settings):
    """Issue 11 #12: STATEMENT_TIMEOUT_SECONDS bounds a request's statements (docker-compose, bin/demo)."""
    import subprocess
    import sys

    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'procurement.settings'); django.setup();"
        "from django.db import connection; c = connection.cursor(); c.execute('SHOW statement_timeout');"
        "print(c.fetchone()[0])"
    )
    import os

    shown = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "STATEMENT_TIMEOUT_SECONDS": "7"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shown == "7s"
