"""Benchmark: the hospital's buy-page search and the public listed-products search, next to pgbench
running the same statements.

A production-like server: gunicorn (sync workers, DEBUG off, persistent connections, as
bench/order_api.py) on a fresh database with 60,000 products of about 600 generic names from 400
manufacturers, every one listed — most orderable, some suspended, closed, withdrawn or of a barred
maker, so that the buy page shows them greyed out with the reason — with their distributors, a
hospital's agreements and the national feed (the public page shows each product's national lowest).
Each request is one of a rotation of realistic searches (several words ``阿托伐他汀钙片 20mg``, pinyin
initials ``atft`` and ``atfts`` — one letter wrong —, a code or its start, a manufacturer, a common
word, the next page, no search), on each page in turn:

1. peak: wrk (8 connections, a Lua script picking a search at random) as fast as it goes → requests/s;
2. pgbench, in the same run, alternating rounds: the statements the page sent for each search of the
   rotation, captured from the real request (the test client, every statement psycopg executes,
   parameters and all), one script per search, picked at random as wrk does, with as many clients as
   gunicorn has workers (the same number of database sessions and of requests in progress) → scripts/s;
   each round also reports the CPU a request costs on each side (``_cpu``), which the machine's load
   does not move;
3. paced (an asyncio client): requests at half the peak (an open loop: latency measured from the
   scheduled send time) → p50 / p99.

Goal: each page reaches at least 30 % of pgbench's rate, with p99 under 100 ms at half its peak.

    .venv/bin/python bench/search.py             # 60,000 products, 3 rounds of 10 s per page
    .venv/bin/python bench/search.py --quick     # 6,000 products, 1 round of 5 s
    .venv/bin/python bench/search.py --reuse     # the database of the previous run (migrated), no rebuild
    .venv/bin/python bench/search.py --explain   # EXPLAIN ANALYZE of each search's statements, no load
"""

import argparse
import asyncio
import atexit
import csv
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg
from _cpu import cpu_spent, per_request
from _db import ROOT, reuse, setup
from order_api import ensure_wrk

NAME = "search"
SECRET_KEY = "bench-" + "x" * 40
# This run's files: the pgbench scripts (one a search), wrk's script, the collected static files.
WORK = Path(tempfile.mkdtemp(prefix="bench-search-"))


def _remove_work():
    shutil.rmtree(WORK, ignore_errors=True)


atexit.register(_remove_work)
PRODUCTS = 60_000
MANUFACTURERS = 400
DISTRIBUTORS = 5
AGREEMENTS = 300

# The searches of the rotation: what buyers and the public type. Each is requested on both pages.
SEARCHES = [
    {"q": "阿托伐他汀钙片 20mg"},  # several words: a name and a strength
    {"q": "他汀 10mg"},  # part of a name and a strength
    {"q": "atft"},  # pinyin initials
    {"q": "atfts"},  # pinyin initials, one letter wrong (the near match)
    {"q": "{code}"},  # a whole national drug code
    {"q": "{code_start}"},  # the start of a code
    {"q": "恒瑞"},  # a manufacturer
    {"q": "齐鲁 注射液"},  # a manufacturer and a form
    {"q": "缓释片"},  # a form: thousands of matches
    {"q": "他汀 10mg", "page": "2"},  # the next page
    {"q": "青霉素 80万单位"},  # nothing found
    {},  # the page without a search
]


# -- the catalogue ---------------------------------------------------------------------------------

# A generic name's form: its ending → (dosage form, minimum unit, form code of the drug code).
FORM_ENDINGS = {
    "缓释胶囊": ("缓释胶囊", "粒", "B1"),
    "肠溶胶囊": ("肠溶胶囊", "粒", "B2"),
    "缓释片": ("缓释片", "片", "A1"),
    "控释片": ("控释片", "片", "A2"),
    "肠溶片": ("肠溶片", "片", "A3"),
    "分散片": ("片剂", "片", "A6"),
    "咀嚼片": ("咀嚼片", "片", "A4"),
    "注射液": ("注射剂", "支", "C0"),
    "口服溶液": ("口服溶液剂", "瓶", "E0"),
    "颗粒": ("颗粒剂", "袋", "D1"),
    "胶囊": ("胶囊剂", "粒", "B0"),
    "片": ("片剂", "片", "A0"),
}
VARIANT_ENDINGS = ["片", "胶囊", "分散片", "缓释片", "肠溶片", "颗粒", "注射液", "口服溶液"]

MAKER_PLACES = [
    "江苏",
    "浙江",
    "山东",
    "四川",
    "广东",
    "湖南",
    "湖北",
    "河北",
    "河南",
    "上海",
    "北京",
    "天津",
    "重庆",
    "吉林",
    "辽宁",
    "黑龙江",
    "安徽",
    "福建",
    "江西",
    "山西",
    "陕西",
    "甘肃",
    "宁夏",
    "云南",
    "贵州",
    "广西",
    "海南",
    "内蒙古",
    "新疆",
    "青海",
    "哈尔滨",
    "石家庄",
    "成都",
    "武汉",
    "西安",
    "长沙",
    "济南",
    "杭州",
    "南京",
    "苏州",
]
MAKER_WORDS = [
    "恒瑞",
    "豪森",
    "恩华",
    "康缘",
    "新华",
    "鲁南",
    "齐鲁",
    "华北",
    "东北",
    "科伦",
    "白云山",
    "九州",
    "康恩贝",
    "海正",
    "远大",
    "天药",
    "金陵",
    "仁和",
    "修正",
    "以岭",
    "步长",
    "华润",
    "复星",
    "人福",
    "丽珠",
    "联邦",
    "誉衡",
    "信立泰",
    "京新",
    "华海",
    "悦康",
    "普洛",
    "先声",
    "天士力",
    "贝达",
    "石药",
    "亚宝",
    "力生",
    "现代",
    "万邦",
    "汇宇",
    "正大",
    "奥赛康",
    "康弘",
    "济川",
    "东阳光",
    "健康元",
    "三九",
    "太极",
    "桂林",
    "新和成",
    "昆药",
    "辰欣",
    "瑞阳",
]
MAKER_SUFFIXES = ["制药有限公司", "药业股份有限公司", "医药股份有限公司", "药业集团有限公司", "制药股份有限公司"]


def generic_names(rng: random.Random) -> list[tuple]:
    """The real names of the demo catalogue, and each western one in other forms (阿托伐他汀钙胶囊…)."""
    names = []
    with (ROOT / "procurement" / "core" / "demo" / "medicines.csv").open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    seen = set()
    for row in rows:
        specs, packs = row["specifications"].split("|"), [int(pack) for pack in row["pack_quantities"].split("|")]
        entry = (row["type"], row["class"], row["generic_name"], row["dosage_form"], row["route"], specs, packs)
        names.append((*entry, row["minimum_unit"], "A0"))
        seen.add(row["generic_name"])
    for letter, atc, name, _form, route, specs, packs, _unit, _code in list(names):
        ending = next((ending for ending in FORM_ENDINGS if name.endswith(ending)), None)
        if letter != "X" or ending is None or name.startswith("注射用"):
            continue
        stem = name[: -len(ending)]
        for other in rng.sample([e for e in VARIANT_ENDINGS if e != ending], 4):
            variant = stem + other
            if variant in seen:
                continue
            seen.add(variant)
            form, unit, form_code = FORM_ENDINGS[other]
            variant_route = "注射" if other == "注射液" else route
            variant_specs = [f"{spec}/2ml" if other == "注射液" else spec for spec in specs]
            names.append((letter, atc, variant, form, variant_route, variant_specs, packs, unit, form_code))
    return names


def maker_names(rng: random.Random, count: int) -> list[str]:
    from procurement.core.demo.organisations import MANUFACTURERS as REAL

    names = [name for name, _region in REAL]
    seen = set(names)
    while len(names) < count:
        name = rng.choice(MAKER_PLACES) + rng.choice(MAKER_WORDS) + rng.choice(MAKER_SUFFIXES)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names[:count]


def build(products: int, seed: int = 2026) -> dict:
    """Regions, makers, distributors, a hospital and its buyer; products, listings, designations,
    agreements, bars and the national feed. Returns what the requests need (the buyer, a code)."""
    from django.db import connection
    from django.utils import timezone

    from procurement.catalogue.models import pinyin_initials
    from procurement.credit.models import BadRecord
    from procurement.organisations.choices import PROVINCES, Role
    from procurement.organisations.models import Organisation, Region, User
    from procurement.organisations.validators import credit_code_check_char

    rng = random.Random(seed)
    numbers = iter(range(1, 10_000))

    def organisation(kind, name, region, **extra):
        body = f"91640000{next(numbers):09d}"
        return Organisation(
            kind=kind, name=name, region=region, credit_code=body + credit_code_check_char(body), **extra
        )

    province = Region.objects.create(code="640000", name="宁夏回族自治区", level="province")
    city = Region.objects.create(code="640100", name="银川市", level="city", parent=province)
    county = Region.objects.create(code="640121", name="永宁县", level="county", parent=city)
    bureau = organisation("bureau", "宁夏回族自治区医疗保障局", province)
    hospital = organisation("hospital", "永宁县人民医院", county, ownership="public", hospital_level=2)
    makers = [organisation("manufacturer", name, province) for name in maker_names(rng, MANUFACTURERS)]
    distributors = [
        organisation("distributor", f"{place}医药配送有限公司", city)
        for place in ("国药控股宁夏", "华润宁夏", "九州通宁夏", "上药宁夏", "宁夏众欣")[:DISTRIBUTORS]
    ]
    Organisation.objects.bulk_create([bureau, hospital, *makers, *distributors])
    supervisor = User.objects.create(username="supervisor", organisation=bureau, roles=[Role.BUREAU_SUPERVISOR])
    buyer = User.objects.create(
        username="buyer", full_name="采购员", organisation=hospital, roles=[Role.HOSPITAL_BUYER]
    )

    names = generic_names(rng)
    weights = [1 / (rank + 3) ** 0.8 for rank in range(len(names))]
    order = list(range(len(names)))
    rng.shuffle(order)
    order.remove(0)
    order.insert(5, 0)  # 阿托伐他汀钙片 among the most common names, as it is
    by_rank = [names[index] for index in order]
    initials_of = {}
    now = timezone.now()
    rows, codes = [], set()
    while len(rows) < products:
        generic_index = rng.choices(range(len(by_rank)), weights)[0]
        letter, atc, name, form, route, specs, packs, unit, form_code = by_rank[generic_index]
        maker_index = rng.randrange(len(makers))
        spec_index = rng.randrange(len(specs))
        pack_index = rng.randrange(len(packs))
        code = f"{letter}{atc}{order[generic_index]:04d}{form_code}{spec_index + 1:03d}{pack_index + 1:03d}{maker_index + 1:05d}"
        if code in codes:
            continue
        codes.add(code)
        maker = makers[maker_index]
        trade_name = f"{maker.name[2:4]}{name[:2]}" if rng.random() < 0.3 else ""
        if (name, trade_name) not in initials_of:
            initials_of[name, trade_name] = pinyin_initials(name, trade_name)
        rows.append(
            (
                code,
                name,
                trade_name,
                form,
                specs[spec_index],
                route,
                packs[pack_index],
                unit,
                "瓶" if unit == "瓶" else "盒",
                maker.pk,
                maker.pk,
                f"国药准字{'H' if letter == 'X' else 'Z'}{rng.randint(19990001, 20259999)}",
                initials_of[name, trade_name],
                now,
                now,
            )
        )
    today = timezone.localdate()
    barred = rng.sample(makers, 3)
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(
            """COPY catalogue_product (code, generic_name, trade_name, dosage_form, specification, route,
                   pack_quantity, minimum_unit, pack_unit, manufacturer_id, holder_id, approval_number,
                   search_initials, created_at, updated_at, is_originator, is_reference, is_consistency_evaluated,
                   is_national_negotiated, is_innovative, is_designated_production, is_provincial_reserve,
                   is_shortage, controlled_category) FROM STDIN"""
        ) as copy:
            flags = (False,) * 8 + ("",)
            for row in rows:
                copy.write_row(row + flags)
        cursor.execute("SELECT setseed(0.2026)")
        # Every product listed: most orderable; some suspended, closed, invalid or withdrawn (the buy page
        # greys them out with the reason; the public page shows only the listed ones).
        cursor.execute(
            """
            INSERT INTO listings_listing (product_id, manufacturer_id, category, price, status, suspension_cause,
                                          listed_at, price_since, updated_at, change_xid)
            SELECT id, manufacturer_id, 'previously_listed', round((random() * 200 + 1)::numeric, 2),
                   s.status, CASE WHEN s.status = 'suspended' THEN
                                  (ARRAY['price_linkage', 'bureau', 'delisted'])[1 + floor(random() * 3)::int]
                             ELSE '' END,
                   now(), %(today)s, now(), 0
            FROM (SELECT id, manufacturer_id, random() AS r FROM catalogue_product) p
            CROSS JOIN LATERAL (SELECT CASE WHEN p.r < 0.90 THEN 'listed' WHEN p.r < 0.95 THEN 'suspended'
                                            WHEN p.r < 0.97 THEN 'closed' WHEN p.r < 0.98 THEN 'invalid'
                                            ELSE 'withdrawn' END AS status) s
            """,
            {"today": today},
        )
        # Three makers on the bad-record list: their listings suspended, as the platform does at once.
        for maker in barred:
            cursor.execute(
                f"""INSERT INTO {BadRecord._meta.db_table} (organisation_id, starts_on, ends_on, reason,
                                                            recorded_by_id, created_at)
                    VALUES (%s, %s, %s, '商业贿赂', %s, now())""",
                [maker.pk, today - timedelta(days=30), today + timedelta(days=700), supervisor.pk],
            )
        cursor.execute(
            """UPDATE listings_listing SET status = 'suspended', suspension_cause = 'bad_record'
               WHERE manufacturer_id = ANY(%s) AND status = 'listed'""",
            [[maker.pk for maker in barred]],
        )
        # Distributors named for the province: one for most products, two for some, none for a few.
        cursor.execute(
            """
            INSERT INTO orders_distributordesignation (manufacturer_id, product_id, region_id, distributor_id,
                                                       is_active, created_at)
            SELECT p.manufacturer_id, p.id, %(region)s, (%(distributors)s::bigint[])[d], true, now()
            FROM (SELECT id, manufacturer_id, random() AS r FROM catalogue_product) p
            CROSS JOIN LATERAL generate_series(1, CASE WHEN p.r < 0.04 THEN 0 WHEN p.r < 0.85 THEN 1 ELSE 2 END) i
            CROSS JOIN LATERAL (SELECT 1 + (p.id + i) %% %(count)s AS d) pick
            """,
            {"region": province.pk, "distributors": [d.pk for d in distributors], "count": len(distributors)},
        )
        # The hospital's agreements in force (R-NEG-5: the buy page quotes them before the listing price).
        cursor.execute(
            """
            CREATE TEMPORARY TABLE bench_pick AS
            SELECT l.product_id, l.manufacturer_id, l.price AS listing_price, round(l.price * 0.9, 4) AS price,
                   p.pack_quantity
            FROM listings_listing l JOIN catalogue_product p ON p.id = l.product_id
            WHERE l.status = 'listed' ORDER BY random() LIMIT %s
            """,
            [AGREEMENTS],
        )
        cursor.execute(
            """
            INSERT INTO negotiation_negotiation (hospital_id, product_id, manufacturer_id, listing_price, volume,
                valid_months, price, turn, counter_rounds, status, requested_by_id, created_at, closed_at,
                close_reason)
            SELECT %s, product_id, manufacturer_id, listing_price, 1000, 12, price, 'hospital', 1, 'agreed', %s,
                   now(), now(), ''
            FROM bench_pick
            """,
            [hospital.pk, buyer.pk],
        )
        cursor.execute(
            """
            INSERT INTO negotiation_agreement (negotiation_id, hospital_id, product_id, manufacturer_id, price,
                unit_price, listing_price, volume, valid_from, valid_until, status, created_at)
            SELECT n.id, n.hospital_id, p.product_id, p.manufacturer_id, p.price, round(p.price / p.pack_quantity, 4),
                   p.listing_price, 1000, %s, %s, 'active', now()
            FROM bench_pick p JOIN negotiation_negotiation n ON n.product_id = p.product_id AND n.hospital_id = %s
            """,
            [today - timedelta(days=30), today + timedelta(days=335), hospital.pk],
        )
        # The national feed: each product's price in about six other provinces (the public page's national lowest).
        cursor.execute(
            """
            INSERT INTO catalogue_nationalprice (product_code, province, price, effective_date, batch_id)
            SELECT p.code, v.province, round((l.price * (0.8 + random() * 0.5))::numeric, 4),
                   %(today)s - (random() * 600)::int, 0
            FROM catalogue_product p JOIN listings_listing l ON l.product_id = p.id
            CROSS JOIN unnest(%(provinces)s::text[]) AS v(province)
            WHERE random() < 0.2
            """,
            {"today": today, "provinces": [code for code in PROVINCES if code != "64"]},
        )
        cursor.execute("VACUUM ANALYZE")
    return {"buyer": buyer.pk, "code": rows[len(rows) // 2][0]}


# -- the requests -----------------------------------------------------------------------------------


def paths(page: str, facts: dict) -> list[str]:
    from django.urls import reverse

    base = reverse("orders:buy" if page == "buy" else "public:public-list")
    found = []
    for search in SEARCHES:
        query = {key: value.format(code=facts["code"], code_start=facts["code"][:10]) for key, value in search.items()}
        found.append(base + ("?" + "&".join(f"{key}={quote(value)}" for key, value in query.items()) if query else ""))
    return found


def browser_cookies(buyer_id: int) -> dict[str, str]:
    """Each page's browser cookies: the buyer's session (logged in once, its cart made) and a CSRF cookie on
    the buy page; a visitor's CSRF cookie only on the public page."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.urls import reverse

    from procurement.organisations.models import User

    client = Client()
    client.force_login(User.objects.get(pk=buyer_id))
    assert client.get(reverse("orders:buy")).status_code == 200  # the session keeps its (empty) cart
    csrf = f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return {"buy": f"{session}; {csrf}", "public": csrf}


@contextmanager
def statements_sent():
    """Every statement psycopg executes meanwhile, with its parameters written in (what PostgreSQL receives:
    Django's queries, bound on the client, and the prepared reads of ``procurement.core.internals``)."""
    sent: list[str] = []
    originals = {
        (psycopg.Cursor, "execute"): psycopg.Cursor.execute,
        (psycopg.ServerCursor, "execute"): psycopg.ServerCursor.execute,
        (psycopg.ServerCursor, "fetchmany"): psycopg.ServerCursor.fetchmany,
        (psycopg.ServerCursor, "close"): psycopg.ServerCursor.close,
    }

    def written(cursor, query, params) -> str:
        text = query if isinstance(query, str) else query.as_string(cursor.connection)
        return psycopg.ClientCursor(cursor.connection).mogrify(text, params) if params is not None else text

    def execute(self, query, params=None, **kwargs):
        sent.append(written(self, query, params))
        return originals[psycopg.Cursor, "execute"](self, query, params, **kwargs)

    # Django's QuerySet.iterator() (a form's choices among others) reads through a server-side cursor.
    def declare(self, query, params=None, **kwargs):
        hold = " WITH HOLD" if self._withhold else ""
        sent.append(f'DECLARE "{self.name}" CURSOR{hold} FOR {written(self, query, params)}')
        return originals[psycopg.ServerCursor, "execute"](self, query, params, **kwargs)

    def fetchmany(self, size=0):
        sent.append(f'FETCH FORWARD {size or self.arraysize} FROM "{self.name}"')
        return originals[psycopg.ServerCursor, "fetchmany"](self, size)

    def close(self):
        if not self.closed and self._withhold:
            sent.append(f'CLOSE "{self.name}"')
        return originals[psycopg.ServerCursor, "close"](self)

    psycopg.Cursor.execute = execute
    psycopg.ServerCursor.execute, psycopg.ServerCursor.fetchmany, psycopg.ServerCursor.close = declare, fetchmany, close
    try:
        yield sent
    finally:
        for (cls, name), method in originals.items():
            setattr(cls, name, method)


def capture(page: str, path: str, cookie: str) -> list[str]:
    """The statements one request of the page sends (after a first one: the connection open, caches warm)."""
    from django.test import Client

    client = Client()
    for part in cookie.split("; "):
        name, _, value = part.partition("=")
        client.cookies[name] = value
    assert client.get(path).status_code == 200
    with statements_sent() as sent:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return sent


def pgbench_scripts(page: str, page_paths: list[str], cookie: str) -> list[Path]:
    scripts = []
    for path in page_paths:
        statements = capture(page, path, cookie)
        script = WORK / f"{page}-{len(scripts) + 1:02d}.sql"
        script.write_text("".join(statement.strip().rstrip(";") + ";\n" for statement in statements))
        scripts.append(script)
    return scripts


def pgbench(url: str, scripts: list[Path], clients: int, seconds: int) -> float:
    parts = urlsplit(url)
    command = ["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds)]
    for script in scripts:
        command += ["-f", str(script)]
    command += [
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        parts.path.lstrip("/"),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("tps"))
    return float(line.split("=")[1].split()[0])


WRK_SCRIPT = """
local paths = {{{paths}}}
local headers = {{ ["Cookie"] = "{cookie}" }}
local thread_id, ids = 0, 0

function setup(thread)
  ids = ids + 1
  thread:set("thread_id", ids)
end

function init(args)
  math.randomseed(os.time() * 100 + thread_id)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
"""


def wrk_peak(port: int, page_paths: list[str], cookie: str, connections: int, seconds: int) -> tuple[float, int]:
    """Requests per second at the peak and the number of answers other than 2xx/3xx, or socket errors."""
    script = WORK / "peak.lua"
    script.write_text(WRK_SCRIPT.format(paths=", ".join(f'"{path}"' for path in page_paths), cookie=cookie))
    command = [ensure_wrk(), "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", str(script)]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True)
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", output.stdout)
    requests, elapsed = int(done[1]), float(done[2]) * (0.001 if done[3] == "ms" else 1)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output.stdout)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output.stdout)
    errors = (int(failed[1]) if failed else 0) + (sum(map(int, socket.groups())) if socket else 0)
    return (requests - (int(failed[1]) if failed else 0)) / elapsed, errors


# -- the paced client --------------------------------------------------------------------------------


async def get(host: str, port: int, path: str, cookie: str) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n".encode()
    )
    status_line = await reader.readline()
    await reader.read()  # to the end: the server closes
    writer.close()
    return int(status_line.split()[1])


async def open_loop(port: int, page_paths: list[str], cookie: str, rate: float, seconds: int) -> tuple[list, int]:
    """Send at ``rate`` per second, a search at random each; latency from the scheduled time."""
    latencies, failures = [], 0
    rng = random.Random(7)
    start = time.perf_counter() + 0.05

    async def one(scheduled: float, path: str):
        nonlocal failures
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        if await get("127.0.0.1", port, path, cookie) != 200:
            failures += 1
        latencies.append(time.perf_counter() - scheduled)

    total = int(rate * seconds)
    await asyncio.gather(*(one(start + index / rate, rng.choice(page_paths)) for index in range(total)))
    return latencies, failures


# -- EXPLAIN ------------------------------------------------------------------------------------------


def explain(url: str, scripts: list[Path], page_paths: list[str], slowest: int = 3) -> None:
    """Each search's statements, timed; EXPLAIN ANALYZE of the slowest of each."""
    with psycopg.connect(url, autocommit=True) as connection:
        for path, script in zip(page_paths, scripts, strict=True):
            statements = [s for s in script.read_text().split(";\n") if s.strip()]
            elapsed = [0.0] * len(statements)
            for _ in range(3):  # the whole script, in order (a cursor is declared, fetched from, closed)
                for index, statement in enumerate(statements):
                    started = time.perf_counter()
                    connection.execute(statement)
                    elapsed[index] += (time.perf_counter() - started) / 3 * 1000
            timed = list(zip(elapsed, statements, strict=True))
            total = sum(t for t, _ in timed)
            print(f"\n=== {path}: {len(statements)} statements, {total:.1f} ms")
            for elapsed, statement in sorted(timed, reverse=True)[:slowest]:
                print(f"--- {elapsed:.2f} ms: {statement[:300]}")
                if statement.lstrip().upper().startswith("SELECT") and elapsed > 0.5:
                    plan = connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement).fetchall()
                    print("\n".join("    " + row[0] for row in plan))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=PRODUCTS)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=8, help="wrk's concurrent connections at peak")
    parser.add_argument(
        "--sql-clients", type=int, default=None, help="pgbench's clients (default: as many as gunicorn workers)"
    )
    parser.add_argument("--seconds", type=int, default=10, help="of each peak measurement")
    parser.add_argument(
        "--paced-seconds",
        type=int,
        default=30,
        help="of the paced measurement at half the peak (its p99 is the 1 %% slowest: 10 s gave some 240 requests, "
        "the p99 the third slowest of them)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="page and pgbench alternately; medians compared")
    parser.add_argument("--pages", default="buy,public", help="buy, public or both")
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument("--quick", action="store_true", help="6,000 products, one round of 5 s")
    parser.add_argument("--reuse", action="store_true", help="the previous run's database, not rebuilt")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the captured statements, no load")
    parser.add_argument("--keep", action="store_true", help="keep the pgbench scripts (their directory is printed)")
    parser.add_argument("--no-trigram", action="store_true", help="drop the trigram index (as without pg_trgm)")
    options = parser.parse_args()
    if options.keep:
        print(f"scripts in {WORK}")
        atexit.unregister(_remove_work)
    if options.quick:
        options.products, options.rounds, options.seconds, options.paced_seconds = 6_000, 1, 5, 5
    pages = options.pages.split(",")
    sql_clients = options.sql_clients or options.workers
    # One secret for the server and this process, which logs the buyer in (its session names the key).
    os.environ["SECRET_KEY"] = SECRET_KEY

    if options.reuse:
        url = reuse(NAME)
        from django.db import connection

        from procurement.organisations.models import User

        facts = {"buyer": User.objects.get(username="buyer").pk}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT code FROM catalogue_product ORDER BY id OFFSET (SELECT count(*) / 2 FROM catalogue_product) LIMIT 1"
            )
            facts["code"] = cursor.fetchone()[0]
    else:
        url = setup(NAME)
        started = time.perf_counter()
        facts = build(options.products)
        print(f"built {options.products:,} products in {time.perf_counter() - started:.0f} s")
    with psycopg.connect(url, autocommit=True) as connection:
        if options.no_trigram:
            connection.execute("DROP INDEX IF EXISTS product_search_text_trgm")
        indexed = connection.execute("SELECT to_regclass('product_search_text_trgm') IS NOT NULL").fetchone()[0]
    print(f"trigram index: {'yes' if indexed else 'no'}")

    cookies = browser_cookies(facts["buyer"])
    page_paths = {page: paths(page, facts) for page in pages}
    scripts = {page: pgbench_scripts(page, page_paths[page], cookies[page]) for page in pages}
    if options.explain:
        for page in pages:
            explain(url, scripts[page], page_paths[page])
        return

    database = urlsplit(url).path.lstrip("/")
    static_root = str(WORK / "static")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "STATIC_ROOT": static_root,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }
    # The pages name their static files by their hashes (DEBUG off): collected first, as the image does.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "procurement.wsgi", "--workers", str(options.workers)),
            *("--bind", f"127.0.0.1:{options.port}", "--log-level", "warning", "--backlog", "2048"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)
        markers = {"buy": 'data-testid="buy-table"', "public": 'data-testid="public-listings"'}
        for page in pages:  # every search answers its page (not a redirect to the login, not an error)
            for path in page_paths[page]:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{options.port}{path}", headers={"Cookie": cookies[page]}
                )
                with urllib.request.urlopen(request) as response:  # noqa: S310 (http, built here)
                    assert response.status == 200 and markers[page] in response.read().decode(), path
        results = {}
        for page in pages:
            wrk_peak(options.port, page_paths[page], cookies[page], options.clients, 3)  # warm up every worker
            rates, sql_rates, costs = [], [], []
            for round_number in range(1, options.rounds + 1):
                with cpu_spent(server.pid, database) as page_spent:
                    rate, errors = wrk_peak(
                        options.port, page_paths[page], cookies[page], options.clients, options.seconds
                    )
                with cpu_spent(server.pid, database) as sql_spent:
                    sql_rate = pgbench(url, scripts[page], sql_clients, options.seconds)
                rates.append(rate)
                sql_rates.append(sql_rate)
                page_cost = sum(page_spent.get(kind, 0) for kind in ("python", "postgres")) / (rate * options.seconds)
                sql_cost = sql_spent.get("postgres", 0) / (sql_rate * options.seconds)
                costs.append((page_cost, sql_cost))
                print(
                    f"{page} round {round_number}: page {rate:,.1f} requests/s ({errors} errors), "
                    f"pgbench {sql_rate:,.1f} scripts/s, {rate / sql_rate:.1%}; CPU a request: "
                    f"{per_request(page_spent, rate * options.seconds)}; pgbench's "
                    f"{per_request(sql_spent, sql_rate * options.seconds)}"
                )
            results[page] = (rates, sql_rates, costs)
        for page in pages:
            rates, sql_rates, costs = results[page]
            rate, sql_rate = statistics.median(rates), statistics.median(sql_rates)
            ratios = [r / s for r, s in zip(rates, sql_rates, strict=True)]
            page_cost, sql_cost = (statistics.median(side) for side in zip(*costs, strict=True))
            print(
                f"{page}: {rate:,.1f} requests/s (median) with {options.clients} connections, {options.workers} "
                f"workers; pgbench, the same statements, {sql_clients} clients: {sql_rate:,.1f}/s; "
                f"page / pgbench = {rate / sql_rate:.1%} (rounds {min(ratios):.1%}–{max(ratios):.1%}; goal ≥ 30 %); "
                f"CPU a request {page_cost * 1000:.1f} ms, a script {sql_cost * 1000:.1f} ms: "
                f"{sql_cost / page_cost:.1%} (median)"
            )
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
            connection.execute("CHECKPOINT")
        for page in pages:
            rate = statistics.median(results[page][0]) / 2
            latencies, failures = asyncio.run(
                open_loop(options.port, page_paths[page], cookies[page], rate, options.paced_seconds)
            )
            latencies.sort()
            p50 = statistics.median(latencies) * 1000
            p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000
            print(
                f"{page} at half the peak ({rate:,.1f} requests/s, {len(latencies)} requests, {failures} failed): "
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (goal p99 < 100 ms)"
            )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
