"""Filed prices as the core's reference-price registry declares them (procurement.core.reference_prices): a
filed drug's payment standard is set yearly from its price (R-SET-8; settlement takes the lowest when several
hospitals file one product). Only confirmed filings in force count (R-FIL-3)."""

from procurement.core.reference_prices import FILED, ReferencePriceSource, register_reference_price_source

PRICES_SQL = f"""
    SELECT f.product_id, '{FILED}'::text AS kind, f.price
    FROM filings_filing f
    WHERE f.status = 'approved' AND f.valid_from <= %(on)s::date
      AND (f.valid_until IS NULL OR f.valid_until >= %(on)s::date)
"""

register_reference_price_source(ReferencePriceSource("filings", PRICES_SQL))
