"""Issue 12, the hospital buyer's order list: each order's state, filtered by state, the days ordered,
distributor and product (django-filter over ``orders_seen_by``), page by page — and a distributor finds
and sees an order only by its own lines (issue 11 #2)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from procurement.orders import services
from procurement.orders.models import Order
from procurement.organisations.choices import OrganisationKind
from tests.factories import OrganisationFactory
from tests.orders.conftest import BATCH, report

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _order(world, buyer, lines, *, on=None):
    order = services.order_submit(actor=buyer, lines=lines).order
    if on is not None:
        Order.objects.filter(pk=order.pk).update(created_at=on)
    return order


def _rows(page: str) -> dict[int, str]:
    """Order number → its state, as the list shows them."""
    return {
        int(number): state
        for number, state in re.findall(
            r'data-testid="order-(\d+)">.*?data-testid="order-state">([^<]*)</span>', page, flags=re.S
        )
    }


@pytest.fixture
def orders(world, listed, buyer):
    """Four orders of the buyer: one waiting for confirmation, one for shipment, one for acceptance, one
    declined; the first ordered on 1 October (Shanghai time, late in the evening)."""
    clerk = world.user("distributor_clerk")
    waiting = _order(
        world,
        buyer,
        [services.LineRequest(listed[0].code, 1, world.distributor.pk)],
        on=datetime(2026, 10, 1, 23, 30, tzinfo=SHANGHAI),
    )
    confirmed = _order(world, buyer, [services.LineRequest(listed[1].code, 2, world.distributor.pk)])
    services.line_confirm(actor=clerk, line_id=confirmed.lines.get().pk)
    shipped = _order(world, buyer, [services.LineRequest(listed[0].code, 3, world.distributor.pk)])
    line = shipped.lines.get()
    services.line_confirm(actor=clerk, line_id=line.pk)
    services.shipment_create(actor=clerk, line_id=line.pk, quantity=3, inspection_report=report(), **BATCH)
    declined = _order(world, buyer, [services.LineRequest(listed[1].code, 4, world.distributor.pk)])
    services.line_decline(actor=clerk, line_id=declined.lines.get().pk, reason="缺货")
    return waiting, confirmed, shipped, declined


def test_each_order_shows_its_state(world, orders, buyer, client):
    waiting, confirmed, shipped, declined = orders
    client.force_login(buyer)
    rows = _rows(client.get(reverse("orders:order-list")).content.decode())
    assert rows == {
        waiting.pk: "待确认",
        confirmed.pk: "待发货",
        shipped.pk: "待验收",
        declined.pk: "已拒绝或取消",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "awaiting_shipment"}, [1]),
        ({"state": "closed"}, [3]),
        ({"ordered_from": "2026-10-01", "ordered_to": "2026-10-01"}, [0]),  # 23:30 in Shanghai is 1 October
        ({"ordered_to": "2026-09-30"}, []),
    ],
)
def test_orders_are_filtered_by_state_and_the_days_ordered(world, orders, buyer, client, query, expected):
    client.force_login(buyer)
    rows = _rows(client.get(reverse("orders:order-list"), query).content.decode())
    assert sorted(rows) == sorted(orders[index].pk for index in expected)


def test_orders_are_searched_by_product_and_filtered_by_distributor(world, orders, listed, buyer, client):
    _waiting, confirmed, shipped, declined = orders
    client.force_login(buyer)
    by_product = _rows(client.get(reverse("orders:order-list"), {"q": listed[1].code}).content.decode())
    assert sorted(by_product) == sorted([confirmed.pk, declined.pk])
    by_number = _rows(client.get(reverse("orders:order-list"), {"q": f"#{shipped.pk}"}).content.decode())
    assert list(by_number) == [shipped.pk]
    other = OrganisationFactory(kind=OrganisationKind.DISTRIBUTOR, name="华润宁夏医药有限公司", region=world.yinchuan)
    assert _rows(client.get(reverse("orders:order-list"), {"distributor": other.pk}).content.decode()) == {}
    assert (
        len(_rows(client.get(reverse("orders:order-list"), {"distributor": world.distributor.pk}).content.decode()))
        == 4
    )


def test_a_distributor_finds_an_order_by_its_own_lines_only(world, listed, buyer, client):
    """Issue 11 #2: an order with another distributor's line is found by that line's product only by that
    distributor; the state a distributor sees is that of its own lines; it is offered no distributor filter."""
    other = OrganisationFactory(kind=OrganisationKind.DISTRIBUTOR, name="华润宁夏医药有限公司", region=world.yinchuan)
    services.designation_add(
        actor=world.user("manufacturer_clerk"), product=listed[1], region=world.province, distributor=other
    )
    shared = _order(
        world,
        buyer,
        [
            services.LineRequest(listed[0].code, 1, world.distributor.pk),
            services.LineRequest(listed[1].code, 1, other.pk),
        ],
    )
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=shared.lines.get(product=listed[0]).pk)
    client.force_login(world.user("distributor_clerk"))
    page = client.get(reverse("orders:order-list")).content.decode()
    assert _rows(page) == {shared.pk: "待发货"}  # its own line is confirmed; the other's still waits
    assert 'name="distributor"' not in page
    assert _rows(client.get(reverse("orders:order-list"), {"q": listed[1].code}).content.decode()) == {}
    assert _rows(client.get(reverse("orders:order-list"), {"q": listed[0].code}).content.decode()) == {
        shared.pk: "待发货"
    }
    client.force_login(buyer)
    assert _rows(client.get(reverse("orders:order-list")).content.decode()) == {shared.pk: "待确认"}


def test_the_list_is_paginated_and_keeps_its_filter_from_page_to_page(world, listed, buyer, client):
    for _ in range(51):
        _order(world, buyer, [services.LineRequest(listed[0].code, 1, world.distributor.pk)])
    client.force_login(buyer)
    first = client.get(reverse("orders:order-list"), {"state": "awaiting_confirmation"}).content.decode()
    assert len(_rows(first)) == 50 and "state=awaiting_confirmation&amp;page=2" in first
    second = client.get(reverse("orders:order-list"), {"state": "awaiting_confirmation", "page": 2})
    assert len(_rows(second.content.decode())) == 1
