"""Issue 12: the distributor's line list — order date, hospital, product, quantity, amount and state,
with the actions on it: confirm, confirm all of an order, decline with a reason; each message says
what was done."""

import pytest
from django.urls import reverse

from procurement.orders import services
from procurement.orders.choices import LineStatus
from procurement.orders.models import OrderLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(world, listed, buyer):
    return services.order_submit(
        actor=buyer,
        lines=[
            services.LineRequest(listed[0].code, 2, world.distributor.pk),
            services.LineRequest(listed[1].code, 3, world.distributor.pk),
        ],
    ).order


def test_the_list_shows_what_a_distributor_works_from(world, client, order, listed):
    client.force_login(world.user("distributor_clerk"))
    page = client.get(reverse("orders:line-list")).content.decode()
    for value in (f"#{order.pk}", world.hospital.name, listed[0].generic_name, "¥25.20", "¥90.00"):
        assert value in page
    assert f'data-testid="confirm-all-{order.pk}"' in page


def test_confirm_all_of_an_order_from_the_list(world, client, order):
    client.force_login(world.user("distributor_clerk"))
    url = reverse("orders:line-list") + "?status=submitted"
    response = client.post(reverse("orders:order-confirm-all", args=[order.pk]), {"next": url}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert f"#{order.pk}" in response.content.decode()
    assert set(OrderLine.objects.values_list("status", flat=True)) == {LineStatus.CONFIRMED}


def test_decline_one_line_with_its_reason_from_the_list(world, client, order, listed):
    line = order.lines.get(product=listed[0])
    client.force_login(world.user("distributor_clerk"))
    response = client.post(
        reverse("orders:line-action", args=[line.pk, "decline"]),
        {"reason": "该品种暂无库存", "next": reverse("orders:line-list")},
        follow=True,
    )
    assert listed[0].generic_name in response.content.decode()  # the message names what was declined
    line.refresh_from_db()
    assert (line.status, line.reason) == (LineStatus.DECLINED, "该品种暂无库存")


def test_a_hostile_next_is_not_followed(world, client, order):
    client.force_login(world.user("distributor_clerk"))
    response = client.post(reverse("orders:order-confirm-all", args=[order.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("orders:line-list")


def test_another_distributor_confirms_nothing_of_it(world, client, order):
    from procurement.organisations.choices import OrganisationKind, Role
    from tests.factories import OrganisationFactory, UserFactory

    other = OrganisationFactory(kind=OrganisationKind.DISTRIBUTOR, region=world.province)
    clerk = UserFactory(username="other-clerk", organisation=other, roles=[Role.DISTRIBUTOR_CLERK])
    client.force_login(clerk)
    assert client.post(reverse("orders:order-confirm-all", args=[order.pk])).status_code == 404
    assert set(OrderLine.objects.values_list("status", flat=True)) == {LineStatus.SUBMITTED}
