"""The ordering pages: the cart shows the resolved price, the named distributors and a cheaper four-same
price (R-ORD-6); the public batch page (R-ORD-7). Alliance prices' import: test_alliance_import.py."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.orders import services
from procurement.orders.models import AlliancePrice, CartItem, OfflinePurchase, Order, OrderLine
from tests.orders.conftest import BATCH, report

pytestmark = pytest.mark.django_db


def test_the_cart_orders_at_the_resolved_price(world, listed, buyer, client):
    client.force_login(buyer)
    client.post(reverse("orders:cart-add"), {"product": listed[0].pk, "quantity": 3})
    page = client.get(reverse("orders:cart")).content.decode()
    assert "¥12.60" in page and "¥37.80" in page and world.distributor.name in page
    response = client.post(
        reverse("orders:cart"),
        {f"quantity-{listed[0].pk}": 3, f"distributor-{listed[0].pk}": world.distributor.pk, "order": "1"},
    )
    order = Order.objects.get()
    assert response["Location"] == reverse("orders:order-detail", args=[order.pk])
    assert (order.total, order.lines.get().quantity) == (Decimal("37.80"), 3)
    assert not CartItem.objects.exists()


def test_a_cheaper_four_same_price_is_shown_with_both_prices(world, listed, buyer, client):
    product = listed[0]
    AlliancePrice.objects.create(
        platform="吉林省联盟采购平台",
        generic_name=product.generic_name,
        dosage_form=product.dosage_form,
        specification=product.specification,
        manufacturer_name=world.manufacturer.name,
        pack_quantity=14,
        price=Decimal("22.40"),
        effective_date=date(2026, 10, 1),
        imported_by=world.user("platform_admin"),
    )
    client.force_login(buyer)
    client.post(reverse("orders:cart-add"), {"product": product.pk, "quantity": 1})
    page = client.get(reverse("orders:cart")).content.decode()
    # 22.40 for 14 tablets is 11.20 for our pack of 7, against our 12.60.
    assert f'data-testid="alliance-{product.code}"' in page
    assert "¥11.20" in page and "¥12.60" in page and "吉林省联盟采购平台" in page


def test_the_four_same_comparison_rounds_half_up_as_all_money_does(world, listed):
    """Issue 10 #15: 10.0001 for 14 tablets is 5.00005 for our pack of 7 — 5.0001 half up, where Python's
    round() (half to even) says 5.0000."""
    from procurement.orders.selectors import cheaper_on_alliance

    product = listed[0]
    AlliancePrice.objects.create(
        platform="吉林省联盟采购平台",
        generic_name=product.generic_name,
        dosage_form=product.dosage_form,
        specification=product.specification,
        manufacturer_name=world.manufacturer.name,
        pack_quantity=14,
        price=Decimal("10.0001"),
        effective_date=date(2026, 10, 1),
        imported_by=world.user("platform_admin"),
    )
    comparison = cheaper_on_alliance(product, Decimal("12.60"))
    assert (comparison.price, comparison.saving) == (Decimal("5.0001"), Decimal("7.5999"))


def _shipped(world, buyer, product, batch_number, quantity=5):
    line = services.order_submit(
        actor=buyer, lines=[services.LineRequest(product.code, quantity, world.distributor.pk)]
    ).order.lines.get()
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    return services.shipment_create(
        actor=world.user("distributor_clerk"),
        line_id=line.pk,
        quantity=quantity,
        inspection_report=report(),
        **{**BATCH, "batch_number": batch_number},
    )


def test_the_public_sees_accepted_batches_at_the_listing_price_and_nothing_else(
    world, listed, buyer, storekeeper, client
):
    """R-ORD-7 (issue 10 #5): only batches a hospital accepted, at the listing price — never the price the
    hospital negotiated; a batch rejected or still waiting is not shown, nor is its report."""
    from negotiation.models import Agreement

    accepted = _shipped(world, buyer, listed[0], "B-ACCEPTED")
    services.shipment_accept(actor=storekeeper, shipment_id=accepted.pk, accepted_quantity=5)
    rejected = _shipped(world, buyer, listed[0], "B-REJECTED")
    services.shipment_accept(actor=storekeeper, shipment_id=rejected.pk, accepted_quantity=0, reason="外包装破损")
    waiting = _shipped(world, buyer, listed[0], "B-WAITING")
    # The hospital's line was priced at 12.60; make it look negotiated to prove the page does not show it.
    OrderLine.objects.filter(pk=accepted.line_id).update(price="11.11", price_source="agreement")
    assert not Agreement.objects.exists()

    page = client.get(reverse("batches:batches")).content.decode()
    for value in ("B-ACCEPTED", listed[0].generic_name, "¥12.60", world.manufacturer.name, world.distributor.name):
        assert value in page
    assert "B-REJECTED" not in page and "B-WAITING" not in page and "¥11.11" not in page
    report_response = client.get(reverse("batches:batch-report", args=[accepted.pk]))
    assert b"".join(report_response.streaming_content).startswith(b"%PDF")
    for hidden in (rejected, waiting):
        assert client.get(reverse("batches:batch-report", args=[hidden.pk])).status_code == 404
    # The distributor that shipped a batch still reaches its report before acceptance.
    client.force_login(world.user("distributor_clerk"))
    assert client.get(reverse("batches:batch-report", args=[waiting.pk])).status_code == 200


def test_offline_purchases_are_reported_by_the_hospital(world, buyer, client):
    """R-ORD-1: purchases made outside the platform are reported as offline, to be counted."""
    client.force_login(buyer)
    client.post(
        reverse("orders:offline"),
        {
            "description": "急救用肾上腺素注射液",
            "quantity": 10,
            "amount": "58.00",
            "purchased_on": "2026-11-01",
            "reason": "夜间急救，平台配送不及",
        },
    )
    purchase = OfflinePurchase.objects.get()
    assert (purchase.hospital, purchase.amount) == (world.hospital, Decimal("58.00"))
    client.force_login(world.user("county_bureau"))
    assert "急救用肾上腺素注射液" in client.get(reverse("orders:offline")).content.decode()
    client.force_login(world.user("other_hospital_admin"))
    assert "急救用肾上腺素注射液" not in client.get(reverse("orders:offline")).content.decode()
