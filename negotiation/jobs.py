"""The nightly red / yellow / blue zoning of agreements (R-NEG-6), set-based and idempotent.

For each product, every public hospital's agreed unit price in force is compared with those of the
other public hospitals with an agreement for it (the hospital itself left out): red above the
peers' red percentile (75th) or above the national lowest unit price, yellow above their yellow
percentile (median), blue above their lowest, no alert at or below it; fewer than ZONE_MIN_PEERS
peers: not zoned. Percentiles are continuous, as percentile_cont; leaving one hospital out is done
by index arithmetic on the product's sorted prices (``peer_percentile``, migration 0002), so each
agreement costs a few array reads, not a scan of its peers. Percentiles are computed in double
precision, as percentile_cont does, and stored rounded to the fen's hundredth (4 places).

Only changed rows are written: a second run the same night writes nothing. Under the job runner's
advisory lock no other writer touches the zoning, so a plain UPDATE and INSERT replace ON CONFLICT.
"""

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from procurement.core.jobs import nightly_job
from procurement.core.policy import policy

# Every agreement in force at a public hospital, with its zone and the figures it was decided on.
ZONED_SQL = """
    WITH current AS (
        SELECT a.id, a.hospital_id, a.product_id, a.unit_price
        FROM negotiation_agreement a
        JOIN organisations_organisation h ON h.id = a.hospital_id
        WHERE a.status = 'active' AND a.valid_from <= %(day)s AND a.valid_until >= %(day)s
          AND h.ownership = 'public'
    ),
    ranked AS (
        SELECT c.*, row_number() OVER (PARTITION BY c.product_id ORDER BY c.unit_price) AS own_rank
        FROM current c
    ),
    sorted AS (
        SELECT product_id, array_agg(unit_price::float8 ORDER BY unit_price) AS prices FROM current GROUP BY product_id
    ),
    lowest AS (
        SELECT p.id AS product_id, round(min(n.price) / p.pack_quantity, 4) AS unit_price
        FROM catalogue_product p
        JOIN catalogue_nationalprice n ON n.product_code = p.code AND n.province <> %(home)s
        WHERE p.id IN (SELECT product_id FROM sorted)
        GROUP BY p.id, p.pack_quantity
    ),
    figures AS MATERIALIZED (  -- each percentile once, for its column and for the zone
        SELECT r.id AS agreement_id, r.hospital_id, r.product_id, r.unit_price,
               cardinality(s.prices) - 1 AS peer_count,
               round(peer_percentile(s.prices, r.own_rank, 0)::numeric, 4) AS peer_lowest,
               round(peer_percentile(s.prices, r.own_rank, %(yellow)s::float8)::numeric, 4) AS peer_yellow_line,
               round(peer_percentile(s.prices, r.own_rank, %(red)s::float8)::numeric, 4) AS peer_red_line,
               l.unit_price AS national_lowest
        FROM ranked r
        JOIN sorted s ON s.product_id = r.product_id
        LEFT JOIN lowest l ON l.product_id = r.product_id
    )
    SELECT f.*,
           CASE WHEN f.peer_count < %(min_peers)s THEN 'unzoned'
                WHEN f.unit_price > f.peer_red_line OR f.unit_price > f.national_lowest THEN 'red'
                WHEN f.unit_price > f.peer_yellow_line THEN 'yellow'
                WHEN f.unit_price > f.peer_lowest THEN 'blue'
                ELSE 'none' END AS zone
    FROM figures f
"""


_FIGURES = ["zone", "unit_price", "peer_count", "peer_lowest", "peer_yellow_line", "peer_red_line", "national_lowest"]

# One statement: the figures once, then only what changed is written — rows whose figures moved are
# updated, agreements new to the zoning inserted (an unchanged row is not even locked, so a re-run
# writes nothing), agreements no longer in force (superseded, expired, at a hospital no longer
# public) removed, and each hospital's counts of the night recorded. The parts touch disjoint rows.
ZONE_STATEMENT = f"""
    WITH zoned AS MATERIALIZED ({ZONED_SQL}),
    updated AS (
        UPDATE negotiation_agreementzoning z
        SET {", ".join(f"{name} = n.{name}" for name in _FIGURES)}, yellow_percentile = %(yellow)s,
            red_percentile = %(red)s, zoned_on = %(day)s
        FROM zoned n
        WHERE z.agreement_id = n.agreement_id
          AND ({", ".join(f"z.{name}" for name in _FIGURES)}, z.yellow_percentile, z.red_percentile)
              IS DISTINCT FROM ({", ".join(f"n.{name}" for name in _FIGURES)}, %(yellow)s::numeric, %(red)s::numeric)
        RETURNING 1
    ),
    inserted AS (
        INSERT INTO negotiation_agreementzoning
            (agreement_id, hospital_id, product_id, {", ".join(_FIGURES)}, yellow_percentile, red_percentile, zoned_on)
        SELECT n.agreement_id, n.hospital_id, n.product_id, {", ".join(f"n.{name}" for name in _FIGURES)},
               %(yellow)s, %(red)s, %(day)s
        FROM zoned n
        WHERE NOT EXISTS (SELECT 1 FROM negotiation_agreementzoning z WHERE z.agreement_id = n.agreement_id)
        RETURNING 1
    ),
    removed AS (
        DELETE FROM negotiation_agreementzoning z
        WHERE NOT EXISTS (SELECT 1 FROM zoned n WHERE n.agreement_id = z.agreement_id)
        RETURNING 1
    ),
    days AS (
        INSERT INTO negotiation_hospitalzoneday AS d (hospital_id, day, agreements, red, yellow, blue)
        SELECT hospital_id, %(day)s, count(*) FILTER (WHERE zone <> 'unzoned'), count(*) FILTER (WHERE zone = 'red'),
               count(*) FILTER (WHERE zone = 'yellow'), count(*) FILTER (WHERE zone = 'blue')
        FROM zoned GROUP BY hospital_id
        ON CONFLICT (hospital_id, day) DO UPDATE SET
            agreements = EXCLUDED.agreements, red = EXCLUDED.red, yellow = EXCLUDED.yellow, blue = EXCLUDED.blue
        WHERE (d.agreements, d.red, d.yellow, d.blue)
              IS DISTINCT FROM (EXCLUDED.agreements, EXCLUDED.red, EXCLUDED.yellow, EXCLUDED.blue)
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM zoned), (SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted),
           (SELECT count(*) FROM removed)
"""


def zoning_params(day) -> dict:
    return {"day": day, "home": settings.HOME_PROVINCE, "yellow": policy("ZONE_YELLOW_PERCENTILE"),
            "red": policy("ZONE_RED_PERCENTILE"), "min_peers": policy("ZONE_MIN_PEERS")}  # fmt: skip


@nightly_job("zone_agreements", order=60)
def zone_agreements(today: date | None = None) -> dict[str, int]:
    """R-NEG-6: red / yellow / blue zoning of the agreements in force, with the figures of each."""
    params = zoning_params(today or timezone.localdate())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # compiling this statement costs more than it saves (1.7 s)
        cursor.execute(ZONE_STATEMENT, params)
        zoned, changed, removed = cursor.fetchone()
    return {"zoned": zoned, "changed": changed, "removed": removed}
