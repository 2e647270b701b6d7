"""Issue 12: the storekeeper's work list — every batch waiting for acceptance across orders, with the
actions on its row: accept in full, accept part with a reason, reject (拒收) with a reason, several at
once (R-ORD-4)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.orders import services
from procurement.orders.choices import ShipmentStatus
from procurement.orders.models import Shipment
from tests.orders.conftest import BATCH, report

pytestmark = pytest.mark.django_db


def _shipped(world, buyer, product, batch, quantity=4, expiry=None):
    line = services.order_submit(
        actor=buyer, lines=[services.LineRequest(product.code, quantity, world.distributor.pk)]
    ).order.lines.get()
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    return services.shipment_create(
        actor=world.user("distributor_clerk"),
        line_id=line.pk,
        quantity=quantity,
        inspection_report=report(),
        **{**BATCH, "batch_number": batch, "expiry_date": expiry or BATCH["expiry_date"]},
    )


@pytest.fixture
def waiting(world, listed, buyer):
    soon = timezone.localdate() + timedelta(days=60)
    return {
        name: _shipped(world, buyer, listed[index % 2], name, expiry=soon if name == "B-SOON" else None)
        for index, name in enumerate(["B-FULL", "B-PART", "B-REJECT", "B-SOON", "B-BULK"])
    }


def _post(client, **data):
    return client.post(reverse("orders:acceptance"), data, follow=True).content.decode()


def test_the_home_to_do_leads_to_the_batches_waiting_across_orders(world, client, storekeeper, waiting):
    client.force_login(storekeeper)
    home = client.get(reverse("home")).content.decode()
    assert reverse("orders:acceptance") in home
    page = client.get(reverse("orders:acceptance")).content.decode()
    for name in waiting:
        assert f'data-testid="batch-{name}"' in page
    soon_row = page.split('data-testid="batch-B-SOON"')[1].split("</tr>")[0]
    assert 'data-testid="near-expiry"' in soon_row
    # The soonest to expire comes first.
    assert page.index("batch-B-SOON") < page.index("batch-B-FULL")


def test_each_row_is_accepted_in_full_in_part_or_rejected_with_its_reason(world, client, storekeeper, waiting):
    client.force_login(storekeeper)
    page = _post(client, action="accept", shipment=waiting["B-FULL"].pk)
    assert "B-FULL" in page and "4" in page
    _post(client, action="accept_part", shipment=waiting["B-PART"].pk, quantity="3", reason="一盒破损")
    page = _post(client, action="reject", shipment=waiting["B-REJECT"].pk, reason="冷链温度超标")
    assert "B-REJECT" in page
    decided = {s.batch_number: s for s in Shipment.objects.filter(batch_number__in=["B-FULL", "B-PART", "B-REJECT"])}
    assert (decided["B-FULL"].status, decided["B-FULL"].accepted_quantity) == (ShipmentStatus.ACCEPTED, 4)
    assert (decided["B-PART"].status, decided["B-PART"].accepted_quantity) == (ShipmentStatus.PARTLY_ACCEPTED, 3)
    assert decided["B-PART"].rejection_reason == "一盒破损"
    assert (decided["B-REJECT"].status, decided["B-REJECT"].rejection_reason) == (
        ShipmentStatus.REJECTED,
        "冷链温度超标",
    )
    remaining = client.get(reverse("orders:acceptance")).content.decode()
    assert "batch-B-FULL" not in remaining and "batch-B-SOON" in remaining


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(world, client, storekeeper, waiting):
    client.force_login(storekeeper)
    _post(client, action="reject", shipment=waiting["B-REJECT"].pk, reason=" ")
    assert Shipment.objects.get(pk=waiting["B-REJECT"].pk).status == ShipmentStatus.SHIPPED


def test_several_batches_are_accepted_in_full_at_once(world, client, storekeeper, waiting):
    client.force_login(storekeeper)
    page = _post(client, action="accept_selected", shipment=[waiting["B-BULK"].pk, waiting["B-SOON"].pk])
    assert "B-BULK" in page and "B-SOON" in page
    assert set(Shipment.objects.filter(status=ShipmentStatus.ACCEPTED).values_list("batch_number", flat=True)) == {
        "B-BULK",
        "B-SOON",
    }


def test_another_hospitals_batch_is_neither_listed_nor_accepted(world, client, waiting):
    from tests.factories import UserFactory

    keeper = UserFactory(username="other-keeper", organisation=world.city_hospital, roles=["hospital_storekeeper"])
    client.force_login(keeper)
    assert 'data-testid="nothing-to-accept"' in client.get(reverse("orders:acceptance")).content.decode()
    response = client.post(reverse("orders:acceptance"), {"action": "accept", "shipment": waiting["B-FULL"].pk})
    assert response.status_code == 404
    assert Shipment.objects.get(pk=waiting["B-FULL"].pk).status == ShipmentStatus.SHIPPED


def test_only_the_hospital_accepts(world, client, waiting):
    for name in ("distributor_clerk", "manufacturer_clerk", "county_bureau"):
        client.force_login(world.user(name))
        assert client.get(reverse("orders:acceptance")).status_code == 403


def test_the_audit_trail_shows_values_as_the_pages_do(world, client, listed, buyer, storekeeper):
    """Issue 12: a batch's acceptance reads 验收人 王… and 验收时间 in local time; bookkeeping (the change
    cursor, the update stamp) is left out."""
    shipment = _shipped(world, buyer, listed[0], "B-AUDIT")
    services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=shipment.quantity)
    client.force_login(world.user("provincial_supervisor"))
    page = client.get(reverse("audit-list"), {"model": "orders.Shipment"}).content.decode()
    accepted = timezone.localtime(type(shipment).objects.get(pk=shipment.pk).accepted_at)
    assert f"<b>验收人</b>: ∅ → {storekeeper}" in page
    assert f"<b>验收时间</b>: ∅ → {accepted:%Y-%m-%d %H:%M:%S}" in page
    assert "change xid" not in page and "+00:00" not in page
