"""Benchmark: load a 1.8-million-row national price feed, next to a bare COPY of the same file.

The file has 60,000 drug codes × 30 provinces (the provinces written by name, as real feeds do).
The baseline is `COPY … FROM STDIN (FORMAT csv, HEADER)` of the file into a table of the same
shape and primary key as `catalogue_nationalprice`: the least work that puts those rows in such
a table. The measured path is `procurement.catalogue.feed.load_feed` in one transaction, as the
import task runs it: staging, code and province checks, the province lists replaced, one insert.
Rounds alternate the two, each into an empty table; the medians are compared, and each round's
ratio is printed with the median and range of the rounds. Goal: the import takes at most 2 × the
COPY.

Into an empty table the import builds the key after the rows (the first load of a platform); the
bare COPY keeps its key as it goes. Two more figures, no goal: the file loaded into a table that
holds another province's prices (nothing replaced, the key kept as the rows go in: the import's
own work without that first-load shortcut), and the same file loaded again over the loaded table
(every province's list replaced).
"""

import argparse
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from _db import ROOT, setup

OUT = ROOT / "bench" / "out"


def make_file(codes: int, provinces: int) -> Path:
    from procurement.organisations.choices import PROVINCES

    path = OUT / f"feed-{codes}x{provinces}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    names = list(PROVINCES.values())[:provinces]
    start = date(2024, 1, 1)
    with path.open("w", encoding="utf-8") as stream:
        stream.write("医保药品代码,省份,挂网价格,执行日期\n")
        for number in range(codes):
            code = f"XC10AA{number:06d}A0001001{number % 100000:05d}"[:23]
            base = rng.uniform(0.5, 800)
            for name in names:
                price = f"{base * rng.uniform(0.8, 1.25):.2f}"
                effective = start + timedelta(days=rng.randint(0, 1000))
                stream.write(f"{code},{name},{price},{effective.isoformat()}\n")
    return path


def time_copy(url: str, path: Path) -> float:
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_copy_target")
        connection.execute(
            "CREATE TABLE bench_copy_target (product_code varchar(23) NOT NULL, province text NOT NULL, "
            "price numeric(14, 4) NOT NULL, effective_date date NOT NULL, batch_id bigint, "
            "PRIMARY KEY (product_code, province))"
        )
        connection.commit()
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            path.open("rb") as stream,
            cursor.copy(
                "COPY bench_copy_target (product_code, province, price, effective_date) FROM STDIN (FORMAT csv, HEADER)"
            ) as copy,
        ):
            while chunk := stream.read(1 << 20):
                copy.write(chunk)
        connection.commit()
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE bench_copy_target")
        connection.commit()
    return elapsed


def time_import(path: Path, *, empty_first: bool, other_province: bool = False) -> tuple[float, object]:
    from django.db import connection, transaction

    from procurement.catalogue.feed import load_feed
    from procurement.catalogue.models import NationalPriceImport
    from procurement.organisations.models import User

    if empty_first:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE catalogue_nationalprice")
            if other_province:  # one price of a province the file does not name: the table is not empty
                cursor.execute(
                    "INSERT INTO catalogue_nationalprice (product_code, province, price, effective_date, batch_id) "
                    "VALUES ('XC10AA000000A0001001000', '65', 1, '2026-01-01', 0)"
                )
    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench", password=None)
    batch = NationalPriceImport.objects.create(original_name=path.name, sha256="-", uploaded_by=user)
    started = time.perf_counter()
    with transaction.atomic(), path.open("rb") as stream:
        result = load_feed(stream, file_name=path.name, batch_id=batch.pk)
    return time.perf_counter() - started, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=60_000)
    parser.add_argument("--provinces", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()

    url = setup("feed_import")
    path = make_file(options.codes, options.provinces)
    rows = options.codes * options.provinces
    print(f"file: {path.name}, {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB")
    copies, imports, keyed, reloads = [], [], [], []
    for round_number in range(1, options.rounds + 1):
        copies.append(time_copy(url, path))
        elapsed, result = time_import(path, empty_first=True)
        assert result.ok and result.rows_total == rows and result.rows_replaced == 0, result.problems[:5]
        imports.append(elapsed)
        elapsed, result = time_import(path, empty_first=True, other_province=True)
        assert result.ok and result.rows_total == rows and result.rows_replaced == 0, result.problems[:5]
        keyed.append(elapsed)
        elapsed, result = time_import(path, empty_first=False)
        assert result.ok and result.rows_replaced == rows
        reloads.append(elapsed)
        print(
            f"round {round_number}: COPY {copies[-1]:.2f}s  import {imports[-1]:.2f}s ({imports[-1] / copies[-1]:.2f})  "
            f"key kept {keyed[-1]:.2f}s ({keyed[-1] / copies[-1]:.2f})  "
            f"re-import (replacing) {reloads[-1]:.2f}s ({reloads[-1] / copies[-1]:.2f})"
        )
    copy, first, kept, again = (statistics.median(values) for values in (copies, imports, keyed, reloads))
    print(f"median: COPY {copy:.2f}s ({rows / copy:,.0f} rows/s)  import {first:.2f}s ({rows / first:,.0f} rows/s)")
    print(
        f"import / COPY = {first / copy:.2f} (goal ≤ 2.00)   key kept / COPY = {kept / copy:.2f}   "
        f"re-import / COPY = {again / copy:.2f}"
    )
    ratios = sorted(first / baseline for first, baseline in zip(imports, copies, strict=True))
    print(f"rounds' import / COPY: median {statistics.median(ratios):.2f}, range {ratios[0]:.2f}–{ratios[-1]:.2f}")


if __name__ == "__main__":
    main()
