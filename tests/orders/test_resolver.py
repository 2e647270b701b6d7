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


class ContractSql:
    """A channel's source that declares its SQL (as VBP will): contract prices for some products, and a
    refusal for a product whose contract was broken — the facts read from a VALUES list built here."""

    kind, label, precedence = "vbp", "contract price", 10
    sql_columns = ("price", "broken")

    def __init__(self, hospital, contracts: dict[int, tuple[str, bool]]):
        self.hospital = hospital
        rows = ", ".join(f"({pk}, {price}::numeric, {broken})" for pk, (price, broken) in contracts.items())
        self.values = rows

    def sql(self):
        return (
            f"SELECT c.price, c.broken FROM (VALUES {self.values}) AS c(product_id, price, broken)"
            f" WHERE c.product_id = p.id AND %(hospital)s::bigint = {self.hospital.pk} AND %(on)s::date IS NOT NULL"
        )

    def answer(self, hospital, product, values, on):
        price, broken = values
        if price is None:
            return None
        if broken:
            return Refusal(product.pk, "contract_broken", "合同已终止", rule="R-ORD-2")
        return Quote(product.pk, price, self.kind, f"contract:{product.pk}", self.label)

    def consider(self, hospital, products, on):
        from procurement.orders.pricing import considered_by_sql

        return considered_by_sql(self, hospital, products, on)


def test_a_source_declaring_its_sql_is_read_with_the_others_in_one_statement(world, listed, buyer, monkeypatch):
    from procurement.core import internals
    from procurement.orders import pricing

    third = ProductFactory(manufacturer=world.manufacturer)
    make_listing(third, "8.00")
    contracts = ContractSql(world.hospital, {listed[0].pk: ("11.00", False), third.pk: ("7.00", True)})
    monkeypatch.setitem(pricing._sources, "vbp", contracts)  # removed again after the test
    reads = []
    fetch_all = internals.fetch_all
    monkeypatch.setattr(internals, "fetch_all", lambda query, params: reads.append(query) or fetch_all(query, params))

    answers = resolve_prices(world.hospital, [*listed, third], timezone.localdate())

    assert len(reads) == 1, "every SQL-declaring source (credit, contract, agreement, listing) in one statement"
    assert (answers[listed[0].pk].price, answers[listed[0].pk].source) == (Decimal("11.00"), "vbp")
    assert (answers[listed[1].pk].price, answers[listed[1].pk].source) == (Decimal("30.0000"), "listing")
    assert answers[third.pk].code == "contract_broken", "a refusal wins over the listing's quote"
    # asked alone, the source answers the same
    alone = contracts.consider(world.hospital, [*listed, third], timezone.localdate())
    assert alone == {listed[0].pk: answers[listed[0].pk], third.pk: answers[third.pk]}
    # and an order takes the contract price, its products, distributors and prices read in one statement
    reads.clear()
    line = services.order_submit(
        actor=buyer, lines=[services.LineRequest(listed[0].code, 2, world.distributor.pk)]
    ).order.lines.get()
    assert (line.price, line.price_source, line.price_reference) == (
        Decimal("11.0000"),
        "vbp",
        f"contract:{listed[0].pk}",
    )
    assert len(reads) == 1 and "catalogue_product" in reads[0] and "VALUES" in reads[0]


def test_sources_with_and_without_sql_are_weighed_together_by_precedence(world, listed, monkeypatch):
    """A credit refusal (SQL) beats a contract quote (SQL) and any quote of a source asked by ``consider``."""
    from procurement.orders import pricing

    class Filing:
        kind, label, precedence = "filing", "filed price", 40

        def consider(self, hospital, products, on):
            return {product.pk: Quote(product.pk, Decimal("99.00"), self.kind) for product in products}

    unlisted = ProductFactory(manufacturer=world.other_manufacturer)
    monkeypatch.setitem(pricing._sources, "vbp", ContractSql(world.hospital, {listed[0].pk: ("11.00", False)}))
    monkeypatch.setitem(pricing._sources, "filing", Filing())
    answers = resolve_prices(world.hospital, [*listed, unlisted], timezone.localdate())
    assert [answers[p.pk].source for p in (*listed, unlisted)] == ["vbp", "listing", "filing"]
    credit.bad_record_add(
        actor=world.user("platform_admin"), organisation=world.manufacturer, starts_on=date(2026, 1, 1), reason="围标"
    )
    answers = resolve_prices(world.hospital, [*listed, unlisted], timezone.localdate())
    answered = [answers[p.pk] for p in (*listed, unlisted)]
    assert [answer.code if isinstance(answer, Refusal) else answer.source for answer in answered] == [
        "company_barred",
        "company_barred",
        "filing",
    ]


def test_the_composed_sql_follows_the_registry(monkeypatch, world):
    from procurement.orders import pricing

    kinds = [source.kind for source, _part in pricing.price_sql().sources]
    assert kinds == ["credit", "agreement", "listing", "filing"]
    monkeypatch.setitem(pricing._sources, "vbp", ContractSql(world.hospital, {0: ("1.00", False)}))
    assert [source.kind for source, _part in pricing.price_sql().sources] == [
        "credit",
        "vbp",
        "agreement",
        "listing",
        "filing",
    ]
    assert pricing.price_sql().width == 2 + 2 + 2 + 4 + 3
    monkeypatch.delitem(pricing._sources, "vbp")
    assert [source.kind for source, _part in pricing.price_sql().sources] == kinds
