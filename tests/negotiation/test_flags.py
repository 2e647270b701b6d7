"""R-NEG-7's flags for supervision, each at its boundary (issue 10, #8): long-term non-negotiation
(negotiable purchases, no agreement for NON_NEGOTIATION_DAYS), a red-zone share above RED_SHARE_FLAG,
abnormal purchases above ABNORMAL_PURCHASE_FACTOR × the monthly average (R-SUP-4)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from negotiation import selectors, services
from negotiation.choices import AgreementStatus, ThreadStatus, Zone
from negotiation.models import Agreement, AgreementZoning, Negotiation
from procurement.orders import services as order_services
from procurement.orders.models import OrderLine
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db

D = Decimal


def kinds(world, kind):
    return [flag.hospital for flag in selectors.flags(world.user("provincial_supervisor")) if flag.kind == kind]


def buy(world, buyer, product, packs, days_ago=0):
    order = order_services.order_submit(
        actor=buyer, lines=[order_services.LineRequest(product.code, packs, world.distributor.pk)]
    ).order
    OrderLine.objects.filter(order=order).update(created_at=timezone.now() - timedelta(days=days_ago))


def agreement(world, hospital, product, *, valid_from, valid_until, price="25.00"):
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
        valid_from=valid_from,
        valid_until=valid_until,
        status=AgreementStatus.ACTIVE,
    )


class TestLongTermNonNegotiation:
    def test_negotiable_purchases_and_no_agreement_are_flagged_even_with_a_request(self, world, buyer, product):
        buy(world, buyer, product, 5)
        assert kinds(world, "non_negotiation") == [world.hospital]
        # asking is not negotiating: an open request with no agreement still leaves the flag
        services.negotiation_request(actor=buyer, request=services.Request(product, "25", 10))
        assert kinds(world, "non_negotiation") == [world.hospital]

    def test_an_agreement_in_force_within_the_window_clears_it_and_one_that_ended_before_does_not(
        self, world, buyer, product
    ):
        buy(world, buyer, product, 5)
        today = timezone.localdate()
        old = agreement(
            world,
            world.hospital,
            product,
            valid_from=today - timedelta(days=400),
            valid_until=today - timedelta(days=181),
        )
        assert kinds(world, "non_negotiation") == [world.hospital]
        Agreement.objects.filter(pk=old.pk).update(valid_until=today - timedelta(days=180))
        assert kinds(world, "non_negotiation") == []

    def test_purchases_of_products_that_may_not_be_negotiated_are_not_counted(self, world, buyer):
        fixed = ProductFactory(manufacturer=world.manufacturer, is_national_negotiated=True, payment_standard=D("30"))
        make_listing(fixed, "30.00")
        order_services.designation_add(
            actor=world.user("manufacturer_clerk"), product=fixed, region=world.province, distributor=world.distributor
        )
        buy(world, buyer, fixed, 5)
        assert kinds(world, "non_negotiation") == []

    def test_purchases_before_the_window_are_not_counted(self, world, buyer, product, set_policy):
        set_policy("NON_NEGOTIATION_DAYS", 30)
        buy(world, buyer, product, 5, days_ago=31)
        assert kinds(world, "non_negotiation") == []


class TestRedShare:
    def zone(self, world, hospital, zones):
        today = timezone.localdate()
        for zone in zones:
            product = ProductFactory(manufacturer=world.manufacturer)
            made = agreement(world, hospital, product, valid_from=today, valid_until=today + timedelta(days=300))
            AgreementZoning.objects.create(
                agreement=made,
                hospital=hospital,
                product=product,
                zone=zone,
                unit_price=made.unit_price,
                peer_count=5,
                yellow_percentile=D("0.5"),
                red_percentile=D("0.75"),
                zoned_on=today,
            )

    def test_a_share_above_the_threshold_is_flagged_and_one_at_it_is_not(self, world):
        self.zone(world, world.hospital, [Zone.RED] * 3 + [Zone.BLUE] * 7)  # 30 %: at the threshold
        self.zone(world, world.city_hospital, [Zone.RED] * 4 + [Zone.NONE] * 6)  # 40 %
        self.zone(world, world.other_hospital, [Zone.RED, Zone.UNZONED, Zone.UNZONED])  # 1 of 1 zoned
        assert sorted(h.pk for h in kinds(world, "red_share")) == sorted(
            [world.city_hospital.pk, world.other_hospital.pk]
        )


class TestAbnormalPurchases:
    def test_above_the_factor_times_the_monthly_average_is_flagged_and_at_it_is_not(self, world, buyer, product):
        for month in range(6):  # 10 packs a month over the six months before the last 30 days
            buy(world, buyer, product, 10, days_ago=31 + 30 * month)
        buy(world, buyer, product, 30)  # 3 × 10: at the factor
        assert kinds(world, "abnormal_purchase") == []
        buy(world, buyer, product, 1)  # 31
        assert kinds(world, "abnormal_purchase") == [world.hospital]
