"""Benchmark: HIS clients submitting 5-line orders over HTTP, next to the same transaction in pgbench.

A production-like server: gunicorn (sync workers, DEBUG off, persistent connections) on a fresh
database with 100 hospitals (each with its HIS key), 2,000 listed products and their distributors, and a
year of history (200,000 orders, a million lines).
Each request is an order of 5 random lines with a new Idempotency-Key, from one of the hospitals' keys:

1. peak: wrk (C, like pgbench; Debian package ``wrk``, installed here when missing) with C
   concurrent connections as fast as they go for T seconds → orders/s;
2. pgbench, in the same run, sends the statements the API sends for one order (``PGBENCH_SCRIPT``:
   the key, BEGIN, the order row with its idempotency key, the products with their distributors and
   every price source's facts, the five lines with the total, COMMIT) on the same tables → tps, with as
   many clients as the server has workers (the same number of database sessions and of orders in
   progress; more would take a larger share of a loaded machine's CPU), rounds alternating with wrk's;
   each round also reports the CPU an order costs on each side (``_cpu``), which the load does not move;
3. paced (a Python asyncio client): orders sent at half the peak rate (an open loop: latency measured from the scheduled
   send time, so a slow server cannot hide its queue) → p50 / p99 latency.

Goal: the API reaches at least 33 % of the bare SQL rate, with p99 under 100 ms at half its peak.
"""

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
from _cpu import cpu_spent, per_request
from _db import ROOT, setup

HOSPITALS = 100
PRODUCTS = 2000
HISTORY = 200_000  # orders of 5 lines already placed (1 million lines)
PROVINCE_CODE = "640000"


def build() -> tuple[list[str], list[str], int]:
    """Hospitals with HIS keys, listed products with a distributor each; returns keys, codes, distributor."""
    from django.db import connection
    from django.utils import timezone

    from procurement.organisations import services as organisation_services
    from procurement.organisations.choices import Role
    from procurement.organisations.models import Organisation, Region, User
    from procurement.organisations.validators import credit_code_check_char

    def organisation(kind, name, number, **extra):
        body = f"91640000{number:09d}"
        return Organisation.objects.create(
            kind=kind, name=name, region=province, credit_code=body + credit_code_check_char(body), **extra
        )

    province = Region.objects.create(code=PROVINCE_CODE, name="宁夏回族自治区", level="province")
    maker = organisation("manufacturer", "制药企业", 1)
    distributor = organisation("distributor", "配送企业", 2)
    keys = []
    for number in range(HOSPITALS):
        hospital = organisation("hospital", f"医院{number}", 100 + number, ownership="public", hospital_level=2)
        admin = User.objects.create(username=f"admin{number}", organisation=hospital, roles=[Role.ORG_ADMIN])
        keys.append(organisation_services.api_token_create(actor=admin, hospital=hospital, name="HIS")[1])
    today = timezone.localdate()

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO catalogue_product (code, generic_name, trade_name, dosage_form, specification, route,
                pack_quantity, minimum_unit, pack_unit, manufacturer_id, holder_id, approval_number, is_originator,
                is_reference, is_consistency_evaluated, is_national_negotiated, is_innovative,
                is_designated_production, is_provincial_reserve, is_shortage, controlled_category, search_initials,
                created_at, updated_at)
            SELECT 'XC10AA' || lpad(n::text, 6, '0') || '001001' || lpad((n %% 100000)::text, 5, '0'),
                   '药品' || n, '', '片剂', '10mg', '口服', 28, '片', '盒', %(maker)s, %(maker)s, '国药准字H20000000',
                   false, false, false, false, false, false, false, false, '', 'yp', now(), now()
            FROM generate_series(1, %(n)s) n
        """,
            {"maker": maker.pk, "n": PRODUCTS},
        )
        cursor.execute(
            """
            INSERT INTO listings_listing (product_id, manufacturer_id, category, price, status, suspension_cause,
                                          listed_at, price_since, updated_at, change_xid)
            SELECT id, manufacturer_id, 'innovative', round((random() * 100 + 1)::numeric, 2), 'listed', '', now(),
                   %(today)s, now(), 0
            FROM catalogue_product
        """,
            {"today": today},
        )
        cursor.execute(
            """
            INSERT INTO orders_distributordesignation (manufacturer_id, product_id, region_id, distributor_id, is_active,
                                                       created_at)
            SELECT manufacturer_id, id, %(region)s, %(distributor)s, true, now() FROM catalogue_product
        """,
            {"region": province.pk, "distributor": distributor.pk},
        )
        # Issue 14: one national VBP result, a winner for one product in ten (its own generic name), and every
        # hospital under contract for each: a line of a winner is quoted its contract price (the VBP price
        # source), and every order runs the non-winning check (R-VBP-6) — its first statement, which finds no
        # capped line (no product here is a non-winner of a contract's generic name). Audit triggers skipped.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO vbp_round (kind, name, status, valid_from, valid_until, created_by_id, created_at)
            VALUES ('national', '国家集采', 'opened', %(from)s, %(until)s, %(user)s, now()) RETURNING id
        """,
            {"from": today - timedelta(days=30), "until": today + timedelta(days=700), "user": admin.pk},
        )
        round_id = cursor.fetchone()[0]
        cursor.execute(
            """
            WITH units AS (
                INSERT INTO vbp_competitionunit (round_id, generic_name, route, reference_specification, win_ratio,
                                                 win_discount, winner_caps, winners_count)
                SELECT %(round)s, generic_name, '口服', '', 1.8, 0.5, '{}'::jsonb, 1 FROM catalogue_product
                WHERE id %% 10 = 0
                RETURNING id, generic_name
            )
            INSERT INTO vbp_winner (unit_id, product_id, manufacturer_id, price, unit_price, rank, supply_regions,
                                    supplies_home, valid_from, valid_until)
            SELECT u.id, p.id, p.manufacturer_id, 5.60, 0.2, 1, ARRAY['64'], true, %(from)s, %(until)s
            FROM units u JOIN catalogue_product p ON p.generic_name = u.generic_name
        """,
            {"round": round_id, "from": today - timedelta(days=30), "until": today + timedelta(days=700)},
        )
        cursor.execute(
            """
            WITH allocations AS (
                INSERT INTO vbp_allocation (unit_id, hospital_id, base_units, agreed_units, deadline_start,
                                            deadline_working_days, deadline, deadline_provisional, confirmed_at)
                SELECT w.unit_id, h.id, 20000, 10000, %(from)s, 5, %(from)s, false, now()
                FROM vbp_winner w CROSS JOIN organisations_organisation h WHERE h.kind = 'hospital'
                RETURNING id, unit_id, hospital_id
            )
            INSERT INTO vbp_contract (allocation_id, unit_id, winner_id, hospital_id, manufacturer_id, product_id, price,
                                      volume_units, valid_from, valid_until, created_at)
            SELECT a.id, a.unit_id, w.id, a.hospital_id, w.manufacturer_id, w.product_id, w.price, 10000, w.valid_from,
                   w.valid_until, now()
            FROM allocations a JOIN vbp_winner w ON w.unit_id = a.unit_id
        """,
            {"from": today - timedelta(days=30)},
        )
        # A year of history, as a province's platform has it: HISTORY orders of 5 lines (accepted), spread over
        # the hospitals and the year. Without it the measured tables start empty, and a plan a long-lived server
        # session caches while they are (a foreign key's check reading the orders table whole) stays cached as
        # they grow — with autovacuum off, as on these machines, nothing re-plans it: the API then slowed round
        # by round while pgbench, reconnecting each round, did not.
        cursor.execute(
            """
            WITH orders AS (
                INSERT INTO orders_order (hospital_id, placed_by_id, source, idempotency_key, request_hash, note,
                                          total, created_at, change_xid)
                SELECT h.id, u.id, 'his', NULL, '', '', 0, now() - (n %% 365) * interval '1 day', 0
                FROM generate_series(1, %(orders)s) n
                JOIN LATERAL (SELECT id FROM organisations_organisation WHERE kind = 'hospital'
                              ORDER BY id OFFSET n %% %(hospitals)s LIMIT 1) h ON true
                JOIN LATERAL (SELECT id FROM organisations_user WHERE organisation_id = h.id LIMIT 1) u ON true
                RETURNING id, hospital_id, created_at
            )
            INSERT INTO orders_orderline (order_id, hospital_id, product_id, manufacturer_id, distributor_id,
                quantity, price, price_source, price_reference, amount, status, shipped_quantity,
                accepted_quantity, returned_quantity, closed_quantity, reason, confirmed_at, created_at, change_xid)
            SELECT o.id, o.hospital_id, p.id, p.manufacturer_id, %(distributor)s, 10, l.price, 'listing', l.id::text,
                   round(l.price * 10, 2), 'accepted', 10, 10, 0, 0, '', o.created_at, o.created_at, 0
            FROM orders o CROSS JOIN generate_series(0, 4) k
            JOIN catalogue_product p ON p.id = (SELECT min(id) FROM catalogue_product) + (o.id * 5 + k) %% %(products)s
            JOIN listings_listing l ON l.product_id = p.id
        """,
            {"orders": HISTORY, "hospitals": HOSPITALS, "products": PRODUCTS, "distributor": distributor.pk},
        )
        cursor.execute("RESET session_replication_role")
        cursor.execute("SELECT code FROM catalogue_product ORDER BY id")
        codes = [row[0] for row in cursor.fetchall()]
        cursor.execute("VACUUM ANALYZE")
    return keys, codes, distributor.pk


# -- the HTTP load generator --------------------------------------------------------------------


class Client:
    """One simulated HIS posting orders over HTTP/1.1 (gunicorn's sync workers close the connection
    after each response: the client then reconnects, as a HIS would)."""

    def __init__(self, host, port, key, codes, distributor):
        self.host, self.port, self.key, self.codes, self.distributor = host, port, key, codes, distributor
        self.writer = None

    async def open(self):
        if self.writer is not None:
            self.writer.close()
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def request(self) -> bytes:
        lines = [
            {"product_code": code, "quantity": random.randint(1, 50), "distributor": self.distributor}
            for code in random.sample(self.codes, 5)
        ]
        body = json.dumps({"lines": lines}).encode()
        return (
            f"POST /api/v1/orders/ HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Token {self.key}\r\nIdempotency-Key: {uuid.uuid4().hex}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body

    async def post(self) -> int:
        if self.writer is None or self.writer.is_closing():
            await self.open()
        self.writer.write(self.request())
        status_line = await self.reader.readline()
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        await self.reader.readexactly(length)
        if close:
            self.writer.close()
        return int(status_line.split()[1])


async def open_loop(clients, rate, seconds) -> list[float]:
    """Send at ``rate`` per second, round-robin over the clients; latency from the scheduled time."""
    latencies = []
    queue: asyncio.Queue = asyncio.Queue()
    start = time.perf_counter()
    total = int(rate * seconds)

    async def worker(client):
        await client.open()
        while True:
            scheduled = await queue.get()
            if scheduled is None:
                return
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            await client.post()
            latencies.append(time.perf_counter() - scheduled)

    workers = [asyncio.create_task(worker(client)) for client in clients]
    for index in range(total):
        await queue.put(start + index / rate)
    for _ in workers:
        await queue.put(None)
    await asyncio.gather(*workers)
    return latencies


# -- the peak, with wrk -----------------------------------------------------------------------------

WRK_SCRIPT = """
local keys = {{{keys}}}
local codes = {{{codes}}}
local distributor = {distributor}
-- thread_id is a global: setup() sets it in each thread's state with thread:set, which a local would
-- shadow (then both threads had 0, the same seed and the same keys: half the requests were replays).
local counter = 0
local ids = 0
thread_id = 0

function setup(thread)
  ids = ids + 1
  thread:set("thread_id", ids)
end

function init(args)
  math.randomseed(os.time() * 100 + thread_id)
end

function request()
  counter = counter + 1
  local picked, lines = {{}}, {{}}
  while #lines < 5 do
    local code = codes[math.random(#codes)]
    if not picked[code] then
      picked[code] = true
      lines[#lines + 1] = string.format('{{"product_code":"%s","quantity":%d,"distributor":%d}}', code,
                                        math.random(1, 50), distributor)
    end
  end
  local body = '{{"lines":[' .. table.concat(lines, ",") .. ']}}'
  local headers = {{
    ["Authorization"] = "Token " .. keys[math.random(#keys)],
    ["Idempotency-Key"] = string.format("wrk-%d-%d-%d-%d", os.time(), thread_id, counter, math.random(1, 2147483647)),
    ["Content-Type"] = "application/json",
  }}
  return wrk.format("POST", "/api/v1/orders/", headers, body)
end
"""


def ensure_wrk() -> str:
    if shutil.which("wrk") is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True).returncode:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=True)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True, check=True)
    path = shutil.which("wrk")
    if path is None:
        sys.exit("wrk is needed for the peak (Debian package wrk)")
    return path


def wrk_peak(port, keys, codes, distributor, connections, seconds) -> tuple[float, int, float]:
    """Answers 2xx per second at the peak, the number of other answers and the seconds measured."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        WRK_SCRIPT.format(
            keys=", ".join(f'"{key}"' for key in keys),
            codes=", ".join(f'"{code}"' for code in codes),
            distributor=distributor,
        )
    )
    command = [
        ensure_wrk(),
        "-t",
        "2",
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}/",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", output)
    requests, elapsed = int(done[1]), float(done[2]) * (0.001 if done[3] == "ms" else 1)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(failed[1]) if failed else 0) + (sum(map(int, socket.groups())) if socket else 0)
    return (requests - (int(failed[1]) if failed else 0)) / elapsed, errors, elapsed


def wrk_orders(url: str) -> int:
    """The orders wrk's requests have made so far (each request has its own idempotency key)."""
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute("SELECT count(*) FROM orders_order WHERE idempotency_key LIKE 'wrk-%'").fetchone()[0]


# -- pgbench ------------------------------------------------------------------------------------

# The same statements the API sends for one order, in the same round trips, without the application:
# the key's lookup (the key, its machine account, hospital and region: every column, as the API reads
# them; it is also the connection's health check), BEGIN, the audit context (who, from where, why) with
# the order row and its idempotency key in one message, the products with — in the same statement — the
# distributors named for the region and their bars (R-ORD-3, R-LIST-14) and every registered price
# source's facts (the credit check of makers and products, R-LIST-14 and R-SUP-3; the hospital's
# agreements, R-NEG-5; the listings, R-ORD-2; the VBP winners and contracts, R-VBP-1/4: composed by
# procurement.orders.pricing.price_sql, as the API composes it), the non-winning check's statement (R-VBP-6:
# vbp.receivers.CAPPED_SQL), the audit context with the five lines and the order's total in one message, COMMIT.
# Products are picked by id where the API looks them up by code (both a unique-index probe); prices are
# random where the API writes those it read; the maker is the one the bench's products have.
PGBENCH_SCRIPT = """
\\set h random(0, {hospitals} - 1)
\\set t {first_token} + :h
\\set p1 random(1, {products})
\\set p2 random(1, {products})
\\set p3 random(1, {products})
\\set p4 random(1, {products})
\\set p5 random(1, {products})
\\set q1 random(1, 50)
\\set q2 random(1, 50)
\\set q3 random(1, 50)
\\set q4 random(1, 50)
\\set q5 random(1, 50)
\\set c1 random(100, 10000)
\\set c2 random(100, 10000)
\\set c3 random(100, 10000)
\\set c4 random(100, 10000)
\\set c5 random(100, 10000)
{token_query} \\gset tok_
BEGIN;
SELECT set_config('pghistory.context_id', gen_random_uuid()::text, true),
       set_config('pghistory.context_metadata',
                  json_build_object('user', :tok_user_id, 'username', 'admin', 'organisation', :tok_hospital_id,
                                    'api_token', 'bench', 'url', '/api/v1/orders/', 'method', 'POST',
                                    'ip', '127.0.0.1', 'reason', '提交订单')::text,
                  true) \\;
INSERT INTO orders_order (hospital_id, placed_by_id, source, idempotency_key, request_hash, note, total, created_at,
                          change_xid)
  VALUES (:tok_hospital_id, :tok_user_id, 'his', md5(random()::text || clock_timestamp()::text), md5(random()::text),
          '', 0, now(), 0)
  ON CONFLICT (hospital_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id \\gset o_
SELECT p.id, p.code, p.generic_name, p.trade_name, p.dosage_form, p.specification, p.pack_quantity, p.minimum_unit,
       p.pack_unit, p.manufacturer_id, {designated}, {price_columns}
  FROM catalogue_product p {price_joins} WHERE p.id = ANY(ARRAY[:p1, :p2, :p3, :p4, :p5]::bigint[]);
{order_checks};
SELECT set_config('pghistory.context_id', gen_random_uuid()::text, true),
       set_config('pghistory.context_metadata',
                  json_build_object('user', :tok_user_id, 'username', 'admin', 'organisation', :tok_hospital_id,
                                    'api_token', 'bench', 'url', '/api/v1/orders/', 'method', 'POST',
                                    'ip', '127.0.0.1', 'reason', '提交订单')::text,
                  true) \\;
WITH inserted AS (
    INSERT INTO orders_orderline (order_id, hospital_id, product_id, manufacturer_id, distributor_id, quantity, price,
                                  price_source, price_reference, amount, status, shipped_quantity, accepted_quantity,
                                  returned_quantity, reason, created_at, change_xid)
    SELECT :o_id, :tok_hospital_id, l.product_id, l.manufacturer_id, l.distributor_id, l.quantity, l.price,
           l.price_source, l.price_reference, l.amount, 'submitted', 0, 0, 0, '', now(), 0
    FROM unnest(ARRAY[:p1, :p2, :p3, :p4, :p5]::bigint[],
                ARRAY[{maker}, {maker}, {maker}, {maker}, {maker}]::bigint[],
                ARRAY[{distributor}, {distributor}, {distributor}, {distributor}, {distributor}]::bigint[],
                ARRAY[:q1, :q2, :q3, :q4, :q5]::integer[],
                ARRAY[:c1 / 100.0, :c2 / 100.0, :c3 / 100.0, :c4 / 100.0, :c5 / 100.0]::numeric[],
                ARRAY['listing', 'listing', 'listing', 'listing', 'listing']::text[],
                ARRAY['listing:' || :p1, 'listing:' || :p2, 'listing:' || :p3, 'listing:' || :p4,
                      'listing:' || :p5]::text[],
                ARRAY[:c1 * :q1 / 100.0, :c2 * :q2 / 100.0, :c3 * :q3 / 100.0, :c4 * :q4 / 100.0,
                      :c5 * :q5 / 100.0]::numeric[]) WITH ORDINALITY
         AS l(product_id, manufacturer_id, distributor_id, quantity, price, price_source, price_reference, amount,
              position)
    ORDER BY position
    RETURNING id, amount, created_at
),
totalled AS (
    UPDATE orders_order SET total = (SELECT sum(amount) FROM inserted) WHERE id = :o_id RETURNING total, created_at
)
SELECT (SELECT array_agg(id ORDER BY id) FROM inserted), (SELECT total FROM totalled),
       (SELECT created_at FROM totalled), (SELECT min(created_at) FROM inserted);
END;
"""


def pgbench_script(first_token: int, maker: int, distributor: int) -> str:
    """The script, with the platform's own SQL fragments (the key's columns, R-ORD-3's distributors, the
    credit predicates) where the API composes them, their parameters written as pgbench's."""
    from procurement.api.authentication import _token_query
    from procurement.orders.pricing import price_sql
    from procurement.orders.selectors import DESIGNATED_SQL
    from vbp.receivers import CAPPED_SQL

    def bind(sql: str) -> str:
        return (
            sql.replace("%(regions)s::text[]", f"ARRAY['{PROVINCE_CODE}']::text[]")
            .replace("%(on)s::date", "current_date")
            .replace("%(hospital)s::bigint", ":tok_hospital_id::bigint")
        )

    return PGBENCH_SCRIPT.format(
        hospitals=HOSPITALS,
        products=PRODUCTS,
        first_token=first_token,
        maker=maker,
        distributor=distributor,
        token_query=_token_query().replace("WHERE t.prefix = %s", "WHERE t.id = :t"),
        designated=bind(DESIGNATED_SQL.format(product="p.id")),
        price_columns=price_sql().columns,
        price_joins=bind(price_sql().joins),
        order_checks=bind(
            CAPPED_SQL.replace("%(ids)s::bigint[]", "ARRAY[:p1, :p2, :p3, :p4, :p5]::bigint[]")
            .replace("%(hospital)s", ":tok_hospital_id")
            .replace("%(today)s", "current_date")
        ).strip(),
    )


def pgbench(url: str, clients: int, seconds: int, distributor: int) -> float:
    from urllib.parse import urlsplit

    from procurement.catalogue.models import Product
    from procurement.organisations.models import ApiToken

    parts = urlsplit(url)
    script = Path(tempfile.mkstemp(suffix=".sql")[1])
    first_token = ApiToken.objects.order_by("pk").values_list("pk", flat=True).first()
    maker = Product.objects.values_list("manufacturer_id", flat=True).first()
    script.write_text(pgbench_script(first_token, maker, distributor))
    command = [
        "pgbench",
        "-n",
        "-c",
        str(clients),
        "-j",
        "2",
        "-T",
        str(seconds),
        "-f",
        str(script),
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        parts.path.lstrip("/"),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode or "error" in done.stderr:
        sys.exit(f"pgbench failed:\n{done.stderr}")
    output = done.stdout
    line = next(line for line in output.splitlines() if line.startswith("tps"))
    return float(line.split("=")[1].split()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HIS clients at peak")
    parser.add_argument("--seconds", type=int, default=10, help="of each peak measurement")
    parser.add_argument("--sql-clients", type=int, default=None, help="pgbench's (default: as many as workers)")
    parser.add_argument("--rounds", type=int, default=5, help="API and pgbench alternately; the medians are compared")
    parser.add_argument("--port", type=int, default=8791)
    options = parser.parse_args()

    url = setup("order_api")
    database = url.rsplit("/", 1)[1]
    sql_clients = options.sql_clients or options.workers
    keys, codes, distributor = build()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "procurement.wsgi",
            "--workers",
            str(options.workers),
            "--bind",
            f"127.0.0.1:{options.port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)

        def clients(count):
            return [
                Client("127.0.0.1", options.port, keys[index % len(keys)], codes, distributor) for index in range(count)
            ]

        wrk_peak(options.port, keys, codes, distributor, options.clients, 3)  # warm up every worker
        api_rates, sql_rates, costs = [], [], []
        for round_number in range(1, options.rounds + 1):
            before = wrk_orders(url)
            with cpu_spent(server.pid, database) as api_spent:
                api_rate, errors, elapsed = wrk_peak(
                    options.port, keys, codes, distributor, options.clients, options.seconds
                )
            made = wrk_orders(url) - before
            if made < api_rate * elapsed - 0.5:  # a 200 is a replay (an idempotency key seen before): no new order
                print(f"  {api_rate * elapsed - made:,.0f} answers were replays: counting the {made:,} orders made")
                api_rate = made / elapsed
            with cpu_spent(server.pid, database) as sql_spent:
                sql_rate = pgbench(url, sql_clients, options.seconds, distributor)
            api_rates.append(api_rate)
            sql_rates.append(sql_rate)
            api_orders, sql_orders = api_rate * options.seconds, sql_rate * options.seconds
            costs.append(
                (
                    sum(api_spent.get(kind, 0) for kind in ("python", "postgres")) / api_orders,
                    sql_spent.get("postgres", 0) / sql_orders,
                )
            )
            print(
                f"round {round_number}: API {api_rate:,.0f} orders/s ({errors} errors), pgbench {sql_rate:,.0f} orders/s, "
                f"{api_rate / sql_rate:.1%}; CPU an order: {per_request(api_spent, api_orders)}; pgbench's "
                f"{per_request(sql_spent, sql_orders)}"
            )
        api_rate, sql_rate = statistics.median(api_rates), statistics.median(sql_rates)
        ratios = [api / sql for api, sql in zip(api_rates, sql_rates, strict=True)]
        api_cost, sql_cost = (statistics.median(side) for side in zip(*costs, strict=True))
        print(
            f"API: {api_rate:,.0f} orders/s (median) with {options.clients} clients, {options.workers} gunicorn workers"
        )
        print(f"pgbench, the same transaction: {sql_rate:,.0f} orders/s (median) with {sql_clients} clients")
        print(
            f"API / bare SQL = {api_rate / sql_rate:.1%} (rounds {min(ratios):.1%}–{max(ratios):.1%}; goal ≥ 33 %); "
            f"CPU an order {api_cost * 1000:.2f} ms, pgbench's {sql_cost * 1000:.2f} ms: {sql_cost / api_cost:.1%} (median)"
        )
        # Let the database settle after the peaks (the autovacuum and checkpoint they set off) before the paced run.
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
            connection.execute("CHECKPOINT")
        latencies = sorted(asyncio.run(open_loop(clients(options.clients * 2), api_rate / 2, options.seconds)))
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
        print(
            f"at half the peak ({api_rate / 2:,.0f} orders/s): p50 {p50:.1f} ms, p99 {p99:.1f} ms (goal p99 < 100 ms)"
        )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
