"""A city or county bureau sees the data of its region only, also about organisations (issue 11 #1;
R-SUP-2): the directory of names is public, whatever shows a party's data is scoped by region."""

import pytest
from django.urls import reverse

from negotiation import selectors as negotiation_selectors
from procurement.orders import services as order_services
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db


def test_a_county_bureau_cannot_open_another_regions_hospital_alerts(world, client):
    client.force_login(world.user("county_bureau"))  # 永宁县
    assert client.get(reverse("negotiation:hospital-alerts", args=[world.hospital.pk])).status_code == 200
    assert client.get(reverse("negotiation:hospital-alerts", args=[world.other_hospital.pk])).status_code == 404
    assert client.get(reverse("negotiation:hospital-alerts", args=[world.city_hospital.pk])).status_code == 404


def test_the_flags_of_a_city_bureau_are_of_its_region(world):
    product = ProductFactory(manufacturer=world.manufacturer)
    make_listing(product, "30.00")
    order_services.designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.province, distributor=world.distributor
    )
    from tests.factories import UserFactory

    for hospital in (world.hospital, world.other_hospital):  # 永宁县 (银川市) and 平罗县 (石嘴山市)
        buyer = UserFactory(organisation=hospital, roles=["hospital_buyer"])
        order_services.order_submit(
            actor=buyer, lines=[order_services.LineRequest(product.code, 3, world.distributor.pk)]
        )
    seen = {flag.hospital for flag in negotiation_selectors.flags(world.user("city_bureau"))}
    assert seen == {world.hospital}
    assert {flag.hospital for flag in negotiation_selectors.flags(world.user("provincial_supervisor"))} == {
        world.hospital,
        world.other_hospital,
    }


def test_a_city_bureau_lists_its_regions_institutions_and_every_company(world, client):
    client.force_login(world.user("city_bureau"))  # 银川市
    listed = set(client.get(reverse("organisations:organisation-list")).context["object_list"])
    assert {world.hospital, world.city_hospital, world.manufacturer, world.distributor} <= listed
    assert world.other_hospital not in listed
    api = {row["id"] for row in client.get("/api/v1/organisations/", {"page_size": 500}).json()["results"]}
    assert world.other_hospital.pk not in api and world.hospital.pk in api


def test_the_directory_shows_names_but_a_partys_contacts_and_accounts_only_in_scope(world, client):
    world.other_hospital.contact_name, world.other_hospital.contact_phone = "王院长", "0952-1234567"
    world.other_hospital.save()
    client.force_login(world.user("hospital_buyer"))  # another hospital: the directory of names
    names = {o.name for o in client.get(reverse("organisations:organisation-list")).context["object_list"]}
    assert world.other_hospital.name in names
    page = client.get(reverse("organisations:organisation-detail", args=[world.other_hospital.pk])).content.decode()
    assert world.other_hospital.name in page and "0952-1234567" not in page and "other_hospital_admin" not in page
    client.force_login(world.user("provincial_supervisor"))
    page = client.get(reverse("organisations:organisation-detail", args=[world.other_hospital.pk])).content.decode()
    assert "0952-1234567" in page and "other_hospital_admin" in page
