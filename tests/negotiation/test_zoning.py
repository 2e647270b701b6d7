"""R-NEG-6: red / yellow / blue zoning on a hand-computed example, too few peers, idempotent re-runs."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from negotiation.choices import AgreementStatus, ThreadStatus
from negotiation.jobs import zone_agreements
from negotiation.models import Agreement, AgreementZoning, HospitalZoneDay, Negotiation, ProductZoning
from procurement.organisations.choices import HospitalOwnership
from tests.factories import HospitalFactory, ProductFactory
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db

D = Decimal


def agree(world, hospital, product, price: str) -> Agreement:
    today = timezone.localdate()
    thread = Negotiation.objects.create(
        hospital=hospital,
        product=product,
        manufacturer=product.manufacturer,
        listing_price=D("30"),
        volume=100,
        price=D(price),
        status=ThreadStatus.AGREED,
        requested_by=world.user("hospital_buyer"),
    )
    return Agreement.objects.create(
        negotiation=thread,
        hospital=hospital,
        product=product,
        manufacturer=product.manufacturer,
        price=D(price),
        unit_price=product.unit_price(D(price)),
        listing_price=D("30"),
        volume=100,
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=300),
    )


@pytest.fixture
def example(world, feed):
    """One product (a pack of one unit), five public hospitals at 10, 12, 14, 15, 20, a private one at 5,
    a military one at 14.50, and a national lowest of 14.80 in another province."""
    product = ProductFactory(manufacturer=world.manufacturer, pack_quantity=1)
    make_listing(product, "30.00")
    feed(product.code, "11", "14.80")
    agreements = {price: agree(world, HospitalFactory(), product, price) for price in ("10", "12", "14", "15", "20")}
    others = {
        "5": agree(world, HospitalFactory(ownership=HospitalOwnership.PRIVATE), product, "5"),
        "14.5": agree(world, HospitalFactory(ownership=HospitalOwnership.MILITARY), product, "14.5"),
    }
    return agreements, others


def zoning(agreement) -> AgreementZoning:
    return AgreementZoning.objects.get(agreement=agreement)


def test_the_zones_of_a_hand_computed_example(example):
    agreements, others = example
    counts = zone_agreements()
    assert counts == {"zoned": 7, "changed": 7, "removed": 0}
    expected = {
        # own: (zone, peers' lowest, median, 75th percentile) — peers are the other four public hospitals
        "10": ("none", D("12"), D("14.5"), D("16.25")),  # at or below the peers' lowest
        "12": ("blue", D("10"), D("14.5"), D("16.25")),  # above the lowest
        "14": ("yellow", D("10"), D("13.5"), D("16.25")),  # above the median
        "15": ("red", D("10"), D("13"), D("15.5")),  # below the 75th percentile, but above the national lowest 14.80
        "20": ("red", D("10"), D("13"), D("14.25")),  # above the 75th percentile
    }
    for price, (zone, lowest, median, p75) in expected.items():
        row = zoning(agreements[price])
        assert (row.zone, row.peer_count, row.peer_lowest, row.peer_yellow_line, row.peer_red_line) == (
            zone,
            4,
            lowest,
            median,
            p75,
        ), price
        assert (row.national_lowest, row.unit_price, row.red_percentile, row.yellow_percentile) == (
            D("14.8"),
            D(price),
            D("0.75"),
            D("0.5"),
        )
    # R-NEG-6: a private or military hospital is zoned against all five public hospitals, none left out,
    # and is no one's peer (the public hospitals' figures above count four peers).
    expected = {"5": "none", "14.5": "yellow"}  # peers 10, 12, 14, 15, 20: lowest 10, median 14, 75th 15
    for price, zone in expected.items():
        row = zoning(others[price])
        assert (row.zone, row.peer_count, row.peer_lowest, row.peer_yellow_line, row.peer_red_line) == (
            zone,
            5,
            D("10"),
            D("14"),
            D("15"),
        ), price
    day = HospitalZoneDay.objects.get(hospital=agreements["20"].hospital, day=timezone.localdate())
    assert (day.agreements, day.red, day.red_share) == (1, 1, 1)


def test_fewer_than_three_peers_is_not_zoned(world):
    product = ProductFactory(manufacturer=world.manufacturer, pack_quantity=1)
    make_listing(product, "30.00")
    agreements = [agree(world, HospitalFactory(), product, price) for price in ("10", "20", "25")]
    zone_agreements()
    rows = [zoning(a) for a in agreements]
    assert {row.zone for row in rows} == {"unzoned"}
    assert (rows[2].peer_count, rows[2].peer_lowest, rows[2].peer_yellow_line) == (2, D("10"), D("15"))


def test_a_rerun_changes_nothing_and_a_new_price_is_rezoned(example):
    agreements, others = example
    zone_agreements()
    before = list(AgreementZoning.objects.order_by("pk").values())
    assert zone_agreements() == {"zoned": 7, "changed": 0, "removed": 0}
    assert list(AgreementZoning.objects.order_by("pk").values()) == before
    # The hospital at 20 agrees a new price of 11: the old agreement leaves, every peer's figures move.
    old = agreements["20"]
    Agreement.objects.filter(pk=old.pk).update(status=AgreementStatus.SUPERSEDED)
    new = agree_again(old)
    counts = zone_agreements()
    assert counts["removed"] == 1 and counts["zoned"] == 7
    assert zoning(new).zone == "blue"  # peers 10, 12, 14, 15: above their lowest, below their median
    # The military hospital's peers are now 10, 11, 12, 14, 15: 14.50 is above their median 12, below their 75th 14.
    assert (zoning(others["14.5"]).zone, zoning(others["14.5"]).peer_yellow_line) == ("red", D("12"))
    assert not AgreementZoning.objects.filter(agreement=old).exists()


def agree_again(old: Agreement) -> Agreement:
    return Agreement.objects.create(
        negotiation=old.negotiation,
        hospital=old.hospital,
        product=old.product,
        manufacturer=old.manufacturer,
        price=D("11"),
        unit_price=D("11"),
        listing_price=D("30"),
        volume=100,
        valid_from=old.valid_from,
        valid_until=old.valid_until,
    )


def zoned_on(product) -> set:
    return set(AgreementZoning.objects.filter(product=product).values_list("zoned_on", flat=True))


@pytest.fixture
def two_products(world):
    """Two products with four public hospitals' agreements each, zoned yesterday."""
    products = [ProductFactory(manufacturer=world.manufacturer, pack_quantity=1) for _ in range(2)]
    hospitals = [HospitalFactory() for _ in range(4)]
    agreements = {
        product: [agree(world, hospital, product, price) for hospital, price in zip(hospitals, prices, strict=True)]
        for product, prices in zip(products, (["10", "12", "14", "20"], ["5", "6", "7", "8"]), strict=True)
    }
    yesterday = timezone.localdate() - timedelta(days=1)
    assert zone_agreements(today=yesterday) == {"zoned": 8, "changed": 8, "removed": 0}
    return products, agreements, yesterday


def test_only_the_products_whose_agreements_moved_are_rezoned(two_products):
    """R-NEG-6, incremental: a product whose agreements in force, national lowest and thresholds are as
    they were keeps its rows as written that night; a product with a new agreement is rezoned."""
    (moved, still), agreements, yesterday = two_products
    untouched = list(AgreementZoning.objects.filter(product=still).order_by("pk").values())
    old = agreements[moved][3]
    Agreement.objects.filter(pk=old.pk).update(status=AgreementStatus.SUPERSEDED)
    new = agree_again(old)  # 20 → 11
    counts = zone_agreements()
    assert counts["zoned"] == 8 and counts["removed"] == 1
    assert list(AgreementZoning.objects.filter(product=still).order_by("pk").values()) == untouched
    assert zoned_on(moved) == {timezone.localdate()} and zoned_on(still) == {yesterday}
    assert zoning(new).unit_price == D("11")
    assert ProductZoning.objects.get(product=still).zoned_on == yesterday
    assert ProductZoning.objects.get(product=moved).zoned_on == timezone.localdate()
    # Each hospital's counts of the night include the rows not rewritten.
    assert sum(HospitalZoneDay.objects.filter(day=timezone.localdate()).values_list("agreements", flat=True)) == 8


def test_a_lower_national_price_rezones_its_product(two_products, feed):
    (first, _second), agreements, _yesterday = two_products
    assert zoning(agreements[first][2]).zone == "yellow"  # 14 among 10, 12, 20
    feed(first.code, "31", "13.00")  # a national lowest unit price of 13 elsewhere: 14 is above it
    counts = zone_agreements()
    assert counts["changed"] == 4  # each of the product's rows now carries the national lowest
    assert zoning(agreements[first][2]).zone == "red"


def test_new_thresholds_rezone_every_product(two_products, set_policy):
    set_policy("ZONE_MIN_PEERS", 4)
    assert zone_agreements()["changed"] == 8
    assert set(AgreementZoning.objects.values_list("zone", flat=True)) == {"unzoned"}  # three peers each


def test_a_product_with_nothing_in_force_loses_its_zoning(two_products):
    (first, second), _agreements, _yesterday = two_products
    Agreement.objects.filter(product=first).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert zone_agreements() == {"zoned": 4, "changed": 0, "removed": 4}
    assert not AgreementZoning.objects.filter(product=first).exists()
    assert not ProductZoning.objects.filter(product=first).exists()
    assert AgreementZoning.objects.filter(product=second).count() == 4


def test_a_hospital_no_longer_public_leaves_its_peers(two_products):
    """R-NEG-6: a hospital turned private stays zoned, now against every public hospital, and is no one's peer."""
    (first, _second), agreements, _yesterday = two_products
    at_twenty = agreements[first][3]
    type(at_twenty.hospital).objects.filter(pk=at_twenty.hospital_id).update(ownership=HospitalOwnership.PRIVATE)
    counts = zone_agreements()
    # Its peers' figures moved (each has one peer fewer); its own are as they were: the same three peers.
    assert counts["removed"] == 0 and counts["changed"] == 6
    left = zoning(agreements[first][2])  # 14, now among 10 and 12 only: too few peers
    assert (left.peer_count, left.peer_red_line, left.zone) == (2, D("11.5"), "unzoned")
    private = zoning(at_twenty)  # 20 against 10, 12, 14: three peers, above their 75th percentile 13
    assert (private.peer_count, private.peer_red_line, private.zone) == (3, D("13"), "red")


def zoning_indexes() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.relname, pg_get_indexdef(i.oid), c.conname, pg_get_constraintdef(c.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid
            WHERE x.indrelid = 'negotiation_agreementzoning'::regclass ORDER BY 1
        """)
        return cursor.fetchall()


def test_a_first_night_builds_the_tables_indexes_again_as_they_were(example):
    """An empty zoning is loaded with its indexes dropped and built after the rows: same names, same definitions."""
    before = zoning_indexes()
    assert any(row[2] for row in before)  # the primary key is among them
    zone_agreements()  # loaded
    assert zoning_indexes() == before
    zone_agreements()  # the incremental path leaves them alone
    assert zoning_indexes() == before


def test_leaving_one_out_is_percentile_cont_over_the_peers():
    """peer_percentile (index arithmetic on the sorted prices) equals percentile_cont over the peers."""
    generator = random.Random(7)
    with connection.cursor() as cursor:
        for _ in range(200):
            prices = sorted(D(generator.randint(100, 5000)) / 100 for _ in range(generator.randint(2, 12)))
            rank = generator.randint(1, len(prices))
            peers = prices[: rank - 1] + prices[rank:]
            fraction = generator.choice([D("0"), D("0.5"), D("0.75"), D("0.9")])
            cursor.execute(
                """SELECT peer_percentile(%s::float8[], %s, %s::float8),
                          (SELECT percentile_cont(%s::float8) WITHIN GROUP (ORDER BY p) FROM unnest(%s::numeric[]) p)""",
                [prices, rank, fraction, float(fraction), peers],
            )
            ours, reference = cursor.fetchone()
            assert abs(float(ours) - reference) < 1e-9, (prices, rank, fraction)


def test_a_hospital_outside_the_peers_is_compared_with_all_of_them():
    """R-NEG-6: with no rank (a private or military hospital, not among the public peers) peer_percentile
    is percentile_cont over every price."""
    generator = random.Random(11)
    with connection.cursor() as cursor:
        for _ in range(200):
            prices = sorted(D(generator.randint(100, 5000)) / 100 for _ in range(generator.randint(1, 12)))
            fraction = generator.choice([D("0"), D("0.5"), D("0.75"), D("0.9")])
            cursor.execute(
                """SELECT peer_percentile(%s::float8[], NULL, %s::float8),
                          (SELECT percentile_cont(%s::float8) WITHIN GROUP (ORDER BY p) FROM unnest(%s::numeric[]) p)""",
                [prices, fraction, float(fraction), prices],
            )
            ours, reference = cursor.fetchone()
            assert abs(float(ours) - reference) < 1e-9, (prices, fraction)
