"""Issue 11 #2: a distributor addressed by one line of an order sees that line and its amount — never
the lines addressed to another distributor nor the order's total — in the API and on the pages. The
hospital still sees the whole order."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.orders import services
from procurement.organisations.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_distributors_order(world, listed, buyer):
    """One order: 2 packs of the first product from our distributor (¥25.20), 3 of the second from
    another (¥90.00)."""
    other = OrganisationFactory(kind=OrganisationKind.DISTRIBUTOR, name="九州通医药宁夏有限公司", region=world.province)
    services.designation_add(
        actor=world.user("manufacturer_clerk"), product=listed[1], region=world.province, distributor=other
    )
    submitted = services.order_submit(
        actor=buyer,
        lines=[
            services.LineRequest(listed[0].code, 2, world.distributor.pk),
            services.LineRequest(listed[1].code, 3, other.pk),
        ],
    )
    return submitted.order, other


def test_the_api_gives_a_distributor_only_its_lines_and_their_sum(world, api_as, two_distributors_order, listed):
    order, _other = two_distributors_order
    client = api_as(world.user("distributor_clerk"))
    for body in (
        client.get(reverse("api:order-detail", args=[order.pk])).json(),
        client.get(reverse("api:order-list")).json()["results"][0],
    ):
        assert [line["product_code"] for line in body["lines"]] == [listed[0].code]
        assert Decimal(body["total"]) == Decimal("25.20")


def test_the_other_distributor_sees_its_own_line_only(world, api_as, two_distributors_order, listed):
    order, other = two_distributors_order
    clerk = UserFactory(username="jzt", organisation=other, roles=[Role.DISTRIBUTOR_CLERK])
    body = api_as(clerk).get(reverse("api:order-detail", args=[order.pk])).json()
    assert [line["product_code"] for line in body["lines"]] == [listed[1].code]
    assert Decimal(body["total"]) == Decimal("90.00")


def test_the_hospital_sees_the_whole_order(world, api_as, two_distributors_order):
    order, _other = two_distributors_order
    body = api_as(world.user("hospital_buyer")).get(reverse("api:order-detail", args=[order.pk])).json()
    assert len(body["lines"]) == 2 and Decimal(body["total"]) == Decimal("115.20") == order.total


def test_the_pages_give_a_distributor_only_its_lines_and_their_sum(world, client, two_distributors_order, listed):
    order, _other = two_distributors_order
    client.force_login(world.user("distributor_clerk"))
    detail = client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()
    assert listed[0].code in detail and listed[1].code not in detail
    assert "¥25.20" in detail and "¥115.20" not in detail and "¥90.00" not in detail
    listing = client.get(reverse("orders:order-list")).content.decode()
    assert "¥25.20" in listing and "¥115.20" not in listing
