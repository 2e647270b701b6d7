"""Fixtures of settlement: accepted batches (through the real order flow), a finance officer, the fund's
settlement centre, a supplier's clerk — and after every test, the books reconciled (R-SET-4)."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from procurement.orders import events
from procurement.orders import services as order_services
from procurement.organisations.choices import Role
from settlement import ledger
from settlement.models import Payable
from tests.factories import UserFactory
from tests.orders.conftest import BATCH, buyer, listed, order_lines, report, storekeeper  # noqa: F401

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def books_reconcile(db):
    """R-SET-4: after every settlement test, every account balances and every payable equals its entries."""
    yield
    assert ledger.reconcile() == []


@pytest.fixture
def finance(world):
    return UserFactory(username="finance", organisation=world.hospital, roles=[Role.HOSPITAL_FINANCE])


@pytest.fixture
def fund(world):
    """The fund's settlement centre: a supervisor of the provincial bureau."""
    return world.user("provincial_supervisor")


@pytest.fixture
def supplier(world):
    return world.user("distributor_clerk")


@dataclass
class Delivery:
    line_id: int
    shipment_id: int
    payable: Payable


@pytest.fixture
def deliver(world, buyer, storekeeper, order_lines, supplier):  # noqa: F811
    """``deliver(packs, accepted=None)``: one line of the first listed product (12.60 a pack) ordered,
    shipped and accepted (in part when ``accepted`` is less) — the payable the acceptance opened."""

    counter = iter(range(1, 10_000))

    def make(packs: int, accepted: int | None = None) -> Delivery:
        line = order_services.order_submit(actor=buyer, lines=order_lines(packs)).order.lines.get()
        order_services.line_confirm(actor=supplier, line_id=line.pk)
        shipment = order_services.shipment_create(
            actor=supplier,
            line_id=line.pk,
            quantity=packs,
            inspection_report=report(),
            **{**BATCH, "batch_number": f"S{next(counter)}"},
        )
        accepted_packs = packs if accepted is None else accepted
        order_services.shipment_accept(
            actor=storekeeper,
            shipment_id=shipment.pk,
            accepted_quantity=accepted_packs,
            reason="" if accepted_packs == packs else "破损",
        )
        return Delivery(line.pk, shipment.pk, Payable.objects.get(shipment_id=shipment.pk))

    return make


@pytest.fixture
def accepted_at(world, buyer, order_lines, supplier):  # noqa: F811
    """``accepted_at(moment, hospital=None, packs=10)``: a batch accepted at ``moment`` (as ordering records an
    acceptance, the clock set back), announced to settlement as the hook does — the payable it opened."""

    counter = iter(range(1, 10_000))

    def make(moment: datetime, hospital=None, packs: int = 10) -> Payable:
        from procurement.orders.choices import ShipmentStatus
        from procurement.orders.models import OrderLine, Shipment

        line = order_services.order_submit(actor=buyer, lines=order_lines(packs)).order.lines.get()
        order_services.line_confirm(actor=supplier, line_id=line.pk)
        shipment = order_services.shipment_create(
            actor=supplier,
            line_id=line.pk,
            quantity=packs,
            inspection_report=report(),
            **{**BATCH, "batch_number": f"T{next(counter)}"},
        )
        hospital = hospital or world.hospital
        Shipment.objects.filter(pk=shipment.pk).update(
            accepted_quantity=packs, status=ShipmentStatus.ACCEPTED, accepted_at=moment, hospital=hospital
        )
        OrderLine.objects.filter(pk=line.pk).update(accepted_quantity=packs, hospital=hospital)
        events.announce_batch_accepted(
            events.BatchAccepted(
                shipment_id=shipment.pk,
                line_id=line.pk,
                order_id=line.order_id,
                hospital_id=hospital.pk,
                product_id=line.product_id,
                manufacturer_id=line.manufacturer_id,
                distributor_id=line.distributor_id,
                accepted_quantity=packs,
                price=line.price,
                price_source=line.price_source,
                price_reference=line.price_reference,
                accepted_at=moment,
            )
        )
        return Payable.objects.get(shipment_id=shipment.pk)

    return make


def shanghai(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
