"""Issue 12, the hospital buyer: the cart is kept on the server (it survives logging out and a new
device; the buy page and the order read it), a line without a chosen distributor says so naming the
product and marks its select (R-ORD-3), and ordering empties the cart — a refused order keeps it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from procurement.orders import services
from procurement.orders.models import CartItem, Order
from procurement.organisations.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _log_in(username: str) -> Client:
    """A browser of its own (a new device): a fresh client that logs in with the password."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": "Secret-pass-2026"})
    assert response.status_code == 302
    return client


def test_the_cart_survives_logging_out_and_follows_the_buyer_to_another_device(world, listed, buyer):
    # given: the buyer puts 3 packs in the cart on one device, then logs out
    laptop = _log_in(buyer.username)
    laptop.post(reverse("orders:cart-add"), {"product": listed[0].pk, "quantity": 3})
    laptop.post(reverse("logout"))
    # when: it logs in on another device
    phone = _log_in(buyer.username)
    # then: the buy page counts it and the cart shows it, with the packs
    assert 'data-testid="cart-badge">购物车 (1)' in phone.get(reverse("orders:buy")).content.decode()
    page = phone.get(reverse("orders:cart")).content.decode()
    assert listed[0].code in page and f'name="quantity-{listed[0].pk}" type="number" min="0" value="3"' in page


def test_adding_again_adds_the_packs_and_another_buyer_has_a_cart_of_its_own(world, listed, buyer, client):
    colleague = UserFactory(username="buyer2", organisation=world.hospital, roles=[Role.HOSPITAL_BUYER])
    client.force_login(buyer)
    client.post(reverse("orders:cart-add"), {"product": listed[0].pk, "quantity": 3})
    response = client.post(reverse("orders:cart-add"), {"product": listed[0].pk, "quantity": 2}, follow=True)
    assert CartItem.objects.get(user=buyer).quantity == 5
    assert "5" in str(list(response.context["messages"])[-1])  # the message says what the cart holds now
    client.force_login(colleague)
    assert "购物车是空的" in client.get(reverse("orders:cart")).content.decode()
    assert 'data-testid="cart-badge">购物车 (0)' in client.get(reverse("orders:buy")).content.decode()


def test_the_one_named_distributor_is_chosen_and_the_order_empties_the_cart(world, listed, buyer, client):
    """R-ORD-3: with one distributor named for the region, it is chosen; ordering reads the server's cart."""
    client.force_login(buyer)
    client.post(reverse("orders:cart-add"), {"product": listed[0].pk, "quantity": 2})
    assert CartItem.objects.get().distributor == world.distributor
    response = client.post(
        reverse("orders:cart"),
        {f"quantity-{listed[0].pk}": 2, f"distributor-{listed[0].pk}": world.distributor.pk, "order": "1"},
        follow=True,
    )
    order = Order.objects.get()
    assert (order.lines.get().quantity, order.lines.get().distributor) == (2, world.distributor)
    assert not CartItem.objects.exists()
    message = str(list(response.context["messages"])[-1])
    assert f"#{order.pk}" in message and "¥25.20" in message  # what was done: which order, for how much


@pytest.fixture
def two_distributors(world, listed):
    """A second distributor named for the first product: none is chosen for the buyer."""
    second = OrganisationFactory(kind=OrganisationKind.DISTRIBUTOR, name="华润宁夏医药有限公司", region=world.yinchuan)
    services.designation_add(
        actor=world.user("manufacturer_clerk"), product=listed[0], region=world.province, distributor=second
    )
    return second


def test_a_line_without_a_distributor_says_so_naming_the_product_on_its_select(
    world, listed, buyer, client, two_distributors
):
    """R-ORD-3: the buyer picks the distributor; a line without one is refused, naming the product, the error
    beside that select (aria-invalid, described by the message) — nothing is ordered, the cart is kept."""
    # given: two products in the cart, the first with two distributors named and none chosen
    client.force_login(buyer)
    client.post(reverse("orders:cart-add"), {"product": listed[0].pk, "quantity": 2})
    client.post(reverse("orders:cart-add"), {"product": listed[1].pk, "quantity": 1})
    # when
    response = client.post(
        reverse("orders:cart"),
        {
            f"quantity-{listed[0].pk}": 4,
            f"distributor-{listed[0].pk}": "",
            f"quantity-{listed[1].pk}": 1,
            f"distributor-{listed[1].pk}": world.distributor.pk,
            "note": "急用",
            "order": "1",
        },
    )
    # then
    assert response.status_code == 400
    page = response.content.decode()
    select = re.search(rf'<select name="distributor-{listed[0].pk}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in select and f'aria-describedby="distributor-{listed[0].pk}-error"' in select
    error = re.search(rf'<div class="errorlist" id="distributor-{listed[0].pk}-error"[^>]*>([^<]*)</div>', page)
    assert listed[0].generic_name in error.group(1) and "配送企业" in error.group(1)
    assert "未被指定" not in error.group(1)  # not "the distributor is not named": none was chosen
    other = re.search(rf'<select name="distributor-{listed[1].pk}"[^>]*>', page).group(0)
    assert "aria-invalid" not in other
    assert 'value="急用"' in page  # the note typed is kept
    assert not Order.objects.exists()
    assert CartItem.objects.get(product=listed[0]).quantity == 4  # what was typed is saved, not lost


def test_the_service_refuses_a_line_without_a_distributor_with_its_own_code(world, listed, buyer):
    """R-ORD-3 in the service: no distributor chosen is ``distributor_required``, naming the product."""
    from procurement.core.errors import DomainError

    with pytest.raises(DomainError) as error:
        services.order_submit(actor=buyer, lines=[services.LineRequest(listed[0].code, 1, None)])
    [problem] = error.value.problems
    assert (problem.code, problem.field, problem.rule) == ("distributor_required", "lines[0].distributor", "R-ORD-3")
    assert problem.params["product"] == listed[0].code and listed[0].generic_name in problem.message


def test_a_refused_product_is_not_added_and_the_cart_says_why(world, listed, buyer, client):
    """R-ORD-2: the service refuses, with the reason; htmx gets the badge with the reason."""
    from listings.choices import ListingStatus
    from listings.models import Listing

    Listing.objects.filter(product=listed[0]).update(status=ListingStatus.CLOSED)
    client.force_login(buyer)
    response = client.post(
        reverse("orders:cart-add"), {"product": listed[0].pk, "quantity": 1}, headers={"HX-Request": "true"}
    )
    assert 'role="alert"' in response.content.decode() and "(0)" in response.content.decode()
    assert not CartItem.objects.exists()


def test_zero_packs_takes_a_product_out_of_the_cart(world, listed, buyer, client):
    client.force_login(buyer)
    client.post(reverse("orders:cart-add"), {"product": listed[0].pk, "quantity": 2})
    client.post(reverse("orders:cart"), {f"quantity-{listed[0].pk}": 0, "update": "1"})
    assert not CartItem.objects.exists()


def test_a_cart_is_seen_by_no_one_else(world, listed, buyer):
    """Scoping: the bureau and another hospital see no cart (a buyer's draft is its own)."""
    from procurement.core.scoping import visible_to

    services.cart_add(actor=buyer, product=listed[0], quantity=1)
    for other in ("provincial_reviewer", "other_hospital_admin", "distributor_clerk", "manufacturer_clerk"):
        assert not visible_to(world.user(other), CartItem).exists()
