"""SQL functions of the R-NEG-6 zoning: percentiles of a product's prices with one hospital left out.

``prices`` is every public hospital's agreed unit price for a product, sorted; ``own_rank`` the
1-based position of the hospital's own price in it. Its peers are the array without that element:
peer ``i`` (0-based) is ``prices[i + 1]`` before the hospital's position, ``prices[i + 2]`` from it
on. ``peer_percentile`` interpolates linearly between the two peers around ``fraction × (m − 1)``
for the m peers — exactly PostgreSQL's ``percentile_cont`` over the peers (tests/negotiation),
which computes in double precision too. The prices are ``float8[]``, not ``numeric[]``: reading
element i of an array of variable-length numerics walks the i elements before it, which made each
figure cost the length of its product's array; fixed-width elements are read in one step. And
they are not STRICT: PostgreSQL inlines a SQL function into the query only when it can prove the
body as strict as the declaration, which a CASE is not; not inlined, each call ran its own little
executor (measured on synthetic prices: 7.9 s for 60,000 agreements not inlined, 2 s for 600,000
inlined).
"""

from django.db import migrations

FUNCTIONS = """
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

DROP = """
DROP FUNCTION IF EXISTS peer_percentile(float8[], bigint, float8);
DROP FUNCTION IF EXISTS peer_at(float8[], bigint, integer);
"""


class Migration(migrations.Migration):
    dependencies = [("negotiation", "0001_initial")]

    operations = [migrations.RunSQL(FUNCTIONS, DROP)]
