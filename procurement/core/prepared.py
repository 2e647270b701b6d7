"""Hot reads as prepared statements.

Django's PostgreSQL backend binds parameters on the client, so PostgreSQL plans every query anew;
for the few reads every HIS request runs (its key, its products, their prices and distributors),
planning a join costs more than running it (0.46 ms against 0.16 ms for the key lookup). These run
on Django's own connection and transaction, through a server-side-binding cursor that prepares the
statement once per connection (psycopg keeps the prepared statements; PostgreSQL settles on a
generic plan after five runs). Reads only: writes go through Django, which adds the audit context
(``procurement.core.audit``) to them. Parameters need casts where PostgreSQL cannot infer a type
(``%s::bigint[]``).
"""

import psycopg
from django.db import connection


def fetch_all(query: str, params) -> list[tuple]:
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(query, params, prepare=True)
        return cursor.fetchall()


def fetch_one(query: str, params) -> tuple | None:
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(query, params, prepare=True)
        return cursor.fetchone()
