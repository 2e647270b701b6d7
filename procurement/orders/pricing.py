"""The one price resolver every order goes through (R-ORD-2).

The buyer never types a price. Channels register a ``PriceSource``; for a hospital and a set of
products the resolver asks every source and returns, per product, either a ``Quote`` (the price,
its source and reference) or a ``Refusal`` (why it cannot be bought). Precedence follows
DOMAIN.md: VBP contract price, then the hospital's (or its group's) agreement, then the listing
price; a filed price only for the filing hospital. A refusal from any source — a suspended,
closed, invalid or withdrawn listing; a barred company or a delisted product (the core's credit
check) — stops the purchase whatever the others quote, unless it is a ``fallback`` (the reason given
only when nothing quotes it). Adding a channel adds a source; the order
code, the buy page and the HIS price endpoint do not change (``procurement.orders.selectors.orderable``
asks the sources which products to show).
"""

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.db.models import Q
from django.utils.translation import gettext as _

from procurement.catalogue.models import Product
from procurement.core import internals
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
    # A reason given only when no source quotes the product, in place of "not listed": a filed product
    # (R-FIL-3) is refused to other hospitals with this reason, yet a listing that later covers the
    # product still sells it to them. Any other refusal stops the purchase whatever the others quote.
    fallback: bool = False


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


class SqlPriceSource(PriceSource, Protocol):
    """A source that also says what it reads as SQL, so that the resolver reads every such source's facts
    for all the products of an order in one statement (every HIS order runs it) instead of one per source.

    ``sql`` is a query giving at most one row, of the columns named by ``sql_columns``, for the product
    ``p`` — it may refer to ``p.id`` and ``p.manufacturer_id`` (it is joined laterally), to the hospital
    ``%(hospital)s`` (its id) and the day ``%(on)s::date``, and to nothing else given from outside.
    ``answer`` turns those columns (all NULL when the query gave no row) into the source's answer for
    the product, or None when it has nothing to say; ``consider`` then answers as ``answer`` does
    (``considered_by_sql``), for anyone asking this source alone.
    """

    sql_columns: tuple[str, ...]

    def sql(self) -> str: ...

    def answer(self, hospital: Organisation, product: Product, values: tuple, on: date) -> "Quote | Refusal | None":
        """This source's answer for ``product`` from the values of its ``sql_columns``."""


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


def _declares_sql(source: PriceSource) -> bool:
    return callable(getattr(source, "sql", None)) and callable(getattr(source, "answer", None))


@dataclass(frozen=True)
class PriceSql:
    """Every SQL-declaring source's columns for a product ``p``: ``columns`` to add to a select list and
    ``joins`` to add after the ``FROM`` that gives ``p`` (with ``p.id`` and ``p.manufacturer_id``), in
    this order; the parameters ``%(hospital)s`` and ``%(on)s``. ``sources`` pairs each source with the
    slice of those columns it answers from."""

    columns: str
    joins: str
    sources: tuple[tuple[PriceSource, slice], ...]

    @property
    def width(self) -> int:
        return self.sources[-1][1].stop if self.sources else 0


_price_sql: tuple[tuple[PriceSource, ...], PriceSql] | None = None


def price_sql() -> PriceSql:
    """The SQL of the registered sources that declare it, composed once per registry (a statement that
    includes it is prepared once: ``procurement.core.internals``)."""
    global _price_sql
    sources = tuple(source for source in price_sources() if _declares_sql(source))
    cached = _price_sql
    if cached is not None and len(cached[0]) == len(sources) and all(map(operator.is_, cached[0], sources)):
        return cached[1]
    columns, joins, slices, start = [], [], [], 0
    for index, source in enumerate(sources):
        alias = f"price_{index}"
        columns += [f"{alias}.{column}" for column in source.sql_columns]
        joins.append(f"LEFT JOIN LATERAL ({source.sql()}) {alias} ON true")
        slices.append((source, slice(start, start + len(source.sql_columns))))
        start += len(source.sql_columns)
    composed = PriceSql(", ".join(columns), " ".join(joins), tuple(slices))
    _price_sql = (sources, composed)
    return composed


def read_price_columns(hospital: Organisation, products: list[Product], on: date) -> dict[int, tuple]:
    """Each product's columns of ``price_sql()``, in one statement."""
    composed = price_sql()
    rows = internals.fetch_all(
        f"SELECT p.id, {composed.columns} FROM unnest(%(ids)s::bigint[], %(makers)s::bigint[])"
        f" AS p(id, manufacturer_id) {composed.joins}",
        {
            "ids": [product.pk for product in products],
            "makers": [product.manufacturer_id for product in products],
            "hospital": hospital.pk,
            "on": on,
        },
    )
    return {row[0]: row[1:] for row in rows}


def considered_by_sql(source: SqlPriceSource, hospital: Organisation, products: list[Product], on: date) -> dict:
    """``consider`` of a source that declares its SQL: its query alone, answered by its ``answer``."""
    rows = internals.fetch_all(
        f"SELECT p.id, {', '.join(f'price.{column}' for column in source.sql_columns)}"
        " FROM unnest(%(ids)s::bigint[], %(makers)s::bigint[]) AS p(id, manufacturer_id)"
        f" LEFT JOIN LATERAL ({source.sql()}) price ON true",
        {
            "ids": [product.pk for product in products],
            "makers": [product.manufacturer_id for product in products],
            "hospital": hospital.pk,
            "on": on,
        },
    )
    by_id = {product.pk: product for product in products}
    answers = {}
    for product_id, *values in rows:
        answer = source.answer(hospital, by_id[product_id], tuple(values), on)
        if answer is not None:
            answers[product_id] = answer
    return answers


def resolve_prices(
    hospital: Organisation, products: Iterable[Product], on: date, *, price_columns: dict[int, tuple] | None = None
) -> dict[int, Quote | Refusal]:
    """R-ORD-2: the price (or the refusal) of each product for ``hospital`` on ``on``.

    The sources that declare their SQL are read in one statement (or from ``price_columns``: each
    product's columns of ``price_sql()``, read by the caller's own statement), the others asked one by
    one; then every answer is weighed the same way, in precedence order."""
    products = list({product.pk: product for product in products}.values())
    answers: dict[int, list[Quote | Refusal]] = {product.pk: [] for product in products}
    composed = price_sql()
    in_sql = {id(source): part for source, part in composed.sources}
    if in_sql and price_columns is None and products:
        price_columns = read_price_columns(hospital, products, on)
    for source in price_sources():
        part = in_sql.get(id(source))
        if part is None:
            for product_id, answer in source.consider(hospital, products, on).items():
                answers[product_id].append(answer)
            continue
        for product in products:
            answer = source.answer(hospital, product, price_columns[product.pk][part], on)
            if answer is not None:
                answers[product.pk].append(answer)
    resolved = {}
    for product in products:
        refusals = [answer for answer in answers[product.pk] if isinstance(answer, Refusal) and not answer.fallback]
        quotes = [answer for answer in answers[product.pk] if isinstance(answer, Quote)]
        fallbacks = [answer for answer in answers[product.pk] if isinstance(answer, Refusal) and answer.fallback]
        if refusals:
            resolved[product.pk] = refusals[0]
        elif quotes:
            resolved[product.pk] = quotes[0]  # sources were asked in precedence order
        elif fallbacks:
            resolved[product.pk] = fallbacks[0]
        else:
            resolved[product.pk] = Refusal(
                product.pk,
                "not_listed",
                _("“%(product)s” is not listed: it cannot be ordered.") % {"product": product},
                rule="R-ORD-2",
            )
    return resolved
