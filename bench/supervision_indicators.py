"""Benchmark: the supervision indicators (R-SUP-1) of 3,000 hospitals over 5 million order lines.

Prints the job's time next to the bare SQL aggregation of the same figures in the same run. Goal: the job
takes at most 1.5 × the bare query. The data: bench/vbp_completion.py's (3,000 public hospitals, 2,000
products of one drug class, 100 VBP units with one winner each, 30 contracts a hospital, 500,000 orders of 10
lines over the last 360 days, each shipped in one batch, nine in ten accepted), plus one payable for every
fifth accepted batch (due the last day of the month after acceptance; eight in ten settled by then, one late,
one unpaid), three offline purchases per hospital and month, and one allocation in twenty never confirmed.

Every registered indicator (eight: online rate, offline share, cost growth, similar efficacy, on-time payment,
VBP completion, non-winning share, violations), for two spans:

- nightly: the months still open (the current one, and the previous within INDICATOR_FREEZE_DAYS of its end),
  through the job runner — a first night (nothing stored) and a re-run (nothing written);
- backfill: the last twelve months, ``supervision.indicator_jobs.compute_indicators`` (a new installation's history).

- bare query: ``supervision.indicator_jobs.BARE_SQL`` — the same union of every part, summed per hospital, month and
  indicator, then totalled; nothing written.

Alternate rounds (three of the nightly span, one of the twelve months by default), medians compared. Once, as a check, one random hospital's stored online rate of the current
month against a direct sum over its lines and offline purchases.
"""

import argparse
import statistics
import time
from datetime import timedelta

from _db import setup


def build_more() -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SELECT setseed(0.17)")
        cursor.execute(
            """
            INSERT INTO settlement_payable (shipment_id, line_id, hospital_id, distributor_id, manufacturer_id,
                product_id, quantity, price, amount, accepted_at, accepted_on, due_on, settled_on,
                created_at, change_xid)
            SELECT s.id, l.id, l.hospital_id, l.distributor_id, l.manufacturer_id, l.product_id,
                   s.accepted_quantity, l.price, l.price * s.accepted_quantity, s.accepted_at, a.day, a.due,
                   CASE WHEN r < 0.8 THEN a.due - 3 WHEN r < 0.9 THEN a.due + 12 END, now(), 0
            FROM orders_shipment s
            JOIN orders_orderline l ON l.id = s.line_id
            CROSS JOIN LATERAL (
                SELECT (s.accepted_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
                       (date_trunc('month', s.accepted_at AT TIME ZONE 'Asia/Shanghai') + interval '2 months'
                        - interval '1 day')::date AS due,
                       random() AS r
            ) a
            WHERE s.accepted_quantity > 0 AND s.id % 5 = 0
        """
        )
        payables = cursor.rowcount
        cursor.execute("SELECT id FROM organisations_user LIMIT 1")
        user = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO orders_offlinepurchase (hospital_id, product_id, description, quantity, amount, purchased_on,
                                                reason, reported_by_id, reported_at)
            SELECT h.id, NULL, '网下采购', 1, round((50 + random() * 2000)::numeric, 2),
                   %(today)s - (random() * 360)::int, '急需', %(user)s, now()
            FROM organisations_organisation h CROSS JOIN generate_series(1, 36)
            WHERE h.kind = 'hospital'
        """,
            {"today": today, "user": user},
        )
        offline = cursor.rowcount
        cursor.execute("UPDATE vbp_allocation SET confirmed_at = NULL WHERE random() < 0.05")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"payables": payables, "offline": offline}


def spans():
    from django.utils import timezone

    from supervision.indicator_jobs import freeze_before, next_month

    today = timezone.localdate()
    until = next_month(today)
    year_ago = until
    for _ in range(12):
        year_ago = (year_ago - timedelta(days=1)).replace(day=1)
    return {"nightly": (freeze_before(today), until, today), "backfill": (year_ago, until, today)}


def bare(span) -> tuple[float, tuple]:
    from django.db import transaction

    from supervision.indicator_jobs import bare_figures

    since, until, today = span
    started = time.perf_counter()
    with transaction.atomic():
        figures = bare_figures(since=since, until=until, today=today)
    return time.perf_counter() - started, figures


def reset():
    """A first night: nothing stored yet; the previous round's writes checkpointed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE supervision_indicatorvalue")
        cursor.execute("CHECKPOINT")


def nightly() -> tuple[float, dict]:
    from procurement.core.jobs import run_job

    started = time.perf_counter()
    run = run_job("supervision_indicators", triggered_by="bench")
    elapsed = time.perf_counter() - started
    assert run.status == "succeeded", run.error
    return elapsed, run.counts


def backfill(span) -> tuple[float, dict]:
    from django.db import transaction

    from supervision.indicator_jobs import compute_indicators

    since, until, today = span
    started = time.perf_counter()
    with transaction.atomic():
        counts = compute_indicators(since=since, until=until, today=today)
    return time.perf_counter() - started, counts


def check() -> bool:
    """One random hospital's stored online rate of the current month against a direct sum."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    month = timezone.localdate().replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT v.numerator, v.denominator,
                   (SELECT coalesce(sum(amount), 0) FROM orders_orderline l WHERE l.hospital_id = v.hospital_id
                      AND l.status NOT IN ('declined', 'cancelled')
                      AND date_trunc('month', l.created_at AT TIME ZONE %(tz)s)::date = v.month),
                   (SELECT coalesce(sum(amount), 0) FROM orders_offlinepurchase o WHERE o.hospital_id = v.hospital_id
                      AND date_trunc('month', o.purchased_on)::date = v.month)
            FROM supervision_indicatorvalue v WHERE v.indicator = 'online_rate' AND v.month = %(month)s
            ORDER BY random() LIMIT 1
        """,
            {"tz": settings.TIME_ZONE, "month": month},
        )
        numerator, denominator, online, offline = cursor.fetchone()
    return numerator == online and denominator == online + offline


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hospitals", type=int, default=3000)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=500_000)
    parser.add_argument("--lines-per-order", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the nightly span")
    parser.add_argument("--backfill-rounds", type=int, default=1, help="rounds of the twelve months (long)")
    options = parser.parse_args()
    setup("supervision_indicators")
    from vbp_completion import build

    started = time.perf_counter()
    lines = build(options.hospitals, options.products, options.orders, options.lines_per_order, 100, 30)
    more = build_more()
    print(f"set-up: {lines:,} order lines, {more} in {time.perf_counter() - started:.0f} s")
    windows = spans()
    results = {"nightly": ([], [], []), "backfill": ([], [], [])}
    for round_number in range(1, max(options.rounds, options.backfill_rounds) + 1):
        for name in ("nightly", "backfill"):
            if round_number > (options.rounds if name == "nightly" else options.backfill_rounds):
                continue
            bare_times, first_times, rerun_times = results[name]
            elapsed, figures = bare(windows[name])
            bare_times.append(elapsed)
            reset()
            if name == "nightly":
                first_elapsed, counts = nightly()
                rerun_elapsed, again = nightly()
            else:
                first_elapsed, counts = backfill(windows[name])
                rerun_elapsed, again = backfill(windows[name])
            first_times.append(first_elapsed)
            rerun_times.append(rerun_elapsed)
            print(
                f"round {round_number} {name}: bare {elapsed:.2f} s {figures[0]} figures; first {first_elapsed:.2f} s"
                f" {counts}; re-run {rerun_elapsed:.2f} s {again}"
            )
    print(f"check: a random hospital's stored online rate equals a direct sum: {check()}")
    for name, (bare_times, first_times, rerun_times) in results.items():
        if not bare_times:
            continue
        b, f, r = (statistics.median(t) for t in (bare_times, first_times, rerun_times))
        print(
            f"{name}: bare aggregation {b:.2f} s; job first {f:.2f} s ({f / b:.2f} ×); re-run {r:.2f} s ({r / b:.2f} ×)"
        )
    print("goal: ≤ 1.5 ×")


if __name__ == "__main__":
    main()
