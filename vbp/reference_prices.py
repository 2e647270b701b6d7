"""VBP's winning prices as the core's reference-price registry declares them (procurement.core.reference_prices):
the winning price becomes the payment standard (R-VBP-10, R-SET-8), computed by settlement without importing
VBP. A winner counts while its round's agreement is in force and it supplies this province (R-VBP-1)."""

from procurement.core.reference_prices import VBP_WINNER, ReferencePriceSource, register_reference_price_source

PRICES_SQL = f"""
    SELECT w.product_id, '{VBP_WINNER}'::text AS kind, w.price
    FROM vbp_winner w
    WHERE w.supplies_home AND w.valid_from <= %(on)s::date AND w.valid_until >= %(on)s::date
"""

register_reference_price_source(ReferencePriceSource("vbp", PRICES_SQL))
