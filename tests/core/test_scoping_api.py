"""STYLE.md §5: every API endpoint fetches through the scope, so another party's object is a 404."""

import pytest
from django.urls import reverse

from procurement.catalogue.models import NationalPriceImport
from tests.core.test_scoping import EVERY_ROLE

pytestmark = pytest.mark.django_db


def test_every_list_endpoint_answers_every_role_without_leaking(world, api_as):
    batch = NationalPriceImport.objects.create(
        original_name="feed.csv", sha256="0" * 64, uploaded_by=world.user("platform_admin")
    )
    provincial = {"platform_admin", "provincial_reviewer", "provincial_supervisor"}
    for role in EVERY_ROLE:
        client = api_as(world.user(role))
        for name in [
            "api:region-list",
            "api:organisation-list",
            "api:product-list",
            "api:national-price-list",
            "api:national-price-import-list",
            "api:me",
        ]:
            assert client.get(reverse(name)).status_code == 200, (role, name)
        detail = client.get(reverse("api:national-price-import-detail", args=[batch.pk]))
        assert detail.status_code == (200 if role in provincial else 404), role
        listed = client.get(reverse("api:national-price-import-list")).json()["count"]
        assert listed == (1 if role in provincial else 0), role


def test_the_api_refuses_anonymous_requests_except_public_data(world, api_client):
    assert api_client.get(reverse("api:product-list")).status_code == 200
    assert api_client.get(reverse("api:national-price-list")).status_code == 200
    response = api_client.get(reverse("api:organisation-list"))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"
    assert api_client.get(reverse("api:national-price-import-list")).status_code == 401


def test_a_hospital_cannot_revoke_another_hospitals_key(world, client):
    from procurement.organisations import services

    token, _key = services.api_token_create(
        actor=world.user("city_hospital_admin"), hospital=world.city_hospital, name="门诊 HIS"
    )
    client.force_login(world.user("hospital_admin"))
    response = client.post(reverse("organisations:token-revoke", args=[token.pk]), {"reason": "attempt"})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
