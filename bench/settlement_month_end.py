"""Benchmark: settlement's month-end jobs over 5 million accepted lines and 3,000 hospitals (issue 15).

The data are VBP completion's (``bench/vbp_completion.py``: 3,000 public hospitals, 90,000 VBP contracts,
500,000 orders of 10 lines, each line shipped in one batch, nine in ten accepted, over the last year), and
a payable for every accepted batch, due by the rule (R-SET-1), of which seven in ten were settled by their
due date, one and a half late, the rest are open. The national prepayment policy (R-SET-3).

- bare queries, nothing written: the on-time figures per hospital and month (``settlement.jobs.FIGURES_SQL``)
  and the prepayment movements due by today (``settlement.prepayment.MOVEMENTS_SQL``, with the
  booking's planner settings): the same figures the jobs compute, every contract's every month;
- the month-end night (the goal): the books as the jobs left them on the last night of the previous month
  (every prepayment and offset due by then booked, the rates of that day), then the jobs through the job
  runner on the night after the month ended — the month's offsets booked, the rates that moved rewritten —
  and a re-run the same night (nothing written). Between rounds the night's transactions are taken out
  again (the append-only triggers set aside for it) and the rates put back;
- ``--catch-up``: a second figure, no goal: one round from empty books (no rate, no prepayment booked),
  every movement of the year written at once — half a million transactions and 1.25 million legs, as on
  the first night after the platform goes live or after the job stood still for a year.

Overdue (R-SET-5) has no job: a payable is overdue from the day after its due date while unpaid, derived
where it is read (``settlement.rules.overdue_since``), so the night writes nothing for it.

Alternate rounds, medians compared. Goal: the month-end night at most 1.5 × the bare queries.
"""

import argparse
import statistics
import time
from datetime import timedelta

from _db import reuse, setup
from vbp_completion import build

JOBS = ("vbp_prepayments", "payment_rates")


def payables() -> int:
    from django.conf import settings
    from django.db import connection, transaction

    from settlement.rules import DUE_ON_SQL

    due = DUE_ON_SQL % {"ownership": "h.ownership", "accepted_on": "a.accepted_on"}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SELECT setseed(0.7)")
        cursor.execute(
            f"""
            INSERT INTO settlement_payable (shipment_id, line_id, hospital_id, distributor_id, manufacturer_id,
                product_id, quantity, price, amount, accepted_at, accepted_on, due_on, settled_on,
                created_at, change_xid)
            SELECT a.id, a.line_id, a.hospital_id, a.distributor_id, a.manufacturer_id, a.product_id, a.quantity,
                   a.price, round(a.quantity * a.price, 2), a.accepted_at, a.accepted_on, a.due_on,
                   CASE WHEN a.r < 0.7 THEN least(a.due_on - (random() * 20)::int, current_date)
                        WHEN a.r < 0.85 THEN a.due_on + 1 + (random() * 30)::int END,
                   now(), 0
            FROM (
                SELECT s.id, s.line_id, s.hospital_id, s.distributor_id, l.manufacturer_id, l.product_id,
                       s.accepted_quantity AS quantity, l.price, s.accepted_at, a.accepted_on, {due} AS due_on,
                       random() AS r
                FROM orders_shipment s
                JOIN orders_orderline l ON l.id = s.line_id
                JOIN organisations_organisation h ON h.id = s.hospital_id
                CROSS JOIN LATERAL (SELECT (s.accepted_at AT TIME ZONE %s)::date AS accepted_on) a
                WHERE s.accepted_quantity > 0
            ) a
            """,
            [settings.TIME_ZONE],
        )
        cursor.execute(
            "UPDATE settlement_payable SET settled_on = greatest(settled_on, accepted_on) WHERE settled_on IS NOT NULL"
        )
        cursor.execute("SELECT count(*) FROM settlement_payable")
        count = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE settlement_payable")
    return count


def bare() -> tuple[float, tuple]:
    from django.db import connection, transaction
    from django.utils import timezone

    from procurement.core.contracts import contracts_sql
    from procurement.core.policy import policy
    from settlement.jobs import FIGURES_SQL
    from settlement.prepayment import MOVEMENTS_SQL, SETTINGS

    today = timezone.localdate()
    rates = f"SELECT count(*), sum(on_time), sum(on_time_amount) FROM ({FIGURES_SQL}) figures"
    movements = (
        MOVEMENTS_SQL.format(contracts=contracts_sql())
        + "\nSELECT count(*), sum(amount) FROM movements WHERE amount > 0"
    )
    params = {"today": today, "policy": "national", "rate": policy("VBP_PREPAYMENT_RATE"), "actor": "bench"}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in SETTINGS:
            cursor.execute(setting)
        cursor.execute(movements, params)
        moved = cursor.fetchone()
        cursor.execute(rates, params)
        figures = cursor.fetchone()
    return time.perf_counter() - started, (moved, figures)


def last_night_of_previous_month():
    from django.utils import timezone

    return timezone.localdate().replace(day=1) - timedelta(days=1)


def books_at_previous_month_end() -> dict:
    """What the jobs left on the last night of the previous month: every movement due by then, its rates."""
    from settlement import jobs

    night = last_night_of_previous_month()
    counts = jobs.vbp_prepayments(night)
    counts.update(jobs.payment_rates(night))
    return counts


def undo_the_night(since) -> None:
    """Take out what a measured night booked (the append-only triggers set aside, for the benchmark only) and put
    the previous month-end's rates back; checkpoint, as every round starts."""
    from django.db import connection, transaction

    from settlement import jobs

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "DELETE FROM settlement_ledgerentry WHERE transaction_id IN "
            "(SELECT id FROM settlement_ledgertransaction WHERE booked_at >= %s)",
            [since],
        )
        cursor.execute("DELETE FROM settlement_ledgertransaction WHERE booked_at >= %s", [since])
    jobs.payment_rates(last_night_of_previous_month())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE settlement_ledgertransaction, settlement_ledgerentry, settlement_paymentrate")
        cursor.execute("CHECKPOINT")


def empty_books():
    """A first night ever: no rate, no prepayment booked; checkpointed."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE settlement_paymentrate, settlement_ledgerentry, settlement_ledgertransaction CASCADE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE settlement_payable")
        cursor.execute("CHECKPOINT")


def jobs() -> tuple[float, dict]:
    from procurement.core.jobs import run_job

    counts, started = {}, time.perf_counter()
    for name in JOBS:
        run = run_job(name, triggered_by="bench")
        assert run.status == "succeeded", run.error
        counts.update(run.counts)
    return time.perf_counter() - started, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hospitals", type=int, default=3000)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=500_000)
    parser.add_argument("--lines-per-order", type=int, default=10)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--per-hospital", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--catch-up", action="store_true", help="then one round from empty books (no goal)")
    parser.add_argument("--reuse", action="store_true", help="the previous run's database (migrated), not rebuilt")
    options = parser.parse_args()
    started = time.perf_counter()
    if options.reuse:
        reuse("settlement")
        empty_books()
    else:
        setup("settlement")
        from procurement.core.models import PolicyValue
        from procurement.organisations.models import Organisation, Region

        PolicyValue.objects.update_or_create(name="VBP_PREPAYMENT_POLICY", defaults={"value": "national"})
        lines = build(
            options.hospitals,
            options.products,
            options.orders,
            options.lines_per_order,
            options.units,
            options.per_hospital,
        )
        count = payables()
        # The fund that prepays: the province's medical-insurance bureau.
        Organisation.objects.create(kind="bureau", name="医疗保障局", region=Region.objects.get(level="province"))
        print(f"set-up: {lines:,} order lines, {count:,} payables in {time.perf_counter() - started:.0f} s", flush=True)
    from django.db import connection

    before = books_at_previous_month_end()
    print(f"books on {last_night_of_previous_month()}: {before}", flush=True)
    bare_times, nights, rerun = [], [], []
    for round_number in range(1, options.rounds + 1):
        elapsed, figures = bare()
        bare_times.append(elapsed)
        with connection.cursor() as cursor:
            cursor.execute("SELECT now()")
            since = cursor.fetchone()[0]
        night_elapsed, counts = jobs()
        nights.append(night_elapsed)
        rerun_elapsed, again = jobs()
        rerun.append(rerun_elapsed)
        assert not any(again.values()), again
        print(
            f"round {round_number}: bare {elapsed:.2f} s {figures}; month-end night {night_elapsed:.2f} s {counts};"
            f" re-run {rerun_elapsed:.2f} s {again}",
            flush=True,
        )
        undo_the_night(since)
    b, n, r = statistics.median(bare_times), statistics.median(nights), statistics.median(rerun)
    print(f"bare queries {b:.2f} s; month-end night {n:.2f} s ({n / b:.2f} ×); re-run {r:.2f} s ({r / b:.2f} ×)")
    print("goal: ≤ 1.5 ×")
    if options.catch_up:
        empty_books()
        elapsed, counts = jobs()
        print(f"catch-up (empty books, no goal): {elapsed:.2f} s {counts} ({elapsed / b:.2f} × the bare queries)")


if __name__ == "__main__":
    main()
