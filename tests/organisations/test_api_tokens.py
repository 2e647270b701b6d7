"""HIS API keys (R-ORD-5): bound to one hospital, stored hashed, revocable."""

import pytest
from django.urls import reverse

from procurement.catalogue.models import NationalPriceImport
from procurement.core.errors import PermissionDenied
from procurement.core.scoping import visible_to
from procurement.organisations import services
from procurement.organisations.choices import Role
from procurement.organisations.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(world):
    return services.api_token_create(actor=world.user("hospital_admin"), hospital=world.hospital, name="门诊 HIS")


def test_the_key_is_stored_only_as_a_digest(issued):
    token, key = issued
    stored = ApiToken.objects.get(pk=token.pk)
    assert key.startswith(f"his_{stored.prefix}_")
    assert stored.digest == hash_token(key)
    assert all(key not in str(value) for row in ApiToken.objects.values() for value in row.values())


def test_a_key_authenticates_as_its_hospital(issued, api_client, world):
    token, key = issued
    response = api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    body = response.json()
    assert body["organisation"]["name"] == "永宁县人民医院"
    assert body["roles"] == [Role.HIS_CLIENT]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_key_acts_within_its_hospitals_scope_only(issued, world):
    token, _key = issued
    services.api_token_create(actor=world.user("city_hospital_admin"), hospital=world.city_hospital, name="其他")
    his_user = token.user
    assert his_user.organisation == world.hospital
    assert list(visible_to(his_user, ApiToken).values_list("name", flat=True)) == ["门诊 HIS"]
    assert not visible_to(his_user, NationalPriceImport).exists()


@pytest.mark.parametrize(
    "header",
    ["Token his_000000000000_" + "a" * 43, "Token not-a-key", "Token", "Token a b"],
)
def test_unknown_or_malformed_keys_are_refused(issued, api_client, header):
    response = api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_a_right_prefix_with_a_wrong_secret_is_refused(issued, api_client):
    _token, key = issued
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {forged}").status_code == 401


def test_a_revoked_key_is_refused_at_once(issued, api_client, world):
    token, key = issued
    services.api_token_revoke(actor=world.user("hospital_admin"), token_id=token.pk, reason="换新系统")
    response = api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert "revoked" in response.json()["errors"][0]["message"] or "吊销" in response.json()["errors"][0]["message"]


def test_a_key_of_a_deactivated_hospital_is_refused(issued, api_client, world):
    _token, key = issued
    world.hospital.is_active = False
    world.hospital.save()
    assert api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_only_the_hospitals_administrator_issues_keys(world):
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=world.user("hospital_buyer"), hospital=world.hospital, name="x")
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=world.user("city_hospital_admin"), hospital=world.hospital, name="x")
    assert not ApiToken.objects.exists()


def test_keys_are_issued_to_hospitals_only(world):
    from procurement.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.api_token_create(actor=world.user("platform_admin"), hospital=world.manufacturer, name="x")
    assert refused.value.problems[0].field == "hospital"


def test_the_page_shows_the_key_once_and_then_only_its_prefix(world, client):
    client.force_login(world.user("hospital_admin"))
    created = client.post(reverse("organisations:token-list"), {"name": "住院 HIS"})
    token = ApiToken.objects.get(name="住院 HIS")
    page = created.content.decode()
    key = page.split('data-testid="new-key">')[1].split("<")[0]
    assert token.digest == hash_token(key)
    listing = client.get(reverse("organisations:token-list")).content.decode()
    assert token.prefix in listing and key not in listing


def test_revoking_from_the_page_asks_first_and_records_why(world, client, issued):
    token, _key = issued
    client.force_login(world.user("hospital_admin"))
    confirm = client.get(reverse("organisations:token-revoke", args=[token.pk]))
    assert confirm.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is None  # a GET only asks
    client.post(reverse("organisations:token-revoke", args=[token.pk]), {"reason": "密钥泄露"})
    token.refresh_from_db()
    assert token.revoked_by == world.user("hospital_admin")
    event = token.events.order_by("-pgh_id").first()
    assert event.pgh_context["reason"] == "密钥泄露"
    assert event.pgh_context["username"] == "hospital_admin"
