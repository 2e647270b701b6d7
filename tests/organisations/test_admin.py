"""The back office refuses a role the organisation cannot give, on the form, changing nothing."""

import pytest
from django.urls import reverse

from procurement.organisations.models import User

pytestmark = pytest.mark.django_db


def test_a_clerk_role_cannot_be_given_to_a_hospital_account(world, client):
    client.force_login(world.user("platform_admin"))
    response = client.post(
        reverse("admin:organisations_user_add"),
        {
            "username": "new.clerk",
            "password1": "Long-enough-2026!",
            "password2": "Long-enough-2026!",
            "organisation": world.hospital.pk,
            "roles": "manufacturer_clerk",
        },
    )
    assert response.status_code == 200
    assert "manufacturer_clerk" in response.content.decode()
    assert not User.objects.filter(username="new.clerk").exists()


def test_a_fitting_role_is_accepted(world, client):
    client.force_login(world.user("platform_admin"))
    response = client.post(
        reverse("admin:organisations_user_add"),
        {
            "username": "new.buyer",
            "password1": "Long-enough-2026!",
            "password2": "Long-enough-2026!",
            "organisation": world.hospital.pk,
            "roles": "hospital_buyer",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="new.buyer").roles == ["hospital_buyer"]
