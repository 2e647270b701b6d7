"""Issue 11 #9 / issue 10 #14: bad input is refused with a message naming the field, and changes nothing."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(world):
    from procurement.orders import services
    from tests.factories import ProductFactory
    from tests.orders.conftest import make_listing

    product = ProductFactory(manufacturer=world.manufacturer)
    make_listing(product, "12.60")
    services.designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.province, distributor=world.distributor
    )
    return product


@pytest.mark.parametrize("quantity", ["NaN", "1.5", "１２", "-3", "0", "9" * 30])
def test_a_bad_quantity_adds_nothing_to_the_cart_and_says_why(world, client, offered, quantity):
    client.force_login(world.user("hospital_buyer"))
    response = client.post(reverse("orders:cart-add"), {"product": offered.pk, "quantity": quantity}, follow=True)
    assert "quantity" in response.content.decode() or "数量" in response.content.decode()
    from procurement.orders.models import CartItem

    assert not CartItem.objects.exists()


def test_a_good_quantity_is_added_as_typed(world, client, offered):
    client.force_login(world.user("hospital_buyer"))
    client.post(reverse("orders:cart-add"), {"product": offered.pk, "quantity": "4"})
    from procurement.orders.models import CartItem

    assert CartItem.objects.get(product=offered).quantity == 4


def test_a_year_out_of_range_on_the_calendar_is_a_400_naming_the_field(world, client):
    client.force_login(world.user("hospital_buyer"))
    response = client.get(reverse("workdays:calendar"), {"year": "99999"})
    assert response.status_code == 400
    assert "year" in response.content.decode() or "年" in response.content.decode()


def test_a_nul_byte_in_a_query_is_a_400_naming_the_parameter(client):
    response = client.get(reverse("api:product-list"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("q")  # the parameter named first


@pytest.fixture
def submitted_declaration(world):
    from listings import services
    from listings.choices import ListingCategory
    from tests.factories import ProductFactory

    product = ProductFactory(manufacturer=world.manufacturer, is_innovative=True)
    declaration = services.declaration_create(
        actor=world.user("manufacturer_clerk"),
        product=product,
        category=ListingCategory.INNOVATIVE,
        price=Decimal("12.60"),
    )
    services.declaration_submit(actor=world.user("manufacturer_clerk"), declaration_id=declaration.pk)
    return declaration


@pytest.mark.parametrize("body", ["[1]", '"text"', '{"reason": 12}', '{"reason": ["x"]}', "REASON_TOO_LONG"])
def test_an_action_given_a_body_that_is_not_an_object_or_a_bad_reason_is_a_400_and_changes_nothing(
    world, api_as, submitted_declaration, body
):
    from procurement.core.limits import REASON_MAX_LENGTH

    if body == "REASON_TOO_LONG":
        body = json.dumps({"reason": "x" * (REASON_MAX_LENGTH + 1)})
    client = api_as(world.user("provincial_reviewer"))
    url = reverse("api:declaration-return", args=[submitted_declaration.pk])
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    submitted_declaration.refresh_from_db()
    assert submitted_declaration.status == "submitted"
    # The same action with a proper reason goes through.
    assert client.post(url, {"reason": "请补充说明书"}, format="json").status_code == 200


@pytest.mark.parametrize("quantity", ["5", "５", 5.5, True, "NaN"])
def test_a_json_quantity_that_is_not_a_whole_json_number_is_refused(world, api_client, quantity):
    """Issue 11 #11: a JSON string is not a number, full-width digits are not digits."""
    from procurement.orders.models import Order
    from procurement.organisations import services as organisation_services

    _token, key = organisation_services.api_token_create(
        actor=world.user("hospital_admin"), hospital=world.hospital, name="HIS"
    )
    body = {"lines": [{"product_code": "XC10AA00000700100100007", "quantity": quantity, "distributor": 1}]}
    response = api_client.post(
        reverse("api:order-list"), body, format="json", HTTP_AUTHORIZATION=f"Token {key}", HTTP_IDEMPOTENCY_KEY="K-1"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"].endswith("quantity")
    assert not Order.objects.exists()
