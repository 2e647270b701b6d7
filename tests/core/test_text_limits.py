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
