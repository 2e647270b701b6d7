"""Benchmark: HIS clients submitting 5-line orders over HTTP, next to the same transaction in pgbench.

A production-like server: gunicorn (sync workers, DEBUG off, persistent connections) on a fresh
database with 100 hospitals (each with its HIS key), 2,000 listed products and their distributors.
Each request is an order of 5 random lines with a new Idempotency-Key, from one of the hospitals' keys:

1. peak: wrk (C, like pgbench; Debian package ``wrk``, installed here when missing) with C
   concurrent connections as fast as they go for T seconds → orders/s;
2. pgbench, in the same run, runs the equivalent bare SQL transaction (the order row with its
   idempotency key, five price lookups and five line rows, the total) on the same tables → tps;
3. paced (a Python asyncio client): orders sent at half the peak rate (an open loop: latency measured from the scheduled
   send time, so a slow server cannot hide its queue) → p50 / p99 latency.

Goal: the API reaches at least 30 % of the bare SQL rate, with p99 under 100 ms at half its peak.
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
from pathlib import Path

import psycopg
from _db import ROOT, setup

HOSPITALS = 100
PRODUCTS = 2000
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
local counter, thread_id = 0, 0
local ids = 0

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


def wrk_peak(port, keys, codes, distributor, connections, seconds) -> tuple[float, int]:
    """Orders per second at the peak and the number of answers other than 201."""
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
    return (requests - (int(failed[1]) if failed else 0)) / elapsed, errors


# -- pgbench ------------------------------------------------------------------------------------

# The same statements the API sends for one order, without the application: the key's lookup (the
# key, its machine account, hospital and region), the order row with its idempotency key and the
# audit context (who, from where, why) that every event row of the transaction records, the
# products with the distributors named for the region (R-ORD-3), the hospital's agreements (R-NEG-5),
# their listings and the makers' bad-record bars (R-ORD-2, R-LIST-14), the five lines and the order's total. Products are picked
# by id where the API looks them up by code (both a unique-index probe).
PGBENCH_SCRIPT = """
\\set h random(0, {hospitals} - 1)
\\set t {first_token} + :h
\\set p1 random(1, {products})
\\set p2 random(1, {products})
\\set p3 random(1, {products})
\\set p4 random(1, {products})
\\set p5 random(1, {products})
SELECT t.id AS token_id, t.user_id AS user_id, o.id AS hospital_id, o.name, r.path, t.digest, u.roles
  FROM organisations_apitoken t JOIN organisations_user u ON u.id = t.user_id
  JOIN organisations_organisation o ON o.id = t.hospital_id JOIN organisations_region r ON r.id = o.region_id
  WHERE t.id = :t \\gset
BEGIN;
SELECT set_config('pghistory.context_id', gen_random_uuid()::text, true),
       set_config('pghistory.context_metadata',
                  json_build_object('user', :user_id, 'url', '/api/v1/orders/', 'method', 'POST', 'ip', '127.0.0.1',
                                    'organisation', :hospital_id, 'api_token', 'bench', 'reason', '提交订单')::text,
                  true) \\gset
INSERT INTO orders_order (hospital_id, placed_by_id, source, idempotency_key, request_hash, note, total, created_at,
                          change_xid)
  VALUES (:hospital_id, :user_id, 'his', md5(random()::text || clock_timestamp()::text), md5(random()::text), '', 0,
          now(), 0)
  ON CONFLICT (hospital_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id \\gset o_
SELECT p.id, p.code, p.generic_name, p.manufacturer_id,
       ARRAY(SELECT d.distributor_id FROM orders_distributordesignation d
             JOIN organisations_region r ON r.id = d.region_id JOIN organisations_organisation o ON o.id = d.distributor_id
             WHERE d.product_id = p.id AND d.is_active AND o.is_active AND r.code = '{region}')
  FROM catalogue_product p WHERE p.id IN (:p1, :p2, :p3, :p4, :p5);
SELECT a.product_id, a.id, a.price FROM negotiation_agreement a
  WHERE a.hospital_id = :hospital_id AND a.product_id IN (:p1, :p2, :p3, :p4, :p5) AND a.status = 'active'
    AND a.valid_from <= current_date AND a.valid_until >= current_date;
SELECT l.id, l.price, l.status, bar.ends_on
  FROM listings_listing l
  LEFT JOIN LATERAL (SELECT max(b.ends_on) AS ends_on FROM supervision_badrecord b
                     WHERE b.organisation_id = l.manufacturer_id AND b.starts_on <= current_date
                       AND b.ends_on >= current_date) bar ON true
  WHERE l.product_id IN (:p1, :p2, :p3, :p4, :p5);
INSERT INTO orders_orderline (order_id, hospital_id, product_id, manufacturer_id, distributor_id, quantity, price,
                              price_source, price_reference, amount, status, shipped_quantity, accepted_quantity,
                              returned_quantity, reason, created_at, change_xid)
  SELECT :o_id, :hospital_id, l.product_id, l.manufacturer_id, d.distributor_id, 10, l.price, 'listing',
         'listing:' || l.id, l.price * 10, 'submitted', 0, 0, 0, '', now(), 0
  FROM listings_listing l
  JOIN orders_distributordesignation d ON d.product_id = l.product_id AND d.is_active
  WHERE l.product_id IN (:p1, :p2, :p3, :p4, :p5) AND l.status = 'listed';
UPDATE orders_order SET total = (SELECT sum(amount) FROM orders_orderline WHERE order_id = :o_id) WHERE id = :o_id;
END;
"""


def pgbench(url: str, clients: int, seconds: int) -> float:
    from urllib.parse import urlsplit

    from procurement.organisations.models import ApiToken

    parts = urlsplit(url)
    script = Path(tempfile.mkstemp(suffix=".sql")[1])
    first_token = ApiToken.objects.order_by("pk").values_list("pk", flat=True).first()
    script.write_text(
        PGBENCH_SCRIPT.format(hospitals=HOSPITALS, products=PRODUCTS, first_token=first_token, region=PROVINCE_CODE)
    )
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
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("tps"))
    return float(line.split("=")[1].split()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HIS clients at peak")
    parser.add_argument("--seconds", type=int, default=10, help="of each peak measurement")
    parser.add_argument("--rounds", type=int, default=3, help="API and pgbench alternately; the medians are compared")
    parser.add_argument("--port", type=int, default=8791)
    options = parser.parse_args()

    url = setup("order_api")
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
        api_rates, sql_rates = [], []
        for round_number in range(1, options.rounds + 1):
            api_rate, errors = wrk_peak(options.port, keys, codes, distributor, options.clients, options.seconds)
            sql_rate = pgbench(url, options.clients, options.seconds)
            api_rates.append(api_rate)
            sql_rates.append(sql_rate)
            print(
                f"round {round_number}: API {api_rate:,.0f} orders/s ({errors} errors), pgbench {sql_rate:,.0f} orders/s"
            )
        api_rate, sql_rate = statistics.median(api_rates), statistics.median(sql_rates)
        print(
            f"API: {api_rate:,.0f} orders/s (median) with {options.clients} clients, {options.workers} gunicorn workers"
        )
        print(f"pgbench, the same transaction: {sql_rate:,.0f} orders/s (median) with {options.clients} clients")
        print(f"API / bare SQL = {api_rate / sql_rate:.1%} (goal ≥ 30 %)")
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
