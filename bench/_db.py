"""Shared set-up of the benchmarks: a scratch database, migrated, with Django configured for it."""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(name: str):
    """Point Django at a fresh ``<database>_<name>_bench``, migrate it, and return psycopg's connect URL.

    Each benchmark has its own scratch database, so two can run at once without dropping each other's.
    """
    import psycopg

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/procurement")
    parts = urlsplit(url)
    bench_db = f"{parts.path.lstrip('/') or 'procurement'}_{name}_bench"
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{bench_db}"')
    bench_url = urlunsplit(parts._replace(path=f"/{bench_db}"))
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procurement.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return urlunsplit(urlsplit(bench_url)._replace(scheme="postgresql"))


def reuse(name: str) -> str:
    """Django pointed at the previous run's database (migrated again); psycopg's connect URL."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/procurement")
    parts = urlsplit(url)
    bench_url = urlunsplit(parts._replace(path=f"/{parts.path.lstrip('/') or 'procurement'}_{name}_bench"))
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procurement.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return urlunsplit(urlsplit(bench_url)._replace(scheme="postgresql"))
