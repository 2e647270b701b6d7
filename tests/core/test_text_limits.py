"""Issue 11 #11: text longer than its field's limit is refused naming the field, and nothing is saved —
never a 500 from PostgreSQL, never two million characters stored."""

import pytest

from procurement.core.errors import DomainError
from procurement.orders.models import Order

pytestmark = pytest.mark.django_db


def test_a_note_over_its_limit_is_refused_by_name_and_nothing_is_saved(world):
    order = Order(hospital=world.hospital, placed_by=world.user("hospital_buyer"), note="备" * 201)
    with pytest.raises(DomainError) as error:
        order.save()
    assert error.value.problems[0].field == "note" and error.value.problems[0].code == "max_length"
    assert not Order.objects.exists()


def test_text_within_its_limit_is_saved(world):
    Order.objects.create(hospital=world.hospital, placed_by=world.user("hospital_buyer"), note="备" * 200)
    assert Order.objects.get().note == "备" * 200


def test_a_reason_over_its_limit_refuses_the_action_and_changes_nothing(world, client):
    """Issue 11 #11: a page that passes the posted reason straight to its service is bounded too."""
    from procurement.core.limits import REASON_MAX_LENGTH
    from procurement.orders import services
    from procurement.orders.models import OrderLine
    from tests.factories import ProductFactory
    from tests.orders.conftest import make_listing

    product = ProductFactory(manufacturer=world.manufacturer)
    make_listing(product, "12.60")
    services.designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.province, distributor=world.distributor
    )
    line = services.order_submit(
        actor=world.user("hospital_buyer"), lines=[services.LineRequest(product.code, 2, world.distributor.pk)]
    ).order.lines.get()
    client.force_login(world.user("distributor_clerk"))
    response = client.post(f"/orders/lines/{line.pk}/decline/", {"reason": "缺" * (REASON_MAX_LENGTH + 1)}, follow=True)
    assert str(REASON_MAX_LENGTH) in response.content.decode()
    assert OrderLine.objects.get(pk=line.pk).status == "submitted"
