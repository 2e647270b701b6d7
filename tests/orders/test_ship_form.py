"""Issue 12, the distributor's ship form (R-ORD-4): something wrong shows the order again with what was
typed, the error beside the field of the line it concerns; each line's form has element ids of its own;
the message after shipping names the batch and the packs."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.orders import services
from procurement.orders.models import Shipment
from tests.orders.conftest import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(world, buyer, order_lines):
    """An order of two lines, both confirmed by the distributor."""
    order = services.order_submit(actor=buyer, lines=order_lines(4, 6)).order
    lines = list(order.lines.order_by("id"))
    for line in lines:
        services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    return lines


def _post(client, line, **values):
    data = {
        "batch_number": "DH20260901",
        "production_date": "2026-06-01",
        "expiry_date": (timezone.localdate() + timedelta(days=700)).isoformat(),
        "quantity": "5",
        "inspection_report": report(),
        **values,
    }
    return client.post(reverse("orders:line-action", args=[line.pk, "ship"]), data)


def _input(page: str, element_id: str) -> str:
    return re.search(rf'<input[^>]*id="{element_id}"[^>]*>', page).group(0)


def test_each_line_has_a_ship_form_with_ids_of_its_own(world, lines, client):
    client.force_login(world.user("distributor_clerk"))
    page = client.get(reverse("orders:order-detail", args=[lines[0].order_id])).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [element for element, count in ids.items() if count > 1] == []
    for line in lines:
        assert f'<label for="ship-{line.pk}-batch_number">' in page and f'id="ship-{line.pk}-batch_number"' in page


def test_a_wrong_quantity_keeps_what_was_typed_and_shows_the_error_on_that_lines_field(world, lines, client):
    """R-ORD-4: 5 packs on a line of 4 is refused by the service, on the quantity of that line's form."""
    first, second = lines
    client.force_login(world.user("distributor_clerk"))
    response = _post(client, first, quantity="5")
    assert response.status_code == 400
    page = response.content.decode()
    quantity = _input(page, f"ship-{first.pk}-quantity")
    assert 'value="5"' in quantity and 'aria-invalid="true"' in quantity
    assert f'aria-describedby="ship-{first.pk}-quantity_error"' in quantity
    error = re.search(rf'id="ship-{first.pk}-quantity_error"[^>]*>([^<]*)<', page).group(1)
    assert "1" in error and "4" in error  # between 1 and the 4 packs left
    assert 'value="DH20260901"' in _input(page, f"ship-{first.pk}-batch_number")
    assert "2026-06-01" in _input(page, f"ship-{first.pk}-production_date")
    # the file is not kept by a browser: the page says to choose it again
    assert f'id="ship-{first.pk}-inspection_report_error"' in page
    # the other line's form is untouched: empty, no error
    assert "value=" not in _input(page, f"ship-{second.pk}-batch_number")
    assert "aria-invalid" not in _input(page, f"ship-{second.pk}-quantity")
    assert not Shipment.objects.exists()


def test_a_production_date_in_the_future_is_shown_on_its_field(world, lines, client):
    client.force_login(world.user("distributor_clerk"))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = _post(client, lines[1], production_date=tomorrow, quantity="2").content.decode()
    field = _input(page, f"ship-{lines[1].pk}-production_date")
    assert 'aria-invalid="true"' in field and tomorrow in field
    assert f'id="ship-{lines[1].pk}-production_date_error"' in page


def test_a_missing_field_is_shown_on_it_and_keeps_the_rest(world, lines, client):
    client.force_login(world.user("distributor_clerk"))
    page = _post(client, lines[0], batch_number="", quantity="3").content.decode()
    assert 'aria-invalid="true"' in _input(page, f"ship-{lines[0].pk}-batch_number")
    assert 'value="3"' in _input(page, f"ship-{lines[0].pk}-quantity")


def test_the_message_after_shipping_names_the_batch_and_the_packs(world, lines, client):
    client.force_login(world.user("distributor_clerk"))
    response = _post(client, lines[1], quantity="5")
    assert response.status_code == 302
    response = client.get(response["Location"])
    message = str(list(response.context["messages"])[-1])
    assert "批次 DH20260901 已发货 5 盒" in message
