"""Prices a channel declares for the payment standards (医保支付标准, R-SET-8, R-VBP-10): the registry through
which settlement reads VBP winning prices, listing prices and filed prices without importing those channels,
as it reads VBP contracts through ``procurement.core.contracts``.

A channel registers a ``ReferencePriceSource`` from its ``reference_prices.py`` (found at start-up): a name
and a SQL query returning rows of the columns of ``REFERENCE_PRICE_COLUMNS`` for the prices in force on the
day ``%(on)s::date``:

- ``product_id`` (bigint), ``kind`` (text, one of ``KINDS``), ``price`` (numeric: per pack, in yuan).

A product may have several rows of one kind (two winning units, two hospitals' filings); the reader takes
what its rule says (the lowest). ``reference_prices_sql()`` is the union of every registered source.
"""

from dataclasses import dataclass

REFERENCE_PRICE_COLUMNS = ("product_id", "kind", "price")

VBP_WINNER = "vbp_winner"  # a VBP winning product supplying this province, at its winning price
LISTING = "listing"  # a listed product (listed or suspended), at its listing price
FILED = "filed"  # a product some hospital files (confirmed, in force), at its filed price
KINDS = (VBP_WINNER, LISTING, FILED)


@dataclass(frozen=True)
class ReferencePriceSource:
    name: str
    sql: str


_sources: dict[str, ReferencePriceSource] = {}


def register_reference_price_source(source: ReferencePriceSource) -> ReferencePriceSource:
    if source.name in _sources and _sources[source.name] != source:
        raise ValueError(f"reference price source {source.name!r} is registered twice")
    _sources[source.name] = source
    return source


def unregister_reference_price_source(name: str) -> None:
    _sources.pop(name, None)


def reference_price_sources() -> list[ReferencePriceSource]:
    return [_sources[name] for name in sorted(_sources)]


def reference_prices_sql() -> str:
    """Every registered source's prices in force on ``%(on)s``; an empty set (typed) when none is registered."""
    columns = ", ".join(REFERENCE_PRICE_COLUMNS)
    parts = [f"SELECT {columns} FROM ({source.sql}) AS {source.name}_prices" for source in reference_price_sources()]
    parts.append("SELECT NULL::bigint, NULL::text, NULL::numeric WHERE false")
    return "\nUNION ALL\n".join(parts)
