"""R-ORD-7: the price the public sees for a delivered batch — the product's listing price, never a
hospital's negotiated or filed price (R-NEG-4: those are not public).

The core does not know the listing channel: the channel registers the SQL of its price here, as it
registers its price source. Without one (no listing channel), the public price is unknown (NULL).
"""

from collections.abc import Callable

_public_price_sql: Callable[[str], str] | None = None


def register_public_price_sql(sql: Callable[[str], str]) -> None:
    """``sql(product_id)``: an SQL scalar, the public price of the product whose id is the SQL ``product_id``."""
    global _public_price_sql
    _public_price_sql = sql


def public_price_sql(product_id: str) -> str:
    return f"({_public_price_sql(product_id)})" if _public_price_sql is not None else "NULL::numeric"
