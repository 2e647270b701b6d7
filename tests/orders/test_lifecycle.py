"""R-ORD-4: confirm or decline, ship in batches, accept in part or in full once, cancel, return."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from listings.models import Listing
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.orders import services
from procurement.orders.choices import LineStatus, ShipmentStatus
from procurement.orders.models import OrderLine, Shipment
from tests.orders.conftest import BATCH, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(buyer, order_lines):
    order = services.order_submit(actor=buyer, lines=order_lines(10)).order
    return order.lines.get()


def ship(world, line, quantity, batch="B1"):
    return services.shipment_create(
        actor=world.user("distributor_clerk"),
        line_id=line.pk,
        quantity=quantity,
        inspection_report=report(),
        **{**BATCH, "batch_number": batch},
    )


def test_the_full_lifecycle_with_partial_shipments_and_partial_acceptance(world, line, storekeeper):
    distributor = world.user("distributor_clerk")
    assert (line.price, line.amount, line.price_source) == (Decimal("12.6000"), Decimal("126.00"), "listing")
    services.line_confirm(actor=distributor, line_id=line.pk)
    first = ship(world, line, 4, "B1")
    line.refresh_from_db()
    assert (line.status, line.shipped_quantity) == (LineStatus.SHIPPING, 4)
    second = ship(world, line, 6, "B2")
    line.refresh_from_db()
    assert (line.status, line.shipped_quantity) == (LineStatus.SHIPPED, 10)
    with pytest.raises(DomainError):  # nothing more to ship
        ship(world, line, 1, "B3")
    services.shipment_accept(actor=storekeeper, shipment_id=first.pk, accepted_quantity=4)
    with pytest.raises(DomainError) as error:  # part of a batch refused: say why
        services.shipment_accept(actor=storekeeper, shipment_id=second.pk, accepted_quantity=5)
    assert error.value.problems[0].field == "reason"
    services.shipment_accept(actor=storekeeper, shipment_id=second.pk, accepted_quantity=5, reason="一盒外包装破损")
    line.refresh_from_db()
    second.refresh_from_db()
    assert (line.status, line.accepted_quantity) == (LineStatus.COMPLETED, 9)
    assert (second.status, second.rejection_reason) == (ShipmentStatus.PARTLY_ACCEPTED, "一盒外包装破损")
    # Acceptance is a sale: R-LIST-12 counts from it.
    assert Listing.objects.get(product=line.product).last_sale_at == second.accepted_at


def test_a_batch_is_never_accepted_twice(world, line, storekeeper):
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    shipment = ship(world, line, 10)
    services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=10)
    with pytest.raises(Conflict) as error:
        services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=10)
    assert error.value.problems[0].rule == "R-ORD-4"
    assert OrderLine.objects.get(pk=line.pk).accepted_quantity == 10


def test_a_rejected_batch_needs_a_reason(world, line, storekeeper):
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    shipment = ship(world, line, 10)
    with pytest.raises(DomainError):
        services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=0)
    services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=0, reason="冷链断链")
    assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.REJECTED


def test_declined_with_a_reason(world, line):
    with pytest.raises(DomainError):
        services.line_decline(actor=world.user("distributor_clerk"), line_id=line.pk, reason="")
    services.line_decline(actor=world.user("distributor_clerk"), line_id=line.pk, reason="暂时缺货")
    line.refresh_from_db()
    assert (line.status, line.reason) == (LineStatus.DECLINED, "暂时缺货")
    with pytest.raises(Conflict):
        services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)


def test_a_line_is_cancelled_whole_before_it_ships_and_not_once_all_has_shipped(world, line, buyer, order_lines):
    """R-ORD-4: cancelled before shipment; once part has shipped the rest is closed instead (tests below);
    once everything has shipped there is nothing to cancel."""
    services.line_cancel(actor=buyer, line_id=line.pk, reason="临床需求取消")
    assert OrderLine.objects.get(pk=line.pk).status == LineStatus.CANCELLED
    other = services.order_submit(actor=buyer, lines=order_lines(5)).order.lines.get()
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=other.pk)
    ship(world, other, 5)
    with pytest.raises(Conflict) as error:
        services.line_cancel(actor=buyer, line_id=other.pk, reason="太晚了")
    assert error.value.problems[0].code == "already_shipped"


def test_returns_after_acceptance(world, line, storekeeper):
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    shipment = ship(world, line, 10)
    distributor = world.user("distributor_clerk")
    with pytest.raises(DomainError):  # nothing accepted yet
        services.shipment_return(actor=distributor, shipment_id=shipment.pk, quantity=1, reason="近效期")
    services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=10)
    services.shipment_return(actor=distributor, shipment_id=shipment.pk, quantity=3, reason="近效期")
    with pytest.raises(DomainError):
        services.shipment_return(actor=distributor, shipment_id=shipment.pk, quantity=8, reason="过多")
    line.refresh_from_db()
    assert (line.accepted_quantity, line.returned_quantity) == (10, 3)


def test_an_expired_or_inconsistent_batch_is_refused(world, line):
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    for dates, field in [
        ({"expiry_date": timezone.localdate()}, "expiry_date"),
        ({"production_date": date(2026, 6, 1), "expiry_date": date(2026, 5, 1)}, "expiry_date"),
    ]:
        with pytest.raises(DomainError) as error:
            services.shipment_create(
                actor=world.user("distributor_clerk"),
                line_id=line.pk,
                quantity=1,
                inspection_report=report(),
                **{**BATCH, **dates},
            )
        assert error.value.problems[0].field == field


def test_each_party_acts_only_on_its_own_lines(world, line, listed):
    from tests.factories import OrganisationFactory, UserFactory

    other_distributor = OrganisationFactory(kind="distributor", name="其他配送", region=world.province)
    stranger = UserFactory(username="stranger", organisation=other_distributor, roles=["distributor_clerk"])
    with pytest.raises(OrderLine.DoesNotExist):
        services.line_confirm(actor=stranger, line_id=line.pk)
    with pytest.raises(PermissionDenied):
        services.line_cancel(actor=world.user("distributor_clerk"), line_id=line.pk, reason="x")
    other_buyer = UserFactory(username="other.buyer", organisation=world.city_hospital, roles=["hospital_buyer"])
    with pytest.raises(OrderLine.DoesNotExist):
        services.line_cancel(actor=other_buyer, line_id=line.pk, reason="x")


def test_what_was_bought_lowers_the_annual_proposal(world, buyer, listed, order_lines, storekeeper):
    """R-LIST-11: the proposal takes the lowest price a product was bought at (accepted) in the last 12 months."""
    from listings import services as listing_services
    from listings.models import AdjustmentProposal

    bought, only_ordered = services.order_submit(actor=buyer, lines=order_lines(10, 5)).order.lines.order_by("id")
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=bought.pk)
    services.shipment_accept(actor=storekeeper, shipment_id=ship(world, bought, 10).pk, accepted_quantity=10)
    # Both listings go up afterwards; only the product actually bought has a lower price to hold it to.
    Listing.objects.filter(product__in=listed).update(price=Decimal("40.00"))
    today = timezone.localdate()
    adjustment = listing_services.adjustment_round_open(
        actor=world.user("provincial_reviewer"),
        year=today.year + 1,
        answer_by=today + timedelta(days=10),
        effective_date=today + timedelta(days=30),
    )
    proposals = {
        p.listing.product_id: p for p in AdjustmentProposal.objects.filter(round=adjustment).select_related("listing")
    }
    assert (proposals[bought.product_id].lowest_purchase_price, proposals[bought.product_id].proposed_price) == (
        Decimal("12.6000"),
        Decimal("12.6000"),
    )
    assert proposals[only_ordered.product_id].lowest_purchase_price is None
    assert proposals[only_ordered.product_id].proposed_price == Decimal("40.00")


def test_a_partly_shipped_line_closes_when_the_distributor_declines_the_rest(world, line, storekeeper):
    """R-ORD-4 (issue 10 #3): the rest declined with a reason; the line completes once its batches are decided."""
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    shipment = ship(world, line, 4)
    services.line_decline(actor=world.user("distributor_clerk"), line_id=line.pk, reason="厂家断货")
    line.refresh_from_db()
    assert (line.status, line.closed_quantity, line.open_quantity, line.reason) == (
        LineStatus.SHIPPED,
        6,
        0,
        "厂家断货",
    )
    with pytest.raises(DomainError):  # nothing is left to ship
        ship(world, line, 1, batch="B2")
    services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=4)
    line.refresh_from_db()
    assert line.status == LineStatus.COMPLETED


def test_a_partly_shipped_line_closes_when_the_hospital_cancels_the_rest(world, line, buyer, storekeeper):
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    shipment = ship(world, line, 3)
    services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=3)
    services.line_cancel(actor=buyer, line_id=line.pk, reason="科室不再需要")
    line.refresh_from_db()
    # No batch waits for acceptance: the line completes at once with the 3 packs it shipped.
    assert (line.status, line.closed_quantity, line.accepted_quantity) == (LineStatus.COMPLETED, 7, 3)


def test_a_fully_shipped_line_has_nothing_left_to_cancel(world, line, buyer):
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    ship(world, line, 10)
    with pytest.raises(Conflict):
        services.line_cancel(actor=buyer, line_id=line.pk, reason="晚了")
    line.refresh_from_db()
    assert (line.status, line.closed_quantity) == (LineStatus.SHIPPED, 0)
