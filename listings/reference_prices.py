"""Listing prices as the core's reference-price registry declares them (procurement.core.reference_prices):
listed drugs' payment standards are set yearly from them, and a shortage drug's is its listing price (R-SET-8).
A suspended listing keeps its price (it lists again at it); closed, invalid and withdrawn ones do not count."""

from procurement.core.reference_prices import LISTING, ReferencePriceSource, register_reference_price_source

PRICES_SQL = f"""
    SELECT l.product_id, '{LISTING}'::text AS kind, l.price
    FROM listings_listing l
    WHERE l.status IN ('listed', 'suspended')
"""

register_reference_price_source(ReferencePriceSource("listings", PRICES_SQL))
