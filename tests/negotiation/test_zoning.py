"""R-NEG-6: red / yellow / blue zoning on a hand-computed example, too few peers, idempotent re-runs."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from negotiation.choices import AgreementStatus, ThreadStatus
from negotiation.jobs import zone_agreements
from negotiation.models import Agreement, AgreementZoning, HospitalZoneDay, Negotiation
from procurement.organisations.choices import HospitalOwnership
from tests.factories import HospitalFactory, ProductFactory
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db

D = Decimal


def agree(world, hospital, product, price: str) -> Agreement:
    today = timezone.localdate()
    thread = Negotiation.objects.create(hospital=hospital, product=product, manufacturer=product.manufacturer,
                                        listing_price=D("30"), volume=100, price=D(price), status=ThreadStatus.AGREED,
                                        requested_by=world.user("hospital_buyer"))  # fmt: skip
    return Agreement.objects.create(negotiation=thread, hospital=hospital, product=product,
                                    manufacturer=product.manufacturer, price=D(price),
                                    unit_price=product.unit_price(D(price)), listing_price=D("30"), volume=100,
                                    valid_from=today - timedelta(days=10), valid_until=today + timedelta(days=300))  # fmt: skip


@pytest.fixture
def example(world, feed):
    """One product (a pack of one unit), five public hospitals at 10, 12, 14, 15, 20, a private one at 5,
    and a national lowest of 14.80 in another province."""
    product = ProductFactory(manufacturer=world.manufacturer, pack_quantity=1)
    make_listing(product, "30.00")
    feed(product.code, "11", "14.80")
    agreements = {price: agree(world, HospitalFactory(), product, price) for price in ("10", "12", "14", "15", "20")}
    private = agree(world, HospitalFactory(ownership=HospitalOwnership.PRIVATE), product, "5")
    return agreements, private


def zoning(agreement) -> AgreementZoning:
    return AgreementZoning.objects.get(agreement=agreement)


def test_the_zones_of_a_hand_computed_example(example):
    agreements, private = example
    counts = zone_agreements()
    assert counts == {"zoned": 5, "changed": 5, "removed": 0}
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
            zone, 4, lowest, median, p75), price  # fmt: skip
        assert (row.national_lowest, row.unit_price, row.red_percentile, row.yellow_percentile) == (
            D("14.8"), D(price), D("0.75"), D("0.5"))  # fmt: skip
    assert not AgreementZoning.objects.filter(
        agreement=private
    ).exists()  # a private hospital is neither zoned nor a peer
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
    agreements, _private = example
    zone_agreements()
    before = list(AgreementZoning.objects.order_by("pk").values())
    assert zone_agreements() == {"zoned": 5, "changed": 0, "removed": 0}
    assert list(AgreementZoning.objects.order_by("pk").values()) == before
    # The hospital at 20 agrees a new price of 11: the old agreement leaves, every peer's figures move.
    old = agreements["20"]
    Agreement.objects.filter(pk=old.pk).update(status=AgreementStatus.SUPERSEDED)
    new = agree_again(old)
    counts = zone_agreements()
    assert counts["removed"] == 1 and counts["zoned"] == 5
    assert zoning(new).zone == "blue"  # peers 10, 12, 14, 15: above their lowest, below their median
    assert not AgreementZoning.objects.filter(agreement=old).exists()


def agree_again(old: Agreement) -> Agreement:
    return Agreement.objects.create(negotiation=old.negotiation, hospital=old.hospital, product=old.product,
                                    manufacturer=old.manufacturer, price=D("11"), unit_price=D("11"),
                                    listing_price=D("30"), volume=100, valid_from=old.valid_from,
                                    valid_until=old.valid_until)  # fmt: skip


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
