"""Benchmark: the nightly price linkage (R-LIST-10) over 60,000 listings and 1.8 million feed rows.

Prints the job's time next to the time of the bare SQL query that finds the same listings (every
active listing above its national lowest) in the same run. Goal: the job takes at most 1.5 × the
bare query. The data: 60,000 products and listings of 20 manufacturers, 30 provinces' prices each.
Two nights are measured:

- "typical": the night after a monthly feed: 2 % of the listings newly above their national
  lowest, a quarter of those with a lower price that took effect long ago (opened overdue);
- "stress": 10 % of the listings above, half of them long overdue: 6,000 notices opened and
  3,000 listings suspended with their credit events in one run.

Each night's first run does the work; a second run the same night finds nothing to change. Both
are timed.
"""

import argparse
import random
import statistics
import time
from datetime import timedelta

from _db import setup
from feed_import import make_file


def build(codes: int, provinces: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from procurement.catalogue.feed import load_feed
    from procurement.catalogue.models import NationalPriceImport
    from procurement.organisations.models import Organisation, Region, User
    from procurement.organisations.validators import credit_code_check_char

    path = make_file(codes, provinces)
    province = Region.objects.create(code="640000", name="宁夏回族自治区", level="province")
    makers = []
    for number in range(20):
        body = f"91640000{number:09d}"
        makers.append(
            Organisation.objects.create(
                kind="manufacturer",
                name=f"制药企业{number}",
                region=province,
                credit_code=body + credit_code_check_char(body),
            )
        )
    user = User.objects.create_superuser("bench", password=None, organisation=makers[0])
    batch = NationalPriceImport.objects.create(original_name=path.name, sha256="-", uploaded_by=user)
    with transaction.atomic(), path.open("rb") as stream:
        result = load_feed(stream, file_name=path.name, batch_id=batch.pk)
    assert result.ok, result.problems[:3]
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO catalogue_product (code, generic_name, trade_name, dosage_form, specification, route,
                pack_quantity, minimum_unit, pack_unit, manufacturer_id, holder_id, approval_number, is_originator,
                is_reference, is_consistency_evaluated, is_national_negotiated, is_innovative,
                is_designated_production, is_provincial_reserve, is_shortage, controlled_category, search_initials,
                created_at, updated_at)
            SELECT DISTINCT ON (product_code) product_code, '药品' || product_code, '', '片剂', '10mg', '口服', 28, '片',
                   '盒', %(maker)s, %(maker)s, '国药准字H20000000', false, false, false, false, true, false, false,
                   false, '', 'yp', now(), now()
            FROM catalogue_nationalprice ORDER BY product_code
        """,
            {"maker": makers[0].pk},
        )
        cursor.execute("UPDATE catalogue_product SET manufacturer_id = manufacturer_id + (id % 20)")
        # Listed at their national lowest (compliant); each scenario then raises some.
        cursor.execute(
            """
            INSERT INTO listings_listing (product_id, manufacturer_id, category, price, status, suspension_cause,
                                          listed_at, price_since, updated_at)
            SELECT p.id, p.manufacturer_id, 'innovative', low.price, 'listed', '', now(), %(today)s, now()
            FROM catalogue_product p
            CROSS JOIN LATERAL (SELECT min(price) AS price FROM catalogue_nationalprice n
                                WHERE n.product_code = p.code AND n.province <> '64') low
        """,
            {"today": today},
        )
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM listings_listing")
        return cursor.fetchone()[0]


def scenario(above_share: float, overdue_share: float, seed: int) -> int:
    """Raise ``above_share`` of the listings 10 % above their national lowest; of those, ``overdue_share``
    face a lower price that took effect 120 days ago, the rest 3 days ago. Returns how many are above."""
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE listings_listing l SET price = low.price, status = 'listed', suspension_cause = ''
            FROM catalogue_product p
            CROSS JOIN LATERAL (SELECT min(price) AS price FROM catalogue_nationalprice n
                                WHERE n.product_code = p.code AND n.province <> '64') low
            WHERE p.id = l.product_id AND (l.price <> low.price OR l.status <> 'listed')
        """)
        cursor.execute(
            "UPDATE catalogue_nationalprice SET effective_date = %s WHERE effective_date <> %s",
            [today - timedelta(days=400), today - timedelta(days=400)],
        )
        cursor.execute("SELECT id FROM listings_listing ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
        above = rng.sample(ids, k=int(len(ids) * above_share))
        overdue = set(above[: int(len(above) * overdue_share)])
        cursor.execute("UPDATE listings_listing SET price = round(price * 1.1, 4) WHERE id = ANY(%s)", [above])
        cursor.execute(
            """
            UPDATE catalogue_nationalprice n SET effective_date = CASE WHEN l.id = ANY(%(overdue)s)
                                                                      THEN %(old)s ELSE %(recent)s END
            FROM listings_listing l JOIN catalogue_product p ON p.id = l.product_id
            WHERE l.id = ANY(%(above)s) AND n.product_code = p.code
        """,
            {
                "old": today - timedelta(days=120),
                "recent": today - timedelta(days=3),
                "above": above,
                "overdue": list(overdue),
            },
        )
        # As autovacuum would leave them by night: no dead rows from the set-up above, and its writes
        # on disk (else whichever runs first, the bare query, writes out the set-up's dirty pages).
        cursor.execute("VACUUM ANALYZE listings_listing")
        cursor.execute("VACUUM ANALYZE catalogue_nationalprice")
        cursor.execute("CHECKPOINT")
    return len(above)


def bare_query() -> tuple[float, int]:
    from django.conf import settings
    from django.db import connection, transaction

    from listings.choices import ListingStatus
    from listings.jobs import ABOVE_NATIONAL_LOWEST, SETTINGS

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in SETTINGS:  # as the job runs it: the same planner settings on both sides
            cursor.execute(setting)
        cursor.execute(
            f"SELECT listing_id, price, province, effective_date FROM ({ABOVE_NATIONAL_LOWEST}) found",
            {"home": settings.HOME_PROVINCE, "listed": ListingStatus.LISTED, "suspended": ListingStatus.SUSPENDED},
        )
        rows = cursor.fetchall()
    return time.perf_counter() - started, len(rows)


def reset():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE listings_listingtransition")  # append-only: deleting rows is refused
        for table in ("listings_pricelinkagenotice", "credit_creditevent"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("UPDATE listings_listing SET status = 'listed', suspension_cause = '' WHERE status <> 'listed'")
        # The previous round's notices and credit events deleted, their dead rows cleared as autovacuum would
        # between two nights (it is off on these machines: without this the job's look-ups of open notices
        # walk every earlier round's dead entries, and each round is slower than the one before).
        cursor.execute("VACUUM ANALYZE listings_pricelinkagenotice, credit_creditevent, listings_listingtransition")


def job():
    from procurement.core import jobs

    started = time.perf_counter()
    run = jobs.run_job("national_price_linkage", triggered_by="bench")
    elapsed = time.perf_counter() - started
    assert run.status == "succeeded", run.error
    return elapsed, run.counts


SCENARIOS = {"typical": (0.02, 0.25), "stress": (0.10, 0.50)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=60_000)
    parser.add_argument("--provinces", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    setup("price_linkage")
    listings = build(options.codes, options.provinces)
    print(f"{listings:,} listings, {listings * options.provinces:,} feed rows")
    for name, (above_share, overdue_share) in SCENARIOS.items():
        queries, firsts, seconds = [], [], []
        for round_number in range(1, options.rounds + 1):
            reset()
            above = scenario(above_share, overdue_share, seed=round_number)
            query, found = bare_query()
            first, counts = job()
            second, again = job()
            assert found == counts["listings_above_national_lowest"] == above, (found, counts, above)
            assert again["notices_opened"] == again["listings_suspended"] == again["credit_events"] == 0
            queries.append(query)
            firsts.append(first)
            seconds.append(second)
            print(
                f"{name} round {round_number}: bare query {query:.2f}s  job {first:.2f}s "
                f"(opened {counts['notices_opened']:,}, suspended {counts['listings_suspended']:,})  "
                f"re-run {second:.2f}s"
            )
        query, first, second = (statistics.median(values) for values in (queries, firsts, seconds))
        print(
            f"{name}: median bare query {query:.2f}s  job {first:.2f}s  re-run {second:.2f}s  "
            f"job / bare query = {first / query:.2f} (goal ≤ 1.50)  re-run / bare query = {second / query:.2f}"
        )


if __name__ == "__main__":
    main()
