"""Users change their own password; administrators reset it; passwords as a government platform needs
them (issue 11 #15)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_user_changes_their_own_password(world, client):
    user = world.user("hospital_buyer")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "Secret-pass-2026", "new_password1": "Xin-mima-2027!", "new_password2": "Xin-mima-2027!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xin-mima-2027!")


@pytest.mark.parametrize("password", ["12345678", "password", "abcdefgh", "abcd1234", "Short1!"])
def test_simple_passwords_are_refused(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=world.user("hospital_buyer"))


def test_the_demo_password_is_strong_enough(world):
    validate_password("Demo@2026", user=world.user("hospital_buyer"))


def test_an_administrator_resets_a_password_in_the_back_office(world, client):
    user = world.user("hospital_buyer")
    client.force_login(world.user("platform_admin"))
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "Reset-by-admin-9", "password2": "Reset-by-admin-9"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Reset-by-admin-9")
