"""The demo's threaded server shares one pool of connections (issue 11 #13): a burst of parallel
requests never opens more connections than the pool allows, and every request is answered."""

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


APP = "procurement-pool-test"


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP])
        return cursor.fetchone()[0]


def test_a_burst_of_requests_uses_at_most_the_pools_connections(world):
    db = settings.DATABASES["default"]
    host = db["HOST"] or "127.0.0.1"
    url = f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "true", "DB_POOL_MAX": "3", "PGAPPNAME": APP},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urlopen(f"http://127.0.0.1:{port}/api/v1/products/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)

        def get(_):
            return urlopen(f"http://127.0.0.1:{port}/api/v1/products/", timeout=30).status

        seen = []
        with ThreadPoolExecutor(max_workers=24) as burst:
            answers = burst.map(get, range(96))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                seen.append(server_connections())
                if len(seen) > 20:
                    break
                time.sleep(0.05)
            statuses = list(answers)
        assert statuses == [200] * 96
        assert 1 <= max(seen) <= 3, seen
    finally:
        server.terminate()
        server.wait(timeout=10)
