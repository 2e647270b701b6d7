"""Issue 12: the message after an action names what was done ("批次 DH20260901 已发货 5 盒"), never only
"操作成功" — in the pages of orders, listings and negotiation."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from procurement.orders import services
from tests.orders.conftest import BATCH, report

pytestmark = pytest.mark.django_db

GENERIC = {
    "Done.",
    "Saved.",
    "Reported.",
    "Decision recorded.",
    "Answer recorded.",
    "Rejected.",
    "Declaration saved.",
    "Your counter-offer was sent.",
    "The negotiation was declined.",
}


def _last_message(response) -> str:
    return str(list(response.context["messages"])[-1])


@pytest.mark.parametrize("views", ["procurement/orders/views.py", "listings/views.py", "negotiation/views.py"])
def test_no_success_message_of_these_pages_is_a_bare_done(views):
    tree = ast.parse(Path(settings.BASE_DIR, views).read_text())
    said = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in ("_", "gettext", "gettext_lazy")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert said & GENERIC == set()


def test_accepting_and_returning_a_batch_name_the_batch_and_the_packs(world, buyer, order_lines, storekeeper, client):
    line = services.order_submit(actor=buyer, lines=order_lines(5)).order.lines.get()
    clerk = world.user("distributor_clerk")
    services.line_confirm(actor=clerk, line_id=line.pk)
    shipment = services.shipment_create(
        actor=clerk, line_id=line.pk, quantity=5, inspection_report=report(), **{**BATCH, "batch_number": "DH20260901"}
    )
    client.force_login(storekeeper)
    response = client.post(
        reverse("orders:shipment-action", args=[shipment.pk, "accept"]), {"quantity": "5"}, follow=True
    )
    assert _last_message(response) == "批次 DH20260901 已验收入库 5 盒。"
    client.force_login(clerk)
    response = client.post(
        reverse("orders:shipment-action", args=[shipment.pk, "return"]),
        {"quantity": "2", "reason": "破损"},
        follow=True,
    )
    assert _last_message(response) == "批次 DH20260901：已登记退货 2 盒。"


def test_naming_a_distributor_says_who_delivers_what_where(world, listed, client):
    client.force_login(world.user("manufacturer_clerk"))
    response = client.post(
        reverse("orders:designations"),
        {"product": listed[0].pk, "region": world.yinchuan.pk, "distributor": world.distributor.pk},
        follow=True,
    )
    message = _last_message(response)
    assert world.distributor.name in message and listed[0].generic_name in message and "银川市" in message


def test_an_offline_purchase_reported_is_named(world, buyer, client):
    client.force_login(buyer)
    response = client.post(
        reverse("orders:offline"),
        {
            "description": "急救用肾上腺素注射液",
            "quantity": 10,
            "amount": "58.00",
            "purchased_on": "2026-11-01",
            "reason": "夜间急救",
        },
        follow=True,
    )
    assert _last_message(response) == "网下采购已上报：急救用肾上腺素注射液，10 盒，¥58.00。"
