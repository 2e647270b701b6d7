"""The nightly red / yellow / blue zoning of agreements (R-NEG-6), set-based and idempotent.

For each product, every hospital's agreed unit price in force is compared with those of the public
hospitals with an agreement for it (the hospital itself left out; a private or military hospital is
compared with all of them and is no one's peer): red above the
peers' red percentile (75th) or above the national lowest unit price, yellow above their yellow
percentile (median), blue above their lowest, no alert at or below it; fewer than ZONE_MIN_PEERS
peers: not zoned. Percentiles are continuous, as percentile_cont; leaving one hospital out is done
by index arithmetic on the product's sorted public prices (``peer_percentile``, migrations 0002 and
0005: a NULL rank leaves no one out), so each agreement costs a few array reads, not a scan of its peers. Percentiles are computed in double
precision, as percentile_cont does, and stored rounded to the fen's hundredth (4 places).

A product's zones depend on nothing but its agreements in force (and whether each hospital is public), its national
lowest unit price and the thresholds: the job hashes these per product (``ProductZoning``) and
recomputes only the products whose fingerprint moved, writing only the rows whose figures changed.
A second run the same night computes fingerprints and writes nothing; a night when nothing moved
writes only each hospital's counts of the night. An empty zoning (the first night) is loaded, its
key built after the rows. Under the job runner's advisory lock no other writer touches the zoning,
so a plain UPDATE and INSERT replace ON CONFLICT.
"""

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from negotiation.choices import AgreementStatus, Zone
from negotiation.models import AgreementZoning
from procurement.catalogue.selectors import national_lowest_price_sql
from procurement.core.bulk import indexes_built_after
from procurement.core.jobs import nightly_job
from procurement.core.policy import policy
from procurement.organisations.choices import HospitalOwnership

ZONING_TABLE = AgreementZoning._meta.db_table
# The figures are computed in the zoning's own column types (the cast rounds to the fen's hundredth, half away
# from zero, as round(…, 4) did), so that writing them coerces nothing: coerced by the INSERT, the four figures
# and the zone cost 0.3–0.45 s of a first night's 600,000 rows (bench/README.md, the sixth session).
_PRICE = AgreementZoning._meta.get_field("peer_lowest").db_type(connection)
_ZONE = AgreementZoning._meta.get_field("zone").db_type(connection)

# Every agreement in force, and whether its hospital is public (one of the peers).
CURRENT_SQL = """
    SELECT a.id, a.hospital_id, a.product_id, a.unit_price, h.ownership = %(public)s AS public
    FROM negotiation_agreement a
    JOIN organisations_organisation h ON h.id = a.hospital_id
    WHERE a.status = %(active)s AND a.valid_from <= %(day)s AND a.valid_until >= %(day)s
"""

# Each product with agreements in force: the public hospitals' unit prices sorted (``peer_percentile``
# reads the peers' from them; empty when no public hospital has one) and the lowest unit price in the national feed outside this province. One row per
# product, joined to its agreements once.
PRODUCTS_SQL = (
    """
    SELECT s.*, (SELECT ("""
    + national_lowest_price_sql("p.code", "%(home)s")
    + " / p.pack_quantity)::"
    + _PRICE
    + """ FROM catalogue_product p WHERE p.id = s.product_id) AS national_lowest
    FROM (SELECT product_id,
                 coalesce(array_agg(unit_price::float8 ORDER BY unit_price) FILTER (WHERE public), '{{}}') AS prices
                 {columns}
          FROM current GROUP BY product_id) s
"""
)


def _zoned(agreements: str) -> str:
    """The CTE ``zoned``: the figures and zone of each agreement of ``agreements`` (all of each of its
    products' agreements in force), from ``products``. The figures are computed in a subquery kept
    apart (OFFSET 0), so that each percentile is computed once, for its column and for the zone."""
    return f"""
    ranked AS (
        SELECT c.*, CASE WHEN c.public
                    THEN row_number() OVER (PARTITION BY c.product_id, c.public ORDER BY c.unit_price) END AS own_rank
        FROM {agreements} c
    ),
    zoned AS (
        SELECT f.*,
               CASE WHEN f.peer_count < %(min_peers)s THEN %(zone_unzoned)s::{_ZONE}
                    WHEN f.unit_price > f.peer_red_line OR f.unit_price > f.national_lowest THEN %(zone_red)s::{_ZONE}
                    WHEN f.unit_price > f.peer_yellow_line THEN %(zone_yellow)s::{_ZONE}
                    WHEN f.unit_price > f.peer_lowest THEN %(zone_blue)s::{_ZONE}
                    ELSE %(zone_none)s::{_ZONE} END AS zone
        FROM (
            SELECT r.id AS agreement_id, r.hospital_id, r.product_id, r.unit_price,
                   peer_count(s.prices, r.own_rank) AS peer_count,
                   peer_percentile(s.prices, r.own_rank, 0)::{_PRICE} AS peer_lowest,
                   peer_percentile(s.prices, r.own_rank, %(yellow)s::float8)::{_PRICE} AS peer_yellow_line,
                   peer_percentile(s.prices, r.own_rank, %(red)s::float8)::{_PRICE} AS peer_red_line,
                   s.national_lowest
            FROM ranked r
            JOIN products s ON s.product_id = r.product_id
            OFFSET 0
        ) f
    )"""


# The bare computation, every agreement in force with its zone and figures, nothing written (bench/zoning.py).
ZONED_SQL = f"""
    WITH current AS MATERIALIZED ({CURRENT_SQL}),
    products AS MATERIALIZED ({PRODUCTS_SQL.format(columns="")}),
    {_zoned("current")}
    SELECT * FROM zoned
"""

_FIGURES = ["zone", "unit_price", "peer_count", "peer_lowest", "peer_yellow_line", "peer_red_line", "national_lowest"]

# A product's fingerprint: its agreements in force (which, at what unit price, at a public hospital or not:
# an order-free sum of their hashes, with their count), its national lowest and the thresholds.
_MARKED = (
    ", count(*) AS agreements, sum(hashint8extended(id, public::int) # hash_numeric_extended(unit_price, 1)) AS mark"
)
_FINGERPRINT = (
    "md5(concat_ws(':', agreements, mark, coalesce(national_lowest::text, '-'), %(yellow)s, %(red)s, %(min_peers)s))"
)
_COLUMNS = f"agreement_id, hospital_id, product_id, {', '.join(_FIGURES)}, yellow_percentile, red_percentile, zoned_on"

# The first night, into an empty zoning: every agreement in force is new, every product marked.
LOAD_STATEMENT = f"""
    WITH current AS MATERIALIZED ({CURRENT_SQL}),
    products AS MATERIALIZED ({PRODUCTS_SQL.format(columns=_MARKED)}),
    marked AS (
        INSERT INTO negotiation_productzoning (product_id, agreements, fingerprint, zoned_on)
        SELECT product_id, agreements, {_FINGERPRINT}, %(day)s FROM products
    ),
    {_zoned("current")}
    INSERT INTO {ZONING_TABLE} ({_COLUMNS})
    SELECT agreement_id, hospital_id, product_id, {", ".join(_FIGURES)}, %(yellow)s, %(red)s, %(day)s FROM zoned
"""

# Any other night, one statement. Products whose fingerprint moved are rezoned: rows whose figures changed are updated, agreements new to the
# zoning inserted, those no longer in force (superseded, expired) removed; products with no agreement in force any more lose their rows. The parts touch disjoint rows.
ZONE_STATEMENT = f"""
    WITH current AS MATERIALIZED ({CURRENT_SQL}),
    products AS MATERIALIZED ({PRODUCTS_SQL.format(columns=_MARKED)}),
    changed AS MATERIALIZED (
        SELECT m.product_id, m.agreements, m.fingerprint
        FROM (SELECT product_id, agreements, {_FINGERPRINT} AS fingerprint FROM products) m
        LEFT JOIN negotiation_productzoning z ON z.product_id = m.product_id
        WHERE z.fingerprint IS DISTINCT FROM m.fingerprint
    ),
    gone AS MATERIALIZED (
        SELECT z.product_id FROM negotiation_productzoning z
        WHERE NOT EXISTS (SELECT 1 FROM products s WHERE s.product_id = z.product_id)
    ),
    rezoned AS (
        SELECT c.* FROM current c WHERE c.product_id IN (SELECT product_id FROM changed)
    ),
    {_zoned("rezoned")},
    updated AS (
        UPDATE {ZONING_TABLE} z
        SET {", ".join(f"{name} = n.{name}" for name in _FIGURES)}, yellow_percentile = %(yellow)s,
            red_percentile = %(red)s, zoned_on = %(day)s
        FROM zoned n
        WHERE z.agreement_id = n.agreement_id
          AND ({", ".join(f"z.{name}" for name in _FIGURES)}, z.yellow_percentile, z.red_percentile)
              IS DISTINCT FROM ({", ".join(f"n.{name}" for name in _FIGURES)}, %(yellow)s::numeric, %(red)s::numeric)
        RETURNING 1
    ),
    inserted AS (
        INSERT INTO {ZONING_TABLE} ({_COLUMNS})
        SELECT n.agreement_id, n.hospital_id, n.product_id, {", ".join(f"n.{name}" for name in _FIGURES)},
               %(yellow)s, %(red)s, %(day)s
        FROM zoned n
        WHERE NOT EXISTS (SELECT 1 FROM {ZONING_TABLE} z WHERE z.agreement_id = n.agreement_id)
        RETURNING 1
    ),
    removed AS (
        DELETE FROM {ZONING_TABLE} z
        WHERE z.product_id IN (SELECT product_id FROM changed UNION ALL SELECT product_id FROM gone)
          AND NOT EXISTS (SELECT 1 FROM zoned n WHERE n.agreement_id = z.agreement_id)
        RETURNING 1
    ),
    marked AS (
        INSERT INTO negotiation_productzoning AS s (product_id, agreements, fingerprint, zoned_on)
        SELECT product_id, agreements, fingerprint, %(day)s FROM changed
        ON CONFLICT (product_id) DO UPDATE SET
            agreements = EXCLUDED.agreements, fingerprint = EXCLUDED.fingerprint, zoned_on = EXCLUDED.zoned_on
    ),
    unmarked AS (
        DELETE FROM negotiation_productzoning s WHERE s.product_id IN (SELECT product_id FROM gone)
    )
    SELECT (SELECT count(*) FROM current), (SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted),
           (SELECT count(*) FROM removed)
"""

# Each hospital's counts of the night, from the zoning as written: counted into a temporary table first (a
# query that only reads is planned with parallel workers: the 600,000 rows of a first night in half the time
# of the INSERT … SELECT, which PostgreSQL plans without them), then a row written only where they differ.
DAYS_FIGURES_STATEMENT = f"""
    CREATE TEMPORARY TABLE zoning_days ON COMMIT DROP AS
    SELECT hospital_id, count(*) FILTER (WHERE zone <> %(zone_unzoned)s) AS agreements,
           count(*) FILTER (WHERE zone = %(zone_red)s) AS red, count(*) FILTER (WHERE zone = %(zone_yellow)s) AS yellow,
           count(*) FILTER (WHERE zone = %(zone_blue)s) AS blue
    FROM {ZONING_TABLE} GROUP BY hospital_id
"""
DAYS_STATEMENT = """
    INSERT INTO negotiation_hospitalzoneday AS d (hospital_id, day, agreements, red, yellow, blue)
    SELECT hospital_id, %(day)s, agreements, red, yellow, blue FROM zoning_days
    ON CONFLICT (hospital_id, day) DO UPDATE SET
        agreements = EXCLUDED.agreements, red = EXCLUDED.red, yellow = EXCLUDED.yellow, blue = EXCLUDED.blue
    WHERE (d.agreements, d.red, d.yellow, d.blue)
          IS DISTINCT FROM (EXCLUDED.agreements, EXCLUDED.red, EXCLUDED.yellow, EXCLUDED.blue)
"""


def zoning_params(day) -> dict:
    return {
        "day": day,
        "home": settings.HOME_PROVINCE,
        "yellow": policy("ZONE_YELLOW_PERCENTILE"),
        "red": policy("ZONE_RED_PERCENTILE"),
        "min_peers": policy("ZONE_MIN_PEERS"),
        "active": AgreementStatus.ACTIVE,
        "public": HospitalOwnership.PUBLIC,
        **{f"zone_{zone}": zone.value for zone in Zone},
    }


@nightly_job("zone_agreements", order=60, label=gettext_lazy("Red / yellow / blue zoning"))
def zone_agreements(today: date | None = None) -> dict[str, int]:
    """R-NEG-6: red / yellow / blue zoning of the agreements in force, with the figures of each."""
    params = zoning_params(today or timezone.localdate())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # compiling these statements costs more than it saves (1.7 s)
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {ZONING_TABLE})")
        if cursor.fetchone()[0]:
            cursor.execute(ZONE_STATEMENT, params)
            zoned, changed, removed = cursor.fetchone()
        else:  # a first night: a load, the indexes built after the rows
            cursor.execute("DELETE FROM negotiation_productzoning")
            with indexes_built_after(cursor, ZONING_TABLE):
                cursor.execute(LOAD_STATEMENT, params)
                zoned = changed = cursor.rowcount
            removed = 0
        cursor.execute("DROP TABLE IF EXISTS zoning_days")  # a second run in the same transaction
        cursor.execute(DAYS_FIGURES_STATEMENT, params)
        cursor.execute(DAYS_STATEMENT, params)
    return {"zoned": zoned, "changed": changed, "removed": removed}
