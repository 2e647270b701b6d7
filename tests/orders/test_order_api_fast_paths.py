"""The HIS order path's shortcuts give what DRF gives: the order body checked in plain Python
(``OrderInputSerializer``: the same validated data, and DRF's own errors for anything else), and the
order answered by a compiled plan (``RepresentedDirectly``: field for field DRF's representation)."""

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from procurement.orders import services
from procurement.orders.api.serializers import OrderInputSerializer, OrderLineSerializer, OrderSerializer
from procurement.orders.models import Order
from tests.orders.conftest import BATCH, report


class DrfOnly(OrderInputSerializer):
    """The body checked by DRF alone, as before the plain-Python path."""

    def run_validation(self, data=serializers.empty):
        return serializers.Serializer.run_validation(self, data)


def checked(serializer_class, data):
    serializer = serializer_class(data=data)
    if serializer.is_valid():
        return True, json.loads(json.dumps(serializer.validated_data))
    return False, json.loads(json.dumps(serializer.errors))


TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["XC10AA0001610010010016 ", " ", "", "x" * 24, "x" * 23, "a\x00b", "\ud800", "　全角　"]),
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=2_000_000),
    st.sampled_from([0, 1, 1_000_000, 1_000_001, 10**30, -(10**30)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([3.0, 2.5, "3", "3.0", " 7 ", "1e3", "abc"]),
    TEXT,
)
LINE = st.one_of(
    st.fixed_dictionaries(  # mostly well formed
        {
            "product_code": TEXT,
            "quantity": st.integers(min_value=-1, max_value=1_000_001),
            "distributor": st.one_of(st.integers(), st.booleans()),
        }
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "product_code": st.one_of(TEXT, SCALAR),
            "quantity": SCALAR,
            "distributor": SCALAR,
            "extra": SCALAR,
        },
    ),
    SCALAR,
    st.lists(SCALAR, max_size=2),
)
BODY = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "lines": st.one_of(st.lists(LINE, max_size=4), SCALAR, st.dictionaries(st.text(max_size=3), SCALAR)),
            "note": st.one_of(TEXT, SCALAR, st.just("备注" * 101), st.just("  " + "注" * 200 + "  ")),
        },
    ),
    SCALAR,
    st.lists(SCALAR, max_size=2),
)


@given(BODY)
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_body_is_checked_as_drf_checks_it(body):
    assert checked(OrderInputSerializer, body) == checked(DrfOnly, body)


@pytest.mark.parametrize(
    "body",
    [
        {"lines": [{"product_code": " XC10AA0001610010010016 ", "quantity": 3, "distributor": 7}], "note": " 急 "},
        {"lines": [{"product_code": "XC10AA0001610010010016", "quantity": 1_000_000, "distributor": 7}]},
        {"lines": [], "note": ""},
        {"lines": [{"product_code": "x", "quantity": 1, "distributor": 5, "unknown": "ignored"}], "extra": 1},
    ],
)
def test_the_usual_shapes_take_the_plain_python_path(body, monkeypatch):
    def drf_is_not_asked(self, data):
        raise AssertionError("DRF's validation was run")

    expected = checked(DrfOnly, body)
    monkeypatch.setattr(serializers.Serializer, "run_validation", drf_is_not_asked)
    assert checked(OrderInputSerializer, body) == expected and expected[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"lines": [{"product_code": "x" * 24, "quantity": 0, "distributor": "a"}]},
        {"lines": [{"product_code": " ", "quantity": True}], "note": "注" * 201},
        {"lines": {"product_code": "x"}},
        {"lines": [["x", 1, 2]]},
        {"note": 5},
        [1, 2],
    ],
)
def test_a_refused_body_has_drfs_error_body(world, his_key, client, body, monkeypatch):
    def post():
        return client.post(
            reverse("api:order-list"),
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {his_key}",
            HTTP_IDEMPOTENCY_KEY="K-1",
        )

    answered = post()
    monkeypatch.setattr(OrderInputSerializer, "run_validation", DrfOnly.run_validation)
    before = post()
    assert answered.status_code == before.status_code == 400
    assert answered.json() == before.json()
    assert answered.json()["errors"]


def generic(serializer, instance):
    """DRF's own walk over the fields, nested lines included."""
    result = serializers.Serializer.to_representation(serializer, instance)
    if "lines" in result:
        result["lines"] = [generic(OrderLineSerializer(), line) for line in instance.lines.all()]
    return result


@pytest.mark.django_db
def test_an_order_is_represented_as_drf_represents_it(world, listed, buyer, order_lines, storekeeper):
    submitted = services.order_submit(actor=buyer, lines=order_lines(3, 7), note="急诊 ", idempotency_key="K-2")
    fresh = Order.objects.prefetch_related("lines__product").get(pk=submitted.order.pk)
    assert OrderSerializer(submitted.order).data == generic(OrderSerializer(), fresh) == OrderSerializer(fresh).data
    # lines that moved on: declined with a reason, shipped, accepted in part, returned
    first, second = fresh.lines.order_by("pk")
    services.line_decline(actor=world.user("distributor_clerk"), line_id=first.pk, reason="缺货")
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=second.pk)
    shipment = services.shipment_create(
        actor=world.user("distributor_clerk"), line_id=second.pk, quantity=7, inspection_report=report(), **BATCH
    )
    services.shipment_accept(actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=5, reason="破损")
    services.shipment_return(
        actor=world.user("distributor_clerk"), shipment_id=shipment.pk, quantity=1, reason="近效期"
    )
    moved = Order.objects.prefetch_related("lines__product").get(pk=submitted.order.pk)
    data = OrderSerializer(moved).data
    assert data == generic(OrderSerializer(), moved)
    assert (data["lines"][0]["status"], data["lines"][0]["reason"]) == ("declined", "缺货")
    assert (data["lines"][1]["accepted_quantity"], data["lines"][1]["returned_quantity"]) == (5, 1)
    assert list(data) == OrderSerializer.Meta.fields
    assert list(data["lines"][0]) == OrderLineSerializer.Meta.fields
    # a browser order has no idempotency key (None), and many orders at once read the same
    browser = services.order_submit(actor=buyer, lines=order_lines(1)).order
    orders = list(Order.objects.prefetch_related("lines__product").order_by("pk"))
    assert OrderSerializer(orders, many=True).data == [generic(OrderSerializer(), order) for order in orders]
    assert OrderSerializer(browser).data["idempotency_key"] is None
