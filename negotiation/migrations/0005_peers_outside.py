"""R-NEG-6: a private or military hospital is zoned against every public hospital.

Its agreement is not among the public peers' sorted prices, so nothing is left out: ``own_rank`` is
NULL and ``peer_percentile`` reads the whole array. The functions stay plain SQL, not STRICT, so
that PostgreSQL still inlines them (migration 0002 says why that matters).
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION peer_at(prices float8[], own_rank bigint, i integer) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT prices[CASE WHEN own_rank IS NULL OR i + 1 < own_rank THEN i + 1 ELSE i + 2 END]
$$;

CREATE OR REPLACE FUNCTION peer_count(prices float8[], own_rank bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT cardinality(prices) - CASE WHEN own_rank IS NULL THEN 0 ELSE 1 END
$$;

CREATE OR REPLACE FUNCTION peer_percentile(prices float8[], own_rank bigint, fraction float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN peer_count(prices, own_rank) < 1 THEN NULL ELSE
        peer_at(prices, own_rank, floor(fraction * (peer_count(prices, own_rank) - 1))::integer)
        + (fraction * (peer_count(prices, own_rank) - 1) - floor(fraction * (peer_count(prices, own_rank) - 1)))
          * (peer_at(prices, own_rank, ceil(fraction * (peer_count(prices, own_rank) - 1))::integer)
             - peer_at(prices, own_rank, floor(fraction * (peer_count(prices, own_rank) - 1))::integer))
    END
$$;
"""

# Back to migration 0002's functions: every hospital among the peers.
PREVIOUS = """
DROP FUNCTION IF EXISTS peer_count(float8[], bigint);
CREATE OR REPLACE FUNCTION peer_at(prices float8[], own_rank bigint, i integer) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT prices[CASE WHEN i + 1 < own_rank THEN i + 1 ELSE i + 2 END]
$$;

CREATE OR REPLACE FUNCTION peer_percentile(prices float8[], own_rank bigint, fraction float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN cardinality(prices) < 2 THEN NULL ELSE
        peer_at(prices, own_rank, floor(fraction * (cardinality(prices) - 2))::integer)
        + (fraction * (cardinality(prices) - 2) - floor(fraction * (cardinality(prices) - 2)))
          * (peer_at(prices, own_rank, ceil(fraction * (cardinality(prices) - 2))::integer)
             - peer_at(prices, own_rank, floor(fraction * (cardinality(prices) - 2))::integer))
    END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("negotiation", "0004_text_limits")]

    operations = [migrations.RunSQL(FUNCTIONS, PREVIOUS)]
