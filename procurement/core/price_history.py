"""The registry of price histories (R-SUP-4): channels that keep a price of their own (the listing price)
offer its changes and its current value to supervision as SQL, so abnormal rises and regional gaps are
found set-based without supervision reading — or importing — a channel's tables.

A source registers ``changes_sql`` yielding ``(product_id, company_id, changed_at, price_before,
price_after)`` for every price change, and ``current_sql`` yielding ``(product_id, company_id, price)``
for every price in force; supervision composes them with ``UNION ALL``."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PriceHistorySource:
    kind: str
    label: object  # translatable
    changes_sql: Callable[[], str] = field(compare=False)
    current_sql: Callable[[], str] = field(compare=False)


_sources: dict[str, PriceHistorySource] = {}


def register_price_history(source: PriceHistorySource) -> PriceHistorySource:
    existing = _sources.get(source.kind)
    if existing is not None and existing is not source and existing.changes_sql is not source.changes_sql:
        raise ValueError(f"price history {source.kind!r} is registered twice")
    _sources[source.kind] = source
    return source


def price_history_sources() -> list[PriceHistorySource]:
    return sorted(_sources.values(), key=lambda source: source.kind)


def price_changes_sql() -> str:
    """SQL: every registered source's price changes, ``(kind, product_id, company_id, changed_at, price_before,
    price_after)``; an empty set when none is registered."""
    parts = [
        f"SELECT '{source.kind}'::text AS kind, c.* FROM ({source.changes_sql()}) c"
        for source in price_history_sources()
    ]
    if not parts:
        return (
            "SELECT NULL::text AS kind, NULL::bigint AS product_id, NULL::bigint AS company_id,"
            " NULL::timestamptz AS changed_at, NULL::numeric AS price_before, NULL::numeric AS price_after WHERE false"
        )
    return " UNION ALL ".join(parts)


def current_prices_sql() -> str:
    """SQL: every registered source's prices in force, ``(kind, product_id, company_id, price)``."""
    parts = [
        f"SELECT '{source.kind}'::text AS kind, c.* FROM ({source.current_sql()}) c"
        for source in price_history_sources()
    ]
    if not parts:
        return (
            "SELECT NULL::text AS kind, NULL::bigint AS product_id, NULL::bigint AS company_id,"
            " NULL::numeric AS price WHERE false"
        )
    return " UNION ALL ".join(parts)
