"""The one price resolver every order goes through (R-ORD-2).

The buyer never types a price. Channels register a ``PriceSource``; for a hospital and a set of
products the resolver asks every source and returns, per product, either a ``Quote`` (the price,
its source and reference) or a ``Refusal`` (why it cannot be bought). Precedence follows
DOMAIN.md: VBP contract price, then the hospital's (or its group's) agreement, then the listing
price; a filed price only for the filing hospital. A refusal from any source — a suspended,
closed, invalid or withdrawn listing; a barred company or a delisted product (the core's credit
check) — stops the purchase whatever the others quote. Adding a channel adds a source; the order
code, the buy page and the HIS price endpoint do not change (``procurement.orders.selectors.orderable``
asks the sources which products to show).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.db.models import Q
from django.utils.translation import gettext as _

from procurement.catalogue.models import Product
from procurement.organisations.models import Organisation


@dataclass(frozen=True)
class Quote:
    product_id: int
    price: Decimal
    source: str  # the kind of the source that quoted it
    reference: str = ""
    label: str = ""


@dataclass(frozen=True)
class Refusal:
    product_id: int
    code: str
    message: str
    rule: str = ""
    params: dict = field(default_factory=dict)


class PriceSource(Protocol):
    kind: str  # stored on each order line: short, stable ("listing", "agreement", …)
    label: str  # what the buyer reads ("listing price")
    precedence: int  # lower wins

    def consider(self, hospital: Organisation, products: list[Product], on: date) -> dict[int, "Quote | Refusal"]:
        """Quotes for the products this source prices for ``hospital``, refusals for those it forbids."""

    def offered(self, hospital: Organisation | None, on: date) -> Q | None:
        """A filter of the products this source has something to say about for ``hospital`` (the buy
        page shows them, orderable or greyed out with the reason), or for any hospital when it is None;
        None: it offers none of its own."""


_sources: dict[str, PriceSource] = {}


def register_price_source(source: PriceSource) -> None:
    _sources[source.kind] = source


def unregister_price_source(kind: str) -> PriceSource | None:
    return _sources.pop(kind, None)


def price_sources() -> list[PriceSource]:
    return sorted(_sources.values(), key=lambda source: source.precedence)


def price_source_label(kind: str) -> str:
    source = _sources.get(kind)
    return str(source.label) if source is not None else kind


def offered_products(hospital: Organisation | None, on: date) -> Q:
    """The products some source offers (or refuses with a reason) to ``hospital`` (to any hospital when
    None): the buy page's set."""
    condition = Q(pk__in=[])
    for source in price_sources():
        offered = source.offered(hospital, on)
        if offered is not None:
            condition |= offered
    return condition


def resolve_prices(hospital: Organisation, products: Iterable[Product], on: date) -> dict[int, Quote | Refusal]:
    """R-ORD-2: the price (or the refusal) of each product for ``hospital`` on ``on``."""
    products = list({product.pk: product for product in products}.values())
    answers: dict[int, list[Quote | Refusal]] = {product.pk: [] for product in products}
    for source in price_sources():
        for product_id, answer in source.consider(hospital, products, on).items():
            answers[product_id].append(answer)
    resolved = {}
    for product in products:
        refusals = [answer for answer in answers[product.pk] if isinstance(answer, Refusal)]
        quotes = [answer for answer in answers[product.pk] if isinstance(answer, Quote)]
        if refusals:
            resolved[product.pk] = refusals[0]
        elif quotes:
            resolved[product.pk] = quotes[0]  # sources were asked in precedence order
        else:
            resolved[product.pk] = Refusal(
                product.pk,
                "not_listed",
                _("“%(product)s” is not listed: it cannot be ordered.") % {"product": product},
                rule="R-ORD-2",
            )
    return resolved
