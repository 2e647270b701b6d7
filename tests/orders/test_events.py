"""Orders announce accepted batches and returns to the channels through a hook (issue 9: structure;
R-ORD-4 acceptance, R-LIST-12 the listing's last sale is one of the receivers)."""

from decimal import Decimal

import pytest

from listings.models import Listing
from procurement.core.errors import DomainError
from procurement.orders import events, services
from procurement.orders.choices import ShipmentStatus
from procurement.orders.models import Shipment
from tests.orders.conftest import BATCH, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Every event the hook announces during the test, in order."""
    announced = []

    def receiver(event):
        announced.append(event)

    events.on_batch_accepted(receiver)
    events.on_batch_returned(receiver)
    yield announced
    events.unsubscribe(receiver)


def shipped(world, buyer, order_lines, *batches):
    distributor = world.user("distributor_clerk")
    line = services.order_submit(actor=buyer, lines=order_lines(sum(batches))).order.lines.get()
    services.line_confirm(actor=distributor, line_id=line.pk)
    return line, [
        services.shipment_create(
            actor=distributor,
            line_id=line.pk,
            quantity=quantity,
            inspection_report=report(),
            **{**BATCH, "batch_number": f"B{index}"},
        )
        for index, quantity in enumerate(batches)
    ]


def test_the_hook_runs_once_per_accepted_batch_with_its_facts(world, buyer, order_lines, storekeeper, heard):
    # given: three batches of one line
    line, (first, second, third) = shipped(world, buyer, order_lines, 4, 3, 3)
    # when: one accepted in full, one in part, one rejected; then the first is tried again
    services.shipment_accept(actor=storekeeper, shipment_id=first.pk, accepted_quantity=4)
    services.shipment_accept(actor=storekeeper, shipment_id=second.pk, accepted_quantity=2, reason="一盒破损")
    services.shipment_accept(actor=storekeeper, shipment_id=third.pk, accepted_quantity=0, reason="冷链断链")
    with pytest.raises(DomainError):
        services.shipment_accept(actor=storekeeper, shipment_id=first.pk, accepted_quantity=4)
    # then: two announcements, one per batch accepted, with what was accepted at the line's price
    assert [(event.shipment_id, event.accepted_quantity) for event in heard] == [(first.pk, 4), (second.pk, 2)]
    assert {event.price for event in heard} == {Decimal("12.6000")}
    assert {(event.hospital_id, event.product_id, event.distributor_id) for event in heard} == {
        (world.hospital.pk, line.product_id, world.distributor.pk)
    }
    # and the listing channel, a receiver itself, recorded the sale (R-LIST-12)
    assert Listing.objects.get(product=line.product).last_sale_at == Shipment.objects.get(pk=second.pk).accepted_at


def test_a_receiver_that_refuses_refuses_the_acceptance(world, buyer, order_lines, storekeeper):
    # given: a channel that cannot take this batch
    def refuse(event):
        raise DomainError("refused by a channel", code="refused")

    line, (shipment,) = shipped(world, buyer, order_lines, 5)
    events.on_batch_accepted(refuse)
    try:
        # when
        with pytest.raises(DomainError):
            services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=5)
    finally:
        events.unsubscribe(refuse)
    # then: nothing was accepted, nothing recorded as sold
    shipment.refresh_from_db()
    assert (shipment.status, shipment.accepted_quantity) == (ShipmentStatus.SHIPPED, 0)
    assert Listing.objects.get(product=line.product).last_sale_at is None


def test_returns_are_announced(world, buyer, order_lines, storekeeper, heard):
    _line, (shipment,) = shipped(world, buyer, order_lines, 5)
    services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=5)
    services.shipment_return(
        actor=world.user("distributor_clerk"), shipment_id=shipment.pk, quantity=2, reason="近效期"
    )
    returned = heard[-1]
    assert isinstance(returned, events.BatchReturned)
    assert (returned.shipment_id, returned.quantity, returned.price) == (shipment.pk, 2, Decimal("12.6000"))
