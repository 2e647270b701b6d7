"""R-ORD-2 and R-ORD-3: the one price resolver and its refusals, the named distributors."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from listings.choices import ListingStatus, SuspensionCause
from listings.models import Listing
from procurement.core.errors import DomainError
from procurement.credit import services as credit
from procurement.orders import selectors, services
from procurement.orders.models import Order
from procurement.orders.pricing import Quote, Refusal, resolve_prices
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db


def refusal_codes(world, products):
    answers = resolve_prices(world.hospital, products, timezone.localdate())
    return {
        product.pk: (answer.code if isinstance(answer, Refusal) else answer.price)
        for product, answer in ((p, answers[p.pk]) for p in products)
    }


def test_a_listed_product_is_priced_at_its_listing_price(world, listed):
    answer = resolve_prices(world.hospital, listed, timezone.localdate())[listed[0].pk]
    assert isinstance(answer, Quote)
    assert (answer.price, answer.source) == (Decimal("12.60"), "listing")


@pytest.mark.parametrize(
    "status, cause, code",
    [
        (ListingStatus.SUSPENDED, SuspensionCause.PRICE_LINKAGE, "listing_suspended"),
        (ListingStatus.CLOSED, "", "listing_closed"),
        (ListingStatus.INVALID, "", "listing_invalid"),
        (ListingStatus.WITHDRAWN, "", "listing_withdrawn"),
    ],
)
def test_listings_that_cannot_be_ordered_are_refused_with_the_reason(world, listed, status, cause, code):
    Listing.objects.filter(product=listed[0]).update(status=status, suspension_cause=cause)
    assert refusal_codes(world, listed) == {listed[0].pk: code, listed[1].pk: Decimal("30.0000")}


def test_a_product_never_listed_is_refused(world):
    unlisted = ProductFactory(manufacturer=world.manufacturer)
    assert refusal_codes(world, [unlisted]) == {unlisted.pk: "not_listed"}


def test_a_barred_company_sells_nothing(world, listed):
    credit.bad_record_add(
        actor=world.user("platform_admin"),
        organisation=world.manufacturer,
        starts_on=date(2026, 1, 1),
        reason="商业贿赂",
    )
    assert set(refusal_codes(world, listed).values()) == {"company_barred"}


def test_an_order_with_bad_lines_names_each_and_creates_nothing(world, listed, buyer):
    Listing.objects.filter(product=listed[1]).update(
        status=ListingStatus.SUSPENDED, suspension_cause=SuspensionCause.BUREAU
    )
    unserved = ProductFactory(manufacturer=world.manufacturer)
    make_listing(unserved, "5.00")
    with pytest.raises(DomainError) as error:
        services.order_submit(
            actor=buyer,
            lines=[
                services.LineRequest(listed[0].code, 2, world.distributor.pk),
                services.LineRequest(listed[1].code, 1, world.distributor.pk),
                services.LineRequest(unserved.code, 1, world.distributor.pk),
                services.LineRequest("XC10AA9999990010019999", 1, world.distributor.pk),
            ],
        )
    problems = {problem.field: problem.code for problem in error.value.problems}
    assert problems == {
        "lines[1].product_code": "listing_suspended",
        "lines[2].distributor": "no_distributor",
        "lines[3].product_code": "unknown_product",
    }
    assert not Order.objects.exists()


def test_only_a_named_distributor_for_the_region_delivers(world, listed, buyer):
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(kind="distributor", name="未指定的配送企业", region=world.province)
    with pytest.raises(DomainError) as error:
        services.order_submit(actor=buyer, lines=[services.LineRequest(listed[0].code, 1, other.pk)])
    assert (error.value.problems[0].code, error.value.problems[0].rule) == ("distributor_not_named", "R-ORD-3")


def test_a_designation_for_another_city_does_not_serve_this_hospital(world, buyer):
    product = ProductFactory(manufacturer=world.manufacturer)
    make_listing(product, "5.00")
    services.designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.shizuishan, distributor=world.distributor
    )
    assert selectors.designated_distributors(world.hospital, [product.pk]) == {product.pk: set()}
    assert selectors.designated_distributors(world.other_hospital, [product.pk]) == {product.pk: {world.distributor.pk}}


def test_a_new_price_source_plugs_in_by_precedence(world, listed, buyer, monkeypatch):
    """Later channels add a source; the order code does not change (R-ORD-2: a VBP contract before the rest)."""
    from procurement.orders import pricing

    class ContractSource:
        kind, precedence = "vbp", 10

        def consider(self, hospital, products, on):
            return {products[0].pk: Quote(products[0].pk, Decimal("11.00"), "vbp", "contract:1")}

    monkeypatch.setitem(pricing._sources, "vbp", ContractSource())  # removed again after the test
    submitted = services.order_submit(
        actor=buyer, lines=[services.LineRequest(listed[0].code, 2, world.distributor.pk)]
    )
    line = submitted.order.lines.get()
    assert (line.price, line.price_source, line.amount) == (Decimal("11.0000"), "vbp", Decimal("22.00"))
