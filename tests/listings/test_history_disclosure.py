"""A listing's history is public as to what changed and when; who on the bureau's staff changed it
and their internal reasons are for its manufacturer and the bureau only (issue 11 #3; DOMAIN §3)."""

import pytest
from django.urls import reverse

from listings import services

pytestmark = pytest.mark.django_db

INTERNAL = "内部核查：企业涉嫌价格欺诈，暂停待查"


@pytest.fixture
def suspended(world, product, list_product):
    listing = list_product(product, "10.00")
    services.listing_suspend(actor=world.user("provincial_reviewer"), listing_id=listing.pk, reason=INTERNAL)
    return listing


def test_the_public_reads_what_changed_and_when_but_not_who_nor_why(world, suspended, api_client):
    api_client.logout()
    rows = api_client.get(f"/api/v1/listings/{suspended.pk}/transitions/").json()
    assert {row["to_status"] for row in rows} == {"listed", "suspended"}
    assert all(
        set(row) == {"from_status", "to_status", "price_before", "price_after", "by", "created_at"} for row in rows
    )
    assert INTERNAL not in str(rows) and world.user("provincial_reviewer").full_name not in str(rows)


def test_the_manufacturer_and_the_bureau_read_who_and_why(world, suspended, api_as):
    for name in ("manufacturer_clerk", "provincial_supervisor"):
        rows = api_as(world.user(name)).get(f"/api/v1/listings/{suspended.pk}/transitions/").json()
        assert INTERNAL in [row["reason"] for row in rows], name


def test_another_party_reading_the_page_sees_no_internal_reason(world, suspended, client):
    client.force_login(world.user("hospital_buyer"))
    page = client.get(reverse("listings:listing-detail", args=[suspended.pk])).content.decode()
    assert INTERNAL not in page and world.user("provincial_reviewer").full_name not in page
    client.force_login(world.user("manufacturer_clerk"))
    assert INTERNAL in client.get(reverse("listings:listing-detail", args=[suspended.pk])).content.decode()
