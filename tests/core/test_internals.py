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


@pytest.mark.django_db(transaction=True)
def test_the_first_prepared_read_of_a_request_is_the_health_check(monkeypatch):
    """CONN_HEALTH_CHECKS: Django checks a reused connection with a SELECT 1 before a request's first
    query (``health_check_done``); a prepared read that succeeds is that check."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    connection.ensure_connection()
    checks = []
    is_usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or is_usable())
    connection.close_if_unusable_or_obsolete()  # what a request's start does
    assert not connection.health_check_done
    assert internals.fetch_one("SELECT 40 + 2", []) == (42,)
    assert connection.health_check_done and checks == []
    with connection.cursor() as cursor:  # Django does not check again
        cursor.execute("SELECT 1")
    assert checks == []


@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_is_replaced_and_the_read_answers():
    import psycopg

    connection.ensure_connection()
    dead = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params()) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [dead])
    connection.close_if_unusable_or_obsolete()  # the next request
    assert internals.fetch_all("SELECT 'ok'", []) == [("ok",)]
    assert connection.connection.info.backend_pid != dead and connection.health_check_done


@pytest.mark.django_db(transaction=True)
def test_a_read_that_fails_on_a_live_connection_is_raised_and_keeps_it():
    from django.db import ProgrammingError

    connection.close_if_unusable_or_obsolete()  # a request's start (it may retire an old connection: CONN_MAX_AGE)
    connection.ensure_connection()
    live = connection.connection.info.backend_pid
    with pytest.raises(ProgrammingError):  # Django's error (wrap_database_errors), as the ORM raises
        internals.fetch_one("SELECT * FROM no_such_table", [])
    assert connection.connection.info.backend_pid == live
    assert internals.fetch_one("SELECT 1", []) == (1,)


def _insert_trigger(table: str) -> tuple[bool, str]:
    """Whether the audit trigger on inserts into ``table`` fires for each row, and its function's body."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.tgtype & 1 = 1, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
               WHERE t.tgrelid = %s::regclass AND t.tgname LIKE 'pgtrigger_insert_insert_%%'""",
            [table],
        )
        return cursor.fetchone()


def test_bulk_inserts_are_audited_by_one_statement_level_trigger_writing_the_row_level_events(world):
    """``tracked(bulk_inserts=True)`` (internals.StatementInsertEvent): pghistory 3.9's statement-level
    event SQL, its pghistory_context row left out; the event rows are those a row-level trigger writes."""
    from procurement.core.audit import audit_actor
    from procurement.credit.models import CreditEvent
    from procurement.credit.services import credit_events_insert_sql

    per_row, body = _insert_trigger(CreditEvent._meta.db_table)
    assert not per_row and "_pgh_attach" not in body and "FROM new_values" in body
    # the context's JSON and id read once a statement, not parsed again for each row
    assert body.count("CURRENT_SETTING('pghistory.context_metadata'") == 1 and "OFFSET 0) AS _pgh_once" in body
    assert _insert_trigger(Organisation._meta.db_table)[0]  # the others keep a trigger call a row
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pghistory_context")
        contexts = cursor.fetchone()[0]
        with audit_actor("job:test"):
            cursor.execute(
                credit_events_insert_sql(
                    """SELECT %s::bigint, 'price_linkage_overdue', 'general', date '2026-10-23', 'late', 'test:' || n
                       FROM generate_series(1, 3) n"""
                ),
                [world.manufacturer.pk],
            )
            # Its ON CONFLICT DO NOTHING: a second statement records nothing, audits nothing.
            cursor.execute(
                credit_events_insert_sql(
                    """SELECT %s::bigint, 'price_linkage_overdue', 'general', date '2026-10-23', 'late', 'test:1'"""
                ),
                [world.manufacturer.pk],
            )
            assert cursor.rowcount == 0
        cursor.execute("SELECT count(*) FROM pghistory_context")
        assert cursor.fetchone()[0] == contexts
    fields = [field.attname for field in CreditEvent._meta.concrete_fields]
    for event in CreditEvent.objects.filter(source__startswith="test:"):
        (audited,) = event.events.all()
        assert {name: getattr(audited, name) for name in fields} == {name: getattr(event, name) for name in fields}
        assert (audited.pgh_label, audited.pgh_obj_id, audited.pgh_context["actor"]) == ("insert", event.pk, "job:test")
        assert audited.pgh_context_id is not None
    # A single insert through the ORM is audited the same way.
    with audit_actor("job:test"):
        single = CreditEvent.objects.create(
            organisation=world.manufacturer, kind="price_linkage_overdue", occurred_on="2026-10-23", description="x"
        )
    assert single.events.get().pgh_label == "insert"


def test_bulk_updates_are_audited_by_one_statement_level_trigger_writing_the_row_level_events(world):
    """``tracked(bulk_updates=True)`` (internals.StatementUpdateEvent, listings): one trigger call a statement,
    its INSERT planned each time (EXECUTE); an event for each row that changed, as the row-level trigger
    wrote, none for a row updated to the same values."""
    from django.utils import timezone

    from listings.models import Listing
    from procurement.core.audit import audit_actor
    from tests.factories import ProductFactory

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.tgtype & 1 = 1, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
               WHERE t.tgrelid = %s::regclass AND t.tgname LIKE 'pgtrigger_update_update_%%'""",
            [Listing._meta.db_table],
        )
        per_row, body = cursor.fetchone()
    assert not per_row and "EXECUTE $pgh$" in body and "_pgh_attach" not in body
    products = [ProductFactory(manufacturer=world.manufacturer) for _ in range(3)]
    now = timezone.now()
    listings = [
        Listing.objects.create(
            product=product,
            manufacturer=world.manufacturer,
            category="innovative",
            price="10.00",
            listed_at=now,
            price_since=now.date(),
        )
        for product in products
    ]
    ids = [listing.pk for listing in listings]
    with audit_actor("job:test"), connection.cursor() as cursor:
        # one row first (a plan for one row), then three, one of them left as it was
        cursor.execute("UPDATE listings_listing SET price = 9 WHERE id = %s", [ids[0]])
        cursor.execute(
            "UPDATE listings_listing SET status = CASE WHEN id = %s THEN status ELSE 'suspended' END, "
            "suspension_cause = CASE WHEN id = %s THEN suspension_cause ELSE 'price_linkage' END WHERE id = ANY(%s)",
            [ids[2], ids[2], ids],
        )
    fields = [field.attname for field in Listing._meta.concrete_fields]
    updates = {listing.pk: list(listing.events.filter(pgh_label="update").order_by("pgh_id")) for listing in listings}
    assert [len(updates[pk]) for pk in ids] == [2, 1, 0]
    for listing in listings:
        listing.refresh_from_db()
        if updates[listing.pk]:
            last = updates[listing.pk][-1]
            assert {name: getattr(last, name) for name in fields} == {name: getattr(listing, name) for name in fields}
            assert (last.pgh_obj_id, last.pgh_context["actor"]) == (listing.pk, "job:test")
            assert last.pgh_context_id is not None
    assert [event.price for event in updates[ids[0]]] == [9, 9]
    # A save through the ORM is audited the same way.
    listings[2].price = "8.00"
    listings[2].save(update_fields=["price"])
    assert listings[2].events.get(pgh_label="update").price == 8


def _indexed_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT a.attname FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
               WHERE x.indrelid = %s::regclass""",
            [table],
        )
        return {name for (name,) in cursor.fetchall()}


def test_the_event_tables_of_bulk_written_models_do_not_index_their_copied_keys():
    """``internals.unindexed_foreign_key_copies``: the events of listings, notices and credit events (written by
    the thousand a night) are found by object and context only; other models' event tables keep pghistory's
    index on each copied key."""
    from listings.models import Listing, PriceLinkageNotice
    from procurement.credit.models import BadRecord, CreditEvent

    for model in (Listing, PriceLinkageNotice, CreditEvent):
        event_table = model.events.rel.related_model._meta.db_table
        assert _indexed_columns(event_table) == {"pgh_id", "pgh_obj_id"}, event_table
    assert "organisation_id" in _indexed_columns(BadRecord.events.rel.related_model._meta.db_table)
