"""R-ORD-5: a HIS order with an idempotency key is made once, whatever the retries."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from procurement.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db


def body(world, listed, quantity=2):
    return {"lines": [{"product_code": listed[0].code, "quantity": quantity, "distributor": world.distributor.pk}]}


def post(client, key, data, his_key):
    return client.post(
        reverse("api:order-list"),
        data=json.dumps(data),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {his_key}",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_retry_with_the_same_key_returns_the_first_order(world, listed, his_key, client):
    first = post(client, "HIS-2026-0001", body(world, listed), his_key)
    assert first.status_code == 201
    again = post(client, "HIS-2026-0001", body(world, listed), his_key)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Order.objects.count() == 1 and OrderLine.objects.count() == 1
    order = Order.objects.get()
    assert (order.source, order.idempotency_key) == ("his", "HIS-2026-0001")


def test_the_same_key_with_another_body_is_refused(world, listed, his_key, client):
    post(client, "HIS-2026-0002", body(world, listed), his_key)
    response = post(client, "HIS-2026-0002", body(world, listed, quantity=3), his_key)
    assert response.status_code == 409
    assert response.json()["errors"][0] == {
        "field": "Idempotency-Key",
        "rule": "R-ORD-5",
        "code": "idempotency_key_reused",
        "message": response.json()["errors"][0]["message"],
        "params": {},
    }
    assert OrderLine.objects.get().quantity == 2


def test_a_refused_order_does_not_keep_its_key(world, listed, his_key, client):
    bad = {"lines": [{"product_code": "XC10AA9999990010019999", "quantity": 1, "distributor": world.distributor.pk}]}
    assert post(client, "HIS-2026-0003", bad, his_key).status_code == 400
    assert post(client, "HIS-2026-0003", body(world, listed), his_key).status_code == 201


def test_keys_are_per_hospital(world, listed, his_key, client):
    from procurement.organisations import services

    _token, other_key = services.api_token_create(
        actor=world.user("city_hospital_admin"), hospital=world.city_hospital, name="HIS"
    )
    from procurement.orders import services as order_services

    order_services.designation_add(
        actor=world.user("manufacturer_clerk"), product=listed[0], region=world.province, distributor=world.distributor
    )
    assert post(client, "SAME-KEY", body(world, listed), his_key).status_code == 201
    assert post(client, "SAME-KEY", body(world, listed), other_key).status_code == 201
    assert Order.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_make_one_order(world, listed, his_key):
    results, barrier = [], threading.Barrier(2)

    def send():
        client = Client()
        barrier.wait()
        try:
            results.append(post(client, "HIS-CONCURRENT", body(world, listed), his_key).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 201]
    assert Order.objects.count() == 1 and OrderLine.objects.count() == 1


def test_the_answer_to_an_order_is_the_order_as_stored(world, listed, his_key, client):
    """The create answer is built from what was written, without reading it back: it must be what a read returns."""
    lines = [
        {"product_code": product.code, "quantity": quantity, "distributor": world.distributor.pk}
        for product, quantity in zip(listed[:2], (3, 7), strict=True)
    ]
    created = post(client, "HIS-2026-0100", {"lines": lines, "note": "急诊"}, his_key)
    assert created.status_code == 201
    stored = client.get(reverse("api:order-detail", args=[created.json()["id"]]), HTTP_AUTHORIZATION=f"Token {his_key}")
    assert created.json() == stored.json()
    assert [line["quantity"] for line in stored.json()["lines"]] == [3, 7]
    assert Order.objects.get().total == sum(line.amount for line in OrderLine.objects.all())


def test_a_his_order_without_a_key_is_refused_and_makes_no_order(world, listed, his_key, client):
    """R-ORD-5 (issue 10 #9): without a key a retry would make a second order."""
    response = client.post(
        reverse("api:order-list"),
        body(world, listed),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {his_key}",
    )
    assert response.status_code == 400
    problem = response.json()["errors"][0]
    assert (problem["field"], problem["rule"], problem["code"]) == ("Idempotency-Key", "R-ORD-5", "required")
    assert not Order.objects.exists()


@pytest.mark.parametrize("key", ["订单-001", "HIS\t001", "x" * 101])
def test_a_key_that_is_not_printable_ascii_or_too_long_is_refused(world, listed, his_key, client, key):
    """Issue 11 #11: a key is stored exactly as sent or refused — never mangled."""
    response = client.post(
        reverse("api:order-list"),
        body(world, listed),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {his_key}",
        HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"),
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Order.objects.exists()
