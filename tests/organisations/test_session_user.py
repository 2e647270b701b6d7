"""The user of a session is read with its organisation and region (bench/search.py: two queries a page)."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_the_session_user_comes_with_its_organisation_and_region(world, client, django_assert_num_queries):
    # given a hospital buyer signed in
    user = world.user("hospital_buyer")
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    # when the request's user is read from its session
    with django_assert_num_queries(2):  # the session, the user with its organisation and region
        signed_in = get_user(request)
        # then reading its organisation and its region asks nothing more
        assert signed_in.organisation.region.code == user.organisation.region.code


def test_a_signed_in_user_whose_account_is_disabled_is_signed_out(world, client):
    # given a buyer signed in, then disabled by an administrator
    user = world.user("hospital_buyer")
    client.force_login(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    request = RequestFactory().get("/")
    request.session = client.session
    # when the request's user is read: anonymous, as with Django's own backend
    assert get_user(request).is_anonymous
