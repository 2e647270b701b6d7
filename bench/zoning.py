"""Benchmark: the nightly red / yellow / blue zoning (R-NEG-6) of 600,000 agreements over 3,000 hospitals.

Prints the job's time next to the time of the bare SQL percentile query in the same run. Goal: the
job takes at most 1.5 × the bare query. The data: 3,000 public hospitals, 2,000 products of varied
packs, each hospital with an agreement in force for 200 of them (a random subset, popular and rare
products: a few have too few peers to be zoned); unit prices spread around a base of each product,
a tenth of them at its floor (at the peers' lowest), so that every zone occurs; national prices
in three other provinces for nine products in ten (and a lower one at home, which must not count).

- bare query: ``ZONED_SQL`` with the job's parameters and settings (JIT off, as the job sets it),
  every figure and the zone of every agreement computed and summed, nothing written;
- job, first night: through the job runner with the zoning tables empty (every row written: a load,
  the indexes built after the rows);
- job, re-run: the same night again (nothing changes: each product's fingerprint is as stored, nothing
  is recomputed or written);
- job, a typical night: 300 agreements at new prices since the night before (their products, about one
  in seven, are rezoned; the others are left as they are). A figure of its own, with no goal.

Alternate rounds, medians compared. Once, as a check of the figures: for 1,000 random agreements
the stored peer count, lowest, yellow and red lines against ``percentile_cont`` over their peers
(the other public hospitals' agreements in force for the product), computed directly in SQL.
"""

import argparse
import random
import statistics
import time
from datetime import timedelta

from _db import setup

PACKS = [1, 6, 7, 10, 12, 14, 20, 24, 28, 30, 36, 48, 60, 100]


def build(hospitals: int, products: int, per_hospital: int) -> int:
    import pgtrigger
    from django.db import connection, transaction
    from django.utils import timezone

    from procurement.catalogue.models import NationalPriceImport
    from procurement.organisations.models import Organisation, Region, User
    from procurement.organisations.validators import credit_code_check_char

    province = Region.objects.create(code="640000", name="宁夏回族自治区", level="province")
    body = "91640000000000001"
    maker = Organisation.objects.create(
        kind="manufacturer", name="制药企业", region=province, credit_code=body + credit_code_check_char(body)
    )
    user = User.objects.create_superuser("bench", password=None, organisation=maker)
    batch = NationalPriceImport.objects.create(original_name="bench.csv", sha256="-", uploaded_by=user)
    codes = [f"12640000{number:09d}" for number in range(1, hospitals + 1)]
    today = timezone.localdate()
    audit = ["negotiation.Negotiation:insert_insert", "negotiation.Agreement:insert_insert"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """
            INSERT INTO organisations_organisation (kind, name, credit_code, region_id, ownership, hospital_level,
                                                    contact_name, contact_phone, is_active, created_at)
            SELECT 'hospital', '医院' || n, code, %(region)s, 'public', 2, '', '', true, now()
            FROM unnest(%(codes)s::text[]) WITH ORDINALITY AS c(code, n)
        """,
            {"region": province.pk, "codes": [code + credit_code_check_char(code) for code in codes]},
        )
        cursor.execute(
            """
            INSERT INTO catalogue_product (code, generic_name, trade_name, dosage_form, specification, route,
                pack_quantity, minimum_unit, pack_unit, manufacturer_id, holder_id, approval_number, is_originator,
                is_reference, is_consistency_evaluated, is_national_negotiated, is_innovative,
                is_designated_production, is_provincial_reserve, is_shortage, controlled_category, search_initials,
                created_at, updated_at)
            SELECT 'XC10AA' || lpad(n::text, 6, '0') || '001001' || lpad((n %% 100000)::text, 5, '0'),
                   '药品' || n, '', '片剂', '10mg', '口服', (%(packs)s::int[])[1 + n %% cardinality(%(packs)s::int[])],
                   '片', '盒', %(maker)s, %(maker)s, '国药准字H20000000', false, false, false, false, false, false,
                   false, false, '', 'yp', now(), now()
            FROM generate_series(1, %(n)s) n
        """,
            {"maker": maker.pk, "n": products, "packs": PACKS},
        )
        # Each product: a base unit price (0.05 to 55 yuan), a popularity (one in a hundred rare: a few
        # hospitals only) and a national level (its lowest unit price elsewhere, 0.9 to 1.5 × the base).
        cursor.execute("""
            CREATE TEMP TABLE bench_product ON COMMIT DROP AS
            SELECT id, code, pack_quantity, round((0.05 * exp(random() * 7))::numeric, 4) AS base,
                   CASE WHEN id % 100 = 0 THEN 0.01 ELSE 0.3 + random() * 2.7 END AS weight,
                   0.9 + random() * 0.6 AS national
            FROM catalogue_product
        """)
        cursor.execute(
            """
            INSERT INTO catalogue_nationalprice (product_code, province, price, effective_date, batch_id)
            SELECT b.code, v.province,
                   round(b.base * b.pack_quantity * CASE WHEN v.province = %(home)s THEN 0.5
                                                         ELSE (b.national * (v.step + random() * 0.05))::numeric END,
                         4),
                   %(day)s, %(batch)s
            FROM bench_product b
            CROSS JOIN (VALUES ('11', 1.0), ('31', 1.1), ('44', 1.2), (%(home)s, 0)) v(province, step)
            WHERE b.id %% 10 <> 0
        """,
            {"home": "64", "day": today - timedelta(days=90), "batch": batch.pk},
        )
        # Each hospital's products: a weighted random sample without replacement (the key u ^ (1 / weight), by its log).
        cursor.execute(
            """
            CREATE TEMP TABLE bench_pick ON COMMIT DROP AS
            SELECT h.id AS hospital_id, pick.id AS product_id,
                   round(pick.base * pick.pack_quantity * CASE WHEN random() < 0.1 THEN 0.7
                                                               ELSE (0.7 + random() * 0.6)::numeric END, 2) AS price,
                   round(pick.base * pick.pack_quantity * 1.5, 2) AS listing_price, pick.pack_quantity
            FROM organisations_organisation h
            CROSS JOIN LATERAL (SELECT b.id, b.base, b.pack_quantity FROM bench_product b WHERE h.id IS NOT NULL
                                ORDER BY ln(1 - random()) / b.weight DESC LIMIT %(per)s) pick
            WHERE h.kind = 'hospital'
        """,
            {"per": per_hospital},
        )
        # The audit events of 1.2 million set-up rows are not what is measured: their triggers are skipped
        # (pgtrigger.ignore prepends a positional parameter of its own: these two take positional ones).
        with pgtrigger.ignore(*audit):
            cursor.execute(
                """
                INSERT INTO negotiation_negotiation (hospital_id, product_id, manufacturer_id, listing_price, volume,
                    valid_months, price, turn, counter_rounds, status, requested_by_id, created_at, closed_at,
                    close_reason)
                SELECT hospital_id, product_id, %s, listing_price, 1000, 12, price, 'hospital', 1, 'agreed', %s, now(),
                       now(), ''
                FROM bench_pick
            """,
                [maker.pk, user.pk],
            )
            cursor.execute(
                """
                INSERT INTO negotiation_agreement (negotiation_id, hospital_id, product_id, manufacturer_id, price,
                    unit_price, listing_price, volume, valid_from, valid_until, status, created_at)
                SELECT n.id, p.hospital_id, p.product_id, %s, p.price, round(p.price / p.pack_quantity, 4),
                       p.listing_price, 1000, %s, %s, 'active', now()
                FROM bench_pick p
                JOIN negotiation_negotiation n ON n.hospital_id = p.hospital_id AND n.product_id = p.product_id
            """,
                [maker.pk, today - timedelta(days=30), today + timedelta(days=335)],
            )
        cursor.execute("SELECT count(*) FROM negotiation_agreement")
        agreements = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return agreements


def bare_query() -> tuple[float, tuple]:
    from django.db import connection, transaction
    from django.utils import timezone

    from negotiation.jobs import ZONED_SQL, zoning_params

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # as the job runs it: the same planner settings on both sides
        cursor.execute(
            f"""
            SELECT count(*), sum(peer_count), sum(peer_lowest), sum(peer_yellow_line), sum(peer_red_line),
                   sum(national_lowest), count(*) FILTER (WHERE zone = 'red')
            FROM ({ZONED_SQL}) q
        """,
            zoning_params(timezone.localdate()),
        )
        figures = cursor.fetchone()
    return time.perf_counter() - started, figures


def reset():
    """A first night: nothing zoned yet; the previous round's writes checkpointed (not this round's cost)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE negotiation_agreementzoning, negotiation_productzoning, negotiation_hospitalzoneday")
        cursor.execute("CHECKPOINT")


def job() -> tuple[float, dict]:
    from procurement.core.jobs import run_job

    started = time.perf_counter()
    run = run_job("zone_agreements", triggered_by="bench")
    elapsed = time.perf_counter() - started
    assert run.status == "succeeded", run.error
    return elapsed, run.counts


def renegotiate(count: int, seed: int) -> None:
    """``count`` random agreements in force at new prices (80 to 110 % of their old), as a day brings them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed / 1000])
        cursor.execute(
            """
            WITH picked AS (SELECT id, (0.8 + random() * 0.3)::numeric AS factor FROM negotiation_agreement
                            WHERE status = 'active' ORDER BY random() LIMIT %s)
            UPDATE negotiation_agreement a SET price = round(a.price * p.factor, 2),
                                               unit_price = round(a.unit_price * p.factor, 4)
            FROM picked p WHERE a.id = p.id
        """,
            [count],
        )


def zones() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT zone, count(*) FROM negotiation_agreementzoning GROUP BY zone ORDER BY zone")
        return dict(cursor.fetchall())


def check_figures(sample: int, seed: int) -> int:
    """The stored peer figures of ``sample`` random agreements against percentile_cont over their peers."""
    from django.db import connection
    from django.utils import timezone

    from negotiation.jobs import zoning_params

    params = zoning_params(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("SELECT agreement_id FROM negotiation_agreementzoning ORDER BY agreement_id")
        ids = random.Random(seed).sample([row[0] for row in cursor.fetchall()], k=sample)
        cursor.execute(
            """
            SELECT z.agreement_id, z.peer_count, z.peer_lowest, z.peer_yellow_line, z.peer_red_line,
                   ref.peers, ref.lowest, ref.yellow, ref.red
            FROM negotiation_agreementzoning z
            JOIN negotiation_agreement a ON a.id = z.agreement_id
            CROSS JOIN LATERAL (
                SELECT count(*) AS peers,
                       percentile_cont(0) WITHIN GROUP (ORDER BY p.unit_price) AS lowest,
                       percentile_cont(%(yellow)s::float8) WITHIN GROUP (ORDER BY p.unit_price) AS yellow,
                       percentile_cont(%(red)s::float8) WITHIN GROUP (ORDER BY p.unit_price) AS red
                FROM negotiation_agreement p
                JOIN organisations_organisation h ON h.id = p.hospital_id
                WHERE p.product_id = a.product_id AND p.hospital_id <> a.hospital_id AND p.status = 'active'
                  AND p.valid_from <= %(day)s AND p.valid_until >= %(day)s AND h.ownership = 'public'
            ) ref
            WHERE z.agreement_id = ANY(%(ids)s)
        """,
            {**params, "ids": ids},
        )
        rows = cursor.fetchall()
    assert len(rows) == sample, len(rows)
    for agreement, count, lowest, yellow, red, peers, *reference in rows:
        stored = (lowest, yellow, red)
        assert count == peers, (agreement, count, peers)
        for ours, theirs in zip(stored, reference, strict=True):
            # Stored to four places; percentile_cont computes in float8.
            assert (ours is None and theirs is None) or abs(float(ours) - theirs) <= 0.00005 + 1e-9, (
                agreement,
                stored,
                reference,
            )
    return len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hospitals", type=int, default=3000)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--per-hospital", type=int, default=200, help="agreements in force per hospital")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sample", type=int, default=1000, help="agreements whose figures are checked")
    parser.add_argument("--renegotiated", type=int, default=300, help="agreements at new prices on a typical night")
    options = parser.parse_args()
    setup("zoning")
    started = time.perf_counter()
    agreements = build(options.hospitals, options.products, options.per_hospital)
    print(
        f"{agreements:,} agreements in force, {options.hospitals:,} hospitals, {options.products:,} products "
        f"(built in {time.perf_counter() - started:.0f}s)"
    )
    queries, firsts, seconds, typicals = [], [], [], []
    for round_number in range(1, options.rounds + 1):
        reset()
        query, figures = bare_query()
        first, counts = job()
        second, again = job()
        assert counts["zoned"] == figures[0] and counts["changed"] == figures[0] and counts["removed"] == 0, counts
        assert again == {"zoned": figures[0], "changed": 0, "removed": 0}, again
        renegotiate(options.renegotiated, seed=round_number)
        typical, moved = job()
        assert moved["zoned"] == figures[0] and moved["changed"] >= options.renegotiated, moved
        if round_number == 1:
            print(f"job counts: first night {counts}, re-run {again}, typical night {moved}")
            print("zones: " + ", ".join(f"{zone} {count:,}" for zone, count in zones().items()))
            checked = check_figures(options.sample, seed=1)
            print(f"figures of {checked:,} random agreements equal percentile_cont over their peers")
        queries.append(query)
        firsts.append(first)
        seconds.append(second)
        typicals.append(typical)
        print(
            f"round {round_number}: bare query {query:.2f}s  job, first night {first:.2f}s  re-run {second:.2f}s  "
            f"typical night {typical:.2f}s"
        )
    query, first, second, typical = (statistics.median(values) for values in (queries, firsts, seconds, typicals))
    print(
        f"median: bare query {query:.2f}s  job, first night {first:.2f}s  re-run {second:.2f}s  "
        f"typical night {typical:.2f}s"
    )
    print(
        f"job / bare query: first night {first / query:.2f}, re-run {second / query:.2f} (goal ≤ 1.50); "
        f"typical night {typical / query:.2f}"
    )


if __name__ == "__main__":
    main()
