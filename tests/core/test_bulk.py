"""procurement.core.bulk: a load into an empty table, its indexes built after the rows."""

import pytest
from django.db import DatabaseError, connection, transaction

from procurement.core.bulk import indexes_built_after

pytestmark = pytest.mark.django_db


def indexes(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass ORDER BY 1
        """,
            [table],
        )
        return cursor.fetchall()


def test_the_indexes_are_gone_during_the_load_and_back_after_it():
    table = "negotiation_agreementzoning"
    before = indexes(table)
    with connection.cursor() as cursor, indexes_built_after(cursor, table):
        assert indexes(table) == []
    assert indexes(table) == before


def test_a_load_that_fails_leaves_the_indexes_with_its_transaction():
    table = "negotiation_agreementzoning"
    before = indexes(table)
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
        indexes_built_after(cursor, table),
    ):
        cursor.execute(f"INSERT INTO {table} (agreement_id) VALUES (1)")  # not null columns: refused
    assert indexes(table) == before


def test_a_table_other_tables_point_at_is_refused():
    before = indexes("catalogue_product")
    with (
        connection.cursor() as cursor,
        pytest.raises(ValueError, match="referenced by foreign keys"),
        indexes_built_after(cursor, "catalogue_product"),
    ):
        pass
    assert indexes("catalogue_product") == before
