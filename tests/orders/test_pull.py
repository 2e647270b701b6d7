"""R-ORD-5: the HIS pull cursor never skips a row committed after a later one."""

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement.orders import services
from procurement.orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


def pull(client, key, cursor=""):
    response = client.get(reverse("api:his-order-lines"), {"cursor": cursor}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    return response.json()


def test_a_transaction_that_commits_after_a_later_one_is_not_skipped(world, listed, buyer, his_key, client):
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    dsn = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"] or None, "port": db["PORT"] or None}
    slow = psycopg.connect(**{k: v for k, v in dsn.items() if v})
    try:
        # T1 begins and writes a line, but does not commit yet.
        order_id = Order.objects.create(hospital=world.hospital, placed_by=buyer, total=0).pk
        slow.execute("BEGIN")
        slow.execute(
            """INSERT INTO orders_orderline (order_id, hospital_id, product_id, manufacturer_id, distributor_id, quantity,
                   price, price_source, price_reference, amount, status, shipped_quantity, accepted_quantity,
                   returned_quantity, reason, created_at, change_xid)
               VALUES (%s, %s, %s, %s, %s, 1, 12.6, 'listing', '', 12.6, 'submitted', 0, 0, 0, '', now(), 0)""",
            [order_id, world.hospital.pk, listed[1].pk, world.manufacturer.pk, world.distributor.pk],
        )
        # T2, later, orders and commits.
        services.order_submit(actor=buyer, lines=[services.LineRequest(listed[0].code, 2, world.distributor.pk)])
        first = pull(client, his_key)
        assert first["results"] == []  # held back: an older transaction is still running
        slow.commit()  # T1 commits after T2
        second = pull(client, his_key, first["next_cursor"])
        assert sorted(row["product_code"] for row in second["results"]) == sorted([listed[0].code, listed[1].code])
        third = pull(client, his_key, second["next_cursor"])
        assert third["results"] == []
    finally:
        slow.close()
    connection.close()


def test_a_changed_row_comes_back_and_pages_follow_the_cursor(world, listed, buyer, his_key, client):
    line = services.order_submit(
        actor=buyer, lines=[services.LineRequest(listed[0].code, 2, world.distributor.pk)]
    ).order.lines.get()
    page = pull(client, his_key)
    assert [row["status"] for row in page["results"]] == ["submitted"]
    services.line_confirm(actor=world.user("distributor_clerk"), line_id=line.pk)
    page = pull(client, his_key, page["next_cursor"])
    assert [row["status"] for row in page["results"]] == ["confirmed"]


def test_a_his_pulls_only_its_hospitals_lines(world, listed, buyer, his_key, client):
    from procurement.organisations import services as organisation_services

    services.order_submit(actor=buyer, lines=[services.LineRequest(listed[0].code, 2, world.distributor.pk)])
    _token, other_key = organisation_services.api_token_create(
        actor=world.user("city_hospital_admin"), hospital=world.city_hospital, name="HIS"
    )
    assert pull(client, other_key)["results"] == []
    assert len(pull(client, his_key)["results"]) == 1


def test_a_his_pulls_listing_price_changes(world, listed, his_key, client):
    """R-ORD-5: prices too: a HIS keeps its drug dictionary current from the listing changes."""
    from listings.models import Listing

    url = reverse("api:his-listing-prices")
    first = client.get(url, HTTP_AUTHORIZATION=f"Token {his_key}").json()
    assert {row["product_code"]: row["price"] for row in first["results"]} == {
        listed[0].code: "12.6000",
        listed[1].code: "30.0000",
    }
    listing = Listing.objects.get(product=listed[1])
    listing.price = listing.price - 2
    listing.save(update_fields=["price"])
    second = client.get(url, {"cursor": first["next_cursor"]}, HTTP_AUTHORIZATION=f"Token {his_key}").json()
    assert [(row["product_code"], row["price"]) for row in second["results"]] == [(listed[1].code, "28.0000")]
    bad = client.get(url, {"cursor": "yesterday"}, HTTP_AUTHORIZATION=f"Token {his_key}")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    "running, next_id, widened",
    [
        (100, 200, 100),  # epoch 0
        (4_294_967_290, 4_294_967_296 + 5, 4_294_967_290),  # begun before the wraparound, epoch 0
        (3, 4_294_967_296 + 5, 4_294_967_296 + 3),  # begun after it, epoch 1
        (5, 4_294_967_296 + 5, 4_294_967_296 + 5),  # the next id itself
        (2_147_483_800, 2 * 4_294_967_296 + 100, 4_294_967_296 + 2_147_483_800),  # almost half an epoch back
        (1_000_010, 1_000_000, 1_000_010),  # given an id just after the next was read: ahead, same epoch
        (3, 4_294_967_296 - 5, 4_294_967_296 + 3),  # …and across the wraparound
    ],
)
def test_a_running_transactions_32_bit_id_is_widened_with_its_epoch(running, next_id, widened):
    """R-ORD-5: the horizon compares 64-bit ids, also past a wraparound (issue 10, #10)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT xid_widened(%s::text::xid, %s)", [running, next_id])
        assert cursor.fetchone()[0] == widened


def test_the_horizon_is_the_64_bit_id_of_the_oldest_transaction_still_running(world):
    import psycopg
    from django.conf import settings

    from procurement.core.changes import visible_horizon

    db = settings.DATABASES["default"]
    dsn = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"] or None, "port": db["PORT"] or None}
    with psycopg.connect(**{k: v for k, v in dsn.items() if v}) as slow:
        slow.execute("BEGIN")
        running = slow.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0]
        assert visible_horizon() == running
        slow.rollback()
    assert visible_horizon() > running
    connection.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["w0", "w1", "w2", "pull"]), min_size=1, max_size=24))
def test_the_pull_cursor_never_skips_a_row_whatever_the_order_of_commits(world, listed, buyer, schedule):
    """R-ORD-5: three writers begin, write and commit in any interleaving while a HIS pulls; every line
    committed is pulled once, none before it commits, none skipped by a cursor that moved past it."""
    import psycopg
    from django.conf import settings as django_settings

    from procurement.core.changes import pull
    from procurement.orders.models import Order, OrderLine

    db = django_settings.DATABASES["default"]
    dsn = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"] or None, "port": db["PORT"] or None}
    order = Order.objects.create(hospital=world.hospital, placed_by=buyer, total=0)
    writers = {name: psycopg.connect(**{k: v for k, v in dsn.items() if v}) for name in ("w0", "w1", "w2")}
    open_lines: dict[str, list[int]] = {name: [] for name in writers}
    committed: set[int] = set()
    pulled: list[int] = []
    cursor = None
    lines = OrderLine.objects.filter(order=order)

    def pull_once():
        nonlocal cursor
        page = pull(world.user("hospital_admin"), lines, cursor)
        cursor = page.next_cursor
        for row in page.rows:
            assert row.pk in committed, "a line is pulled only once it has committed"
            pulled.append(row.pk)

    try:
        for step in schedule:
            if step == "pull":
                pull_once()
                continue
            connection_ = writers[step]
            if not open_lines[step]:
                (line_id,) = connection_.execute(
                    """INSERT INTO orders_orderline (order_id, hospital_id, product_id, manufacturer_id, distributor_id,
                           quantity, price, price_source, price_reference, amount, status, shipped_quantity,
                           accepted_quantity, returned_quantity, reason, created_at, change_xid)
                       VALUES (%s, %s, %s, %s, %s, 1, 12.6, 'listing', '', 12.6, 'submitted', 0, 0, 0, '', now(), 0)
                       RETURNING id""",
                    [order.pk, world.hospital.pk, listed[0].pk, world.manufacturer.pk, world.distributor.pk],
                ).fetchone()
                open_lines[step].append(line_id)
            else:
                connection_.commit()
                committed.update(open_lines[step])
                open_lines[step] = []
        for name, connection_ in writers.items():
            connection_.commit()
            committed.update(open_lines[name])
        for _ in range(len(committed) + 2):
            pull_once()
        assert sorted(pulled) == sorted(committed), "every committed line pulled, exactly once"
    finally:
        for connection_ in writers.values():
            connection_.close()
