"""Benchmark: the nightly VBP completion (R-VBP-5) over 5 million order lines and 3,000 hospitals.

Prints the job's time next to the bare SQL aggregation of the same figures in the same run. Goal: the job
takes at most 1.5 × the bare query. The data: 3,000 public hospitals, 2,000 products, one national round of
100 competition units (one winner each), every hospital with a contract for 30 of them (90,000 contracts,
their agreed volumes random); 500,000 orders of 10 lines (5 million lines), two lines in five of the
hospital's contract products, the others of any product; each line shipped in one batch, nine in ten
accepted (in full, or in part), one in twenty with packs returned, accepted over the last 360 days — the
contract year and the year before it.

- bare query: ``vbp.jobs.BARE_SQL`` — every contract's units bought in its contract year, returns
  subtracted, and the pace expected by today, summed; nothing written;
- job, first night: through the job runner, the completion table empty (every contract's row written);
- job, re-run: the same night again (every figure as stored: nothing written).

Alternate rounds, medians compared. Once, as a check of the figures: 1,000 random contracts' stored
units against a sum over their accepted batches computed directly.
"""

import argparse
import statistics
import time
from datetime import timedelta

from _db import setup


def build(hospitals: int, products: int, orders: int, lines_per_order: int, units: int, per_hospital: int) -> int:
    from django.db import connection, transaction
    from django.utils import timezone

    from procurement.organisations.models import Organisation, Region, User
    from procurement.organisations.validators import credit_code_check_char

    province = Region.objects.create(code="640000", name="宁夏回族自治区", level="province")
    body = "91640000000000001"
    maker = Organisation.objects.create(
        kind="manufacturer", name="制药企业", region=province, credit_code=body + credit_code_check_char(body)
    )
    body = "91640000000000002"
    distributor = Organisation.objects.create(
        kind="distributor", name="配送企业", region=province, credit_code=body + credit_code_check_char(body)
    )
    user = User.objects.create_superuser("bench", password=None, organisation=maker)
    codes = [f"12640000{number:09d}" for number in range(1, hospitals + 1)]
    today = timezone.localdate()
    valid_from = today - timedelta(days=200)
    valid_until = valid_from.replace(year=valid_from.year + 2) - timedelta(days=1)
    with transaction.atomic(), connection.cursor() as cursor:
        # The set-up's 5 million rows are not what is measured: their audit and change-stamp triggers (and the
        # foreign-key checks, which are triggers too) are skipped for the session.
        cursor.execute("SET LOCAL session_replication_role = replica")
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
                   '药品' || n, '', '片剂', '10mg', '口服', (ARRAY[7, 14, 28, 30, 100])[1 + n %% 5],
                   '片', '盒', %(maker)s, %(maker)s, '国药准字H20000000', false, false, true, false, false, false,
                   false, false, '', 'yp', now(), now()
            FROM generate_series(1, %(n)s) n
        """,
            {"maker": maker.pk, "n": products},
        )
        cursor.execute(
            """
            INSERT INTO vbp_round (kind, name, status, valid_from, valid_until, created_by_id, created_at)
            VALUES ('national', '国家集采', 'opened', %s, %s, %s, now()) RETURNING id
        """,
            [valid_from, valid_until, user.pk],
        )
        round_id = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO vbp_competitionunit (round_id, generic_name, route, reference_specification, win_ratio,
                                             win_discount, winner_caps, winners_count)
            SELECT %(round)s, p.generic_name, '口服', '', 1.8, 0.5, '{}'::jsonb, 1
            FROM catalogue_product p ORDER BY p.id LIMIT %(units)s
        """,
            {"round": round_id, "units": units},
        )
        cursor.execute(
            """
            INSERT INTO vbp_winner (unit_id, product_id, manufacturer_id, price, unit_price, rank, supply_regions,
                                    supplies_home, valid_from, valid_until)
            SELECT u.id, p.id, p.manufacturer_id, p.pack_quantity * 0.5, 0.5, 1, ARRAY['64'], true, %s, %s
            FROM vbp_competitionunit u JOIN catalogue_product p ON p.generic_name = u.generic_name
        """,
            [valid_from, valid_until],
        )
        # Each hospital's units: a random 30 of the 100.
        cursor.execute(
            """
            CREATE TEMP TABLE bench_pick ON COMMIT DROP AS
            SELECT h.id AS hospital_id, w.unit_id, w.id AS winner_id, w.product_id, w.price,
                   (1000 + random() * 20000)::bigint AS volume
            FROM organisations_organisation h
            CROSS JOIN LATERAL (SELECT w.* FROM vbp_winner w WHERE h.id IS NOT NULL ORDER BY random()
                                LIMIT %(per)s) w
            WHERE h.kind = 'hospital'
        """,
            {"per": per_hospital},
        )
        cursor.execute(
            """
            INSERT INTO vbp_allocation (unit_id, hospital_id, base_units, agreed_units, deadline_start,
                                        deadline_working_days, deadline, deadline_provisional, confirmed_at)
            SELECT unit_id, hospital_id, volume * 2, volume, %(start)s, 5, %(start)s, false, now() FROM bench_pick
        """,
            {"start": valid_from},
        )
        cursor.execute(
            """
            INSERT INTO vbp_contract (allocation_id, unit_id, winner_id, hospital_id, manufacturer_id, product_id,
                                      price, volume_units, valid_from, valid_until, created_at)
            SELECT a.id, b.unit_id, b.winner_id, b.hospital_id, %(maker)s, b.product_id, b.price, b.volume,
                   %(from)s, %(until)s, now()
            FROM bench_pick b JOIN vbp_allocation a ON a.unit_id = b.unit_id AND a.hospital_id = b.hospital_id
        """,
            {"maker": maker.pk, "from": valid_from, "until": valid_until},
        )
        cursor.execute(
            """
            CREATE TEMP TABLE bench_contract_product ON COMMIT DROP AS
            SELECT hospital_id, array_agg(product_id) AS products FROM bench_pick GROUP BY hospital_id
        """
        )
        cursor.execute("CREATE INDEX ON bench_contract_product (hospital_id)")
        cursor.execute(
            """
            WITH h AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM organisations_organisation
                       WHERE kind = 'hospital')
            INSERT INTO orders_order (hospital_id, placed_by_id, source, idempotency_key, request_hash, note, total,
                                      created_at, change_xid)
            SELECT h.id, %(user)s, 'his', NULL, '', '', 0, now() - interval '3 days' - random() * interval '357 days', 0
            FROM generate_series(0, %(orders)s - 1) n JOIN h ON h.k = n %% %(hospitals)s
        """,
            {"user": user.pk, "orders": orders, "hospitals": hospitals},
        )
        cursor.execute("SELECT min(id), max(id) FROM catalogue_product")
        first_product, last_product = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO orders_orderline (order_id, hospital_id, product_id, manufacturer_id, distributor_id, quantity,
                price, price_source, price_reference, amount, status, shipped_quantity, accepted_quantity,
                returned_quantity, closed_quantity, reason, created_at, change_xid)
            SELECT o.id, o.hospital_id, l.product_id, %(maker)s, %(distributor)s, l.quantity, 10, 'vbp', '',
                   10 * l.quantity, 'completed', l.quantity, 0, 0, 0, '', o.created_at, 0
            FROM orders_order o
            JOIN bench_contract_product c ON c.hospital_id = o.hospital_id
            CROSS JOIN LATERAL (
                SELECT CASE WHEN random() < 0.4 THEN c.products[1 + floor(random() * cardinality(c.products))::int]
                            ELSE %(first)s + floor(random() * (%(last)s - %(first)s + 1))::bigint END AS product_id,
                       1 + floor(random() * 50)::int AS quantity
                FROM generate_series(1, %(per_order)s) WHERE o.id IS NOT NULL
            ) l
        """,
            {
                "maker": maker.pk,
                "distributor": distributor.pk,
                "first": first_product,
                "last": last_product,
                "per_order": lines_per_order,
            },
        )
        cursor.execute(
            """
            INSERT INTO orders_shipment (line_id, hospital_id, distributor_id, batch_number, production_date,
                expiry_date, inspection_report, quantity, status, shipped_by_id, shipped_at, accepted_quantity,
                returned_quantity, rejection_reason, accepted_by_id, accepted_at, change_xid)
            SELECT l.id, l.hospital_id, l.distributor_id, 'B' || l.id, %(produced)s, %(expires)s, 'r.pdf', l.quantity,
                   CASE WHEN a.accepted = l.quantity THEN 'accepted' WHEN a.accepted = 0 THEN 'rejected'
                        ELSE 'partly_accepted' END,
                   %(user)s, l.created_at + interval '1 day', a.accepted,
                   CASE WHEN random() < 0.05 THEN a.accepted / 2 ELSE 0 END, '', %(user)s,
                   l.created_at + interval '2 days', 0
            FROM orders_orderline l
            CROSS JOIN LATERAL (
                SELECT CASE WHEN r < 0.85 THEN l.quantity WHEN r < 0.9 THEN l.quantity / 2 ELSE 0 END AS accepted
                FROM (SELECT random() AS r WHERE l.id IS NOT NULL) x
            ) a
        """,
            {"produced": today - timedelta(days=400), "expires": today + timedelta(days=400), "user": user.pk},
        )
        cursor.execute("SELECT count(*) FROM orders_orderline")
        lines = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return lines


def params():
    from django.conf import settings
    from django.utils import timezone

    from procurement.core.policy import policy

    return {
        "today": timezone.localdate(),
        "tz": settings.TIME_ZONE,
        "share": policy("VBP_BEHIND_PACE_SHARE"),
        "ids": [],
    }


def bare_query() -> tuple[float, tuple]:
    from django.db import connection, transaction

    from vbp.jobs import BARE_SQL

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BARE_SQL.replace("{only}", ""), params())
        figures = cursor.fetchone()
    return time.perf_counter() - started, figures


def reset():
    """A first night: no completion stored yet; the previous round's writes checkpointed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE vbp_contractprogress")
        cursor.execute("CHECKPOINT")


def job() -> tuple[float, dict]:
    from procurement.core.jobs import run_job

    started = time.perf_counter()
    run = run_job("vbp_completion", triggered_by="bench")
    elapsed = time.perf_counter() - started
    assert run.status == "succeeded", run.error
    return elapsed, run.counts


def check(sample: int = 1000) -> int:
    """Stored units of random contracts against a direct sum over their accepted batches in the contract year."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM (
                SELECT cp.contract_id, cp.bought_units,
                       (SELECT COALESCE(sum((s.accepted_quantity - s.returned_quantity)::bigint * p.pack_quantity), 0)
                        FROM orders_orderline l JOIN orders_shipment s ON s.line_id = l.id
                        JOIN catalogue_product p ON p.id = l.product_id
                        WHERE l.hospital_id = c.hospital_id AND l.product_id = c.product_id
                          AND (s.accepted_at AT TIME ZONE %s)::date BETWEEN cp.year_start AND cp.year_end) AS direct
                FROM vbp_contractprogress cp JOIN vbp_contract c ON c.id = cp.contract_id
                ORDER BY random() LIMIT %s
            ) q WHERE bought_units <> direct
        """,
            [settings.TIME_ZONE, sample],
        )
        return cursor.fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hospitals", type=int, default=3000)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=500_000)
    parser.add_argument("--lines-per-order", type=int, default=10)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--per-hospital", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    setup("vbp_completion")
    started = time.perf_counter()
    lines = build(
        options.hospitals,
        options.products,
        options.orders,
        options.lines_per_order,
        options.units,
        options.per_hospital,
    )
    print(f"set-up: {lines:,} order lines in {time.perf_counter() - started:.0f} s")
    bare, first, rerun = [], [], []
    for round_number in range(1, options.rounds + 1):
        elapsed, figures = bare_query()
        bare.append(elapsed)
        reset()
        first_elapsed, counts = job()
        first.append(first_elapsed)
        rerun_elapsed, again = job()
        rerun.append(rerun_elapsed)
        print(
            f"round {round_number}: bare {elapsed:.2f} s {figures}; first night {first_elapsed:.2f} s {counts};"
            f" re-run {rerun_elapsed:.2f} s {again}"
        )
    wrong = check()
    print(f"check: {wrong} of 1,000 random contracts differ from a direct sum")
    b, f, r = statistics.median(bare), statistics.median(first), statistics.median(rerun)
    print(f"bare aggregation {b:.2f} s; job first night {f:.2f} s ({f / b:.2f} ×); re-run {r:.2f} s ({r / b:.2f} ×)")
    print("goal: ≤ 1.5 ×")


if __name__ == "__main__":
    main()
