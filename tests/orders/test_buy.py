"""What a hospital may order comes from the registered price sources (issue 9; R-ORD-2 "a clear reason"):
the buy page, the cart and the HIS price endpoint show every offered product with its price and source,
or greyed out with the reason; a new channel's source plugs in without order code changing."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from listings.choices import ListingStatus, SuspensionCause
from listings.models import Listing
from procurement.credit import services as credit
from procurement.orders import services
from procurement.orders.models import CartItem, OrderLine
from procurement.orders.pricing import Quote, register_price_source, unregister_price_source
from tests.factories import ProductFactory
from tests.orders.conftest import make_listing

pytestmark = pytest.mark.django_db


def bar(world, company):
    credit.bad_record_add(
        actor=world.user("provincial_supervisor"), organisation=company, starts_on=timezone.localdate(), reason="行贿"
    )


REFUSALS = {
    "suspended": (
        lambda world, product: Listing.objects.filter(product=product).update(
            status=ListingStatus.SUSPENDED, suspension_cause=SuspensionCause.BUREAU
        ),
        "listing_suspended",
    ),
    "closed": (
        lambda world, product: Listing.objects.filter(product=product).update(status=ListingStatus.CLOSED),
        "listing_closed",
    ),
    "withdrawn": (
        lambda world, product: Listing.objects.filter(product=product).update(status=ListingStatus.WITHDRAWN),
        "listing_withdrawn",
    ),
    "company barred": (lambda world, product: bar(world, product.manufacturer), "company_barred"),
}


@pytest.mark.parametrize("why", REFUSALS)
def test_a_product_refused_by_a_source_is_shown_greyed_out_with_its_reason_and_cannot_be_added(
    world, listed, buyer, client, why
):
    # given: a listed product that may no longer be bought, and another maker's that may
    other = ProductFactory(manufacturer=world.other_manufacturer)
    make_listing(other, "5.00")
    refuse, code = REFUSALS[why]
    refuse(world, listed[0])
    client.force_login(buyer)
    # when
    page = client.get(reverse("orders:buy")).content.decode()
    # then: it is on the page, greyed out, with the reason and no button; the other can be added
    start = page.rindex("<tr", 0, page.index(f'data-testid="offer-{listed[0].code}"'))
    row = page[start : page.index("</tr>", start)]
    assert 'class="unorderable"' in row and f'data-testid="add-{listed[0].code}"' not in row
    assert f'data-testid="refusal-{listed[0].code}"' in row
    assert f'data-testid="add-{other.code}"' in page
    # and posting it anyway adds nothing, saying why
    response = client.post(reverse("orders:cart-add"), {"product": listed[0].pk, "quantity": 2}, follow=True)
    assert not CartItem.objects.exists()
    assert [str(message) for message in response.context["messages"]]
    prices = client.get("/api/v1/prices/").json()["results"]
    refused = next(row for row in prices if row["product_code"] == listed[0].code)
    assert (refused["orderable"], refused["refusal_code"], refused["price"]) == (False, code, None)


class FakeContractPrices:
    """A channel that is not built yet (a VBP contract, a filing), as the resolver sees it."""

    kind = "contract"
    label = "合同价"
    precedence = 10

    def __init__(self, product, price):
        self.product, self.price = product, price

    def offered(self, hospital, on):
        return Q(pk=self.product.pk)

    def consider(self, hospital, products, on):
        return {
            p.pk: Quote(p.pk, self.price, self.kind, "contract:1", self.label) for p in products if p == self.product
        }


@pytest.fixture
def contract_product(world):
    """A product no listing has, priced only by the new channel's source, with a distributor named."""
    product = ProductFactory(manufacturer=world.manufacturer, generic_name="瑞舒伐他汀钙片", specification="10mg")
    services.designation_add(
        actor=world.user("manufacturer_clerk"), product=product, region=world.province, distributor=world.distributor
    )
    source = FakeContractPrices(product, Decimal("8.8000"))
    register_price_source(source)
    yield product
    unregister_price_source(source.kind)


def test_a_new_channels_source_makes_its_product_orderable_on_the_buy_page_and_over_the_api(
    world, listed, buyer, client, api_as, contract_product
):
    # when: the buyer looks for it on the buy page, the HIS asks the price list
    client.force_login(buyer)
    page = client.get(reverse("orders:buy"), {"q": "瑞舒伐他汀"}).content.decode()
    prices = api_as(buyer).get("/api/v1/prices/", {"q": "rsft"}).json()["results"]
    # then: shown at the channel's price, with its source, and it can be ordered
    assert f'data-testid="add-{contract_product.code}"' in page and "¥8.80" in page and "合同价" in page
    assert [(row["product_code"], row["price"], row["source"]) for row in prices] == [
        (contract_product.code, "8.8000", "contract")
    ]
    order = services.order_submit(
        actor=buyer, lines=[services.LineRequest(contract_product.code, 5, world.distributor.pk)]
    ).order
    line = OrderLine.objects.get(order=order)
    assert (line.price, line.price_source, line.price_source_label) == (Decimal("8.8000"), "contract", "合同价")
    # a sanction still wins over any source (the core's credit check)
    bar(world, world.manufacturer)
    prices = api_as(buyer).get("/api/v1/prices/", {"codes": contract_product.code}).json()["results"]
    assert (prices[0]["orderable"], prices[0]["rule"]) == (False, "R-LIST-14")


class TestSearch:
    """The buy page's search: several words, pinyin initials, a code or a manufacturer."""

    @pytest.fixture
    def catalogue(self, world):
        makers = world.manufacturer, world.other_manufacturer
        products = {
            "atorva 20": ProductFactory(manufacturer=makers[0], generic_name="阿托伐他汀钙片", specification="20mg"),
            "atorva 10": ProductFactory(manufacturer=makers[1], generic_name="阿托伐他汀钙片", specification="10mg"),
            "rosuva 10": ProductFactory(manufacturer=makers[1], generic_name="瑞舒伐他汀钙片", specification="10mg"),
        }
        for product in products.values():
            make_listing(product, "10.00")
        return products

    def found(self, client, text):
        page = client.get(reverse("orders:buy"), {"q": text}).context
        return {offer.product.pk for offer in page["offers"]}

    @pytest.mark.parametrize(
        "text, expected",
        [
            ("阿托伐他汀钙片 20mg", {"atorva 20"}),
            ("20MG 阿托伐", {"atorva 20"}),
            ("他汀 10mg", {"atorva 10", "rosuva 10"}),
            ("atft", {"atorva 20", "atorva 10"}),
            ("atfts", {"atorva 20", "atorva 10"}),  # one letter wrong
            ("辉瑞 10mg", {"atorva 10", "rosuva 10"}),  # the manufacturer and a strength
            ("嘉林", {"atorva 20"}),
            ("阿莫西林", set()),
        ],
    )
    def test_finds(self, world, buyer, client, catalogue, text, expected):
        client.force_login(buyer)
        assert self.found(client, text) == {catalogue[name].pk for name in expected}

    def test_a_code_or_its_start(self, world, buyer, client, catalogue):
        client.force_login(buyer)
        code = catalogue["rosuva 10"].code
        assert self.found(client, code) == {catalogue["rosuva 10"].pk}
        assert catalogue["rosuva 10"].pk in self.found(client, code[:14])


def test_the_price_list_is_paginated_and_names_each_refusals_rule(world, listed, buyer, api_as):
    Listing.objects.filter(product=listed[1]).update(status=ListingStatus.CLOSED)
    answer = api_as(buyer).get("/api/v1/prices/", {"page_size": 1}).json()
    assert answer["count"] == 2 and len(answer["results"]) == 1
    every = api_as(buyer).get("/api/v1/prices/").json()["results"]
    assert {row["product_code"]: row["rule"] for row in every} == {listed[0].code: "", listed[1].code: "R-ORD-2"}


def test_only_a_hospital_buyer_reads_prices(world, api_as):
    assert api_as(world.user("manufacturer_clerk")).get("/api/v1/prices/").status_code == 403
    assert date.today()  # the endpoint needs no date from the client
