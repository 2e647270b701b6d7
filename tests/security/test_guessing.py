"""Logins and keys cannot be guessed without limit, and the API is throttled (issue 11 #6)."""

import os
import uuid

import pytest
from django.urls import reverse

from procurement.organisations import services as organisation_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["memory", "redis"])
def counters(request, settings):
    """Every test twice: counts in the process's memory (the embedded demo) and in Redis (production)."""
    if request.param == "redis":
        if not os.environ.get("TEST_REDIS_URL"):
            pytest.skip("no Redis for this run (TEST_REDIS_URL)")
        settings.REDIS_URL = os.environ["TEST_REDIS_URL"]
    else:
        settings.REDIS_URL = ""
    return request.param


@pytest.fixture
def address():
    """A client address of the test's own: counts of other tests (and runs) never reach it."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def _sign_in(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_after_the_failure_limit_even_the_right_password_is_refused(world, client, settings, address):
    settings.AXES_FAILURE_LIMIT = 5
    answers = [_sign_in(client, "hospital_buyer", "wrong-password", address).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks
    locked = _sign_in(client, "hospital_buyer", "Secret-pass-2026", address)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "locked-out" in locked.content.decode()


def test_a_user_name_guessed_from_many_addresses_is_locked_too(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for number in range(5):
        _sign_in(client, "manufacturer_clerk", "wrong", f"192.0.2.{number}")
    assert _sign_in(client, "manufacturer_clerk", "Secret-pass-2026", "198.51.100.7").status_code == 429


def test_one_address_spraying_user_names_is_locked(world, client, settings, address):
    settings.AXES_FAILURE_LIMIT = 5
    for name in ["a", "b", "c", "d", "e"]:
        _sign_in(client, name, "wrong", address)
    assert _sign_in(client, "distributor_clerk", "Secret-pass-2026", address).status_code == 429


def test_fewer_failures_than_the_limit_then_the_right_password_signs_in(world, client, settings, address):
    settings.AXES_FAILURE_LIMIT = 5
    for _attempt in range(4):
        _sign_in(client, "county_bureau", "wrong", address)
    assert _sign_in(client, "county_bureau", "Secret-pass-2026", address).status_code == 302
    assert client.session["_auth_user_id"] == str(world.user("county_bureau").pk)


def test_a_forwarded_for_header_does_not_escape_the_lock(world, client, settings, address):
    """Without a trusted proxy the address is the peer's, whatever X-Forwarded-For claims."""
    settings.AXES_FAILURE_LIMIT = 3
    for number in range(3):
        client.post(
            reverse("login"),
            {"username": f"x{number}", "password": "wrong"},
            REMOTE_ADDR=address,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )
    assert _sign_in(client, "hospital_admin", "Secret-pass-2026", address).status_code == 429


def test_unknown_his_keys_from_one_address_lock_it_out_the_right_key_included(world, client, settings, address):
    settings.HIS_KEY_FAILURES = "5/15m"
    _token, key = organisation_services.api_token_create(
        actor=world.user("hospital_admin"), hospital=world.hospital, name="HIS"
    )
    url = reverse("api:me")
    for number in range(5):
        guess = client.get(url, HTTP_AUTHORIZATION=f"Token {key[:-4]}{number:04d}", REMOTE_ADDR=address)
        assert guess.status_code == 401
    refused = client.get(url, HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=address)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["errors"][0]["code"] == "throttled"
    # Another address (the hospital's own HIS) is not affected.
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="192.0.2.200").status_code == 200


def test_a_his_key_is_throttled_beyond_its_rate(world, client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"his": "3/minute", "user": "1000/minute", "anon": "1000/minute"},
    }
    _token, key = organisation_services.api_token_create(
        actor=world.user("hospital_admin"), hospital=world.hospital, name="HIS"
    )
    url = reverse("api:me")
    answers = [client.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_anonymous_api_requests_are_throttled_by_address(world, client, settings, address):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"his": "1000/minute", "user": "1000/minute", "anon": "2/minute"},
    }
    url = reverse("api:product-list")
    answers = [client.get(url, REMOTE_ADDR=address).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert client.get(url, REMOTE_ADDR="192.0.2.201").status_code == 200
