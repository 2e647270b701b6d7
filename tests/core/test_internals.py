"""What procurement.core.internals relies on in Django and psycopg (issue 9): if an upgrade changes
it, these fail loudly here rather than quietly on the order path."""

import pytest
from django.db import connection, transaction

from procurement.core import internals
from procurement.organisations.models import Organisation, Region
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_prepared_read_runs_in_djangos_transaction_and_is_prepared_once():
    # given: a row written by the ORM in a transaction not yet committed
    with transaction.atomic():
        company = OrganisationFactory(name="预备语句测试企业")
        query = "SELECT name FROM organisations_organisation WHERE id = %s"
        # when / then: the prepared read sees it (same connection, same transaction)
        assert internals.fetch_one(query, [company.pk]) == ("预备语句测试企业",)
        assert internals.fetch_all(query, [company.pk]) == [("预备语句测试企业",)]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s", [query.replace("%s", "$1")]
            )
            assert cursor.fetchone()[0] == 1, "psycopg prepared the statement on the server, once"
        transaction.set_rollback(True)
    assert internals.fetch_one(query, [company.pk]) is None


def test_an_instance_from_a_row_is_as_the_orm_reads_it(django_assert_num_queries):
    company = OrganisationFactory()
    fields = [field.attname for field in Organisation._meta.concrete_fields]
    row = internals.fetch_one(
        f"SELECT {', '.join(field.column for field in Organisation._meta.concrete_fields)} "
        "FROM organisations_organisation WHERE id = %s",
        [company.pk],
    )
    built = internals.instance_from_row(Organisation, fields, row)
    assert (built.pk, built.name, built._state.adding, built._state.db) == (company.pk, company.name, False, "default")
    built.name = "改名"
    with django_assert_num_queries(1) as captured:
        built.save(update_fields=["name"])
    assert captured.captured_queries[0]["sql"].startswith("UPDATE")


def test_a_related_instance_is_followed_without_a_query(django_assert_num_queries):
    company = OrganisationFactory()
    fresh = Organisation.objects.get(pk=company.pk)
    region = Region.objects.get(pk=company.region_id)
    internals.relate(fresh, "region", region)
    with django_assert_num_queries(0):
        assert fresh.region is region


def test_objects_just_written_answer_as_prefetched(django_assert_num_queries):
    parent = Region.objects.create(code="650000", name="测试省", level="province", parent=None)
    children = [Region(code="650100", name="甲市", level="city", parent=parent)]
    Region.objects.bulk_create(children)
    internals.set_prefetched(parent, "children", children)
    with django_assert_num_queries(0):
        assert list(parent.children.all()) == children
        assert parent.children.count() == 1


def test_the_audit_context_is_known_open_and_forgotten_at_the_end_of_a_step(world):
    """pghistory keeps its context in a thread-local and its settings in the transaction: the audit
    steps rely on both (procurement.core.audit.audit_step)."""
    import pghistory

    assert not internals.audit_context_open()
    with transaction.atomic():
        with pghistory.context(reason="x") as current:
            assert internals.audit_context_open()
            world.hospital.save()  # a statement of the context sets the transaction's settings
            assert current.metadata == {"reason": "x"}
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('pghistory.context_metadata', true)")
            assert "x" in cursor.fetchone()[0], "pghistory leaves its settings behind"
            internals.forget_audit_context()
            cursor.execute("SELECT current_setting('pghistory.context_metadata', true)")
            assert cursor.fetchone()[0] == ""
    assert not internals.audit_context_open()
