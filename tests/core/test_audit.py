"""The audit trail: every change recorded with who / when / what / why, and nobody can alter it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation
from pghistory.models import Events

from procurement.core.audit import audit_actor, audit_reason
from procurement.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_change_is_recorded_with_its_reason(world):
    hospital = world.hospital
    with audit_reason("更名：上级批复"):
        Organisation.objects.filter(pk=hospital.pk).update(name="永宁县人民医院（新院区）")  # a bulk update
    event = hospital.events.order_by("-pgh_id").first()
    assert event.pgh_label == "update"
    assert event.name == "永宁县人民医院（新院区）"
    assert event.pgh_context["reason"] == "更名：上级批复"
    diff = (
        Events.objects.filter(pgh_obj_model="organisations.Organisation", pgh_obj_id=str(hospital.pk))
        .order_by("-pgh_id")[0]
        .pgh_diff
    )
    assert diff["name"] == ["永宁县人民医院", "永宁县人民医院（新院区）"]


def test_a_request_records_who_made_the_change(world, client):
    client.force_login(world.user("hospital_admin"))
    client.post(reverse("organisations:token-list"), {"name": "门诊 HIS"})
    token = world.hospital.api_tokens.get()
    context = token.events.get(pgh_label="insert").pgh_context
    assert context["user"] == world.user("hospital_admin").pk
    assert context["username"] == "hospital_admin"
    assert context["organisation"] == world.hospital.pk
    assert context["url"] == reverse("organisations:token-list")


def test_a_job_is_named_as_the_actor(world):
    with audit_actor("job:test"):
        world.hospital.contact_name = "王医生"
        world.hospital.save()
    assert world.hospital.events.order_by("-pgh_id").first().pgh_context["actor"] == "job:test"


def test_deletes_are_recorded_too(world):
    group = world.hospital.group_memberships.model.objects.create(
        group=world.hospital.led_groups.model.objects.create(name="临时组团", kind="team", lead=world.hospital),
        hospital=world.hospital,
    ).group
    group_pk = group.pk
    group.delete()
    event_model = group.events.model
    deleted = event_model.objects.get(pgh_obj_id=group_pk, pgh_label="delete")
    assert deleted.name == "临时组团"


@pytest.mark.parametrize("statement", ["UPDATE {table} SET name = 'forged'", "DELETE FROM {table}"])
def test_the_database_refuses_to_edit_or_delete_an_event(world, statement):
    event_model = world.hospital.events.model
    before = event_model.objects.count()
    assert before > 0
    with pytest.raises(DatabaseError, match=r"append_only|Cannot"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=event_model._meta.db_table))
    assert event_model.objects.count() == before
    assert not event_model.objects.filter(name="forged").exists()


def test_the_orm_cannot_delete_events_either(world):
    event = world.hospital.events.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert world.hospital.events.filter(pk=event.pk).exists()


def test_the_audit_page_is_for_the_provincial_bureau(world, client):
    client.force_login(world.user("provincial_supervisor"))
    page = client.get(reverse("audit-list"), {"model": "organisations.Organisation"})
    assert page.status_code == 200
    assert "永宁县人民医院" in page.content.decode()
    client.force_login(world.user("city_bureau"))
    assert client.get(reverse("audit-list")).status_code == 404


def _context_of_last_event(organisation):
    return organisation.events.order_by("-pgh_id").first().pgh_context


def test_each_step_is_recorded_with_its_own_actor_and_reason_nested_or_one_after_another(world):
    """A step's actor and reason end with the step: nothing after it inherits them (issue 10, #11)."""
    hospital, maker = world.hospital, world.manufacturer
    with audit_actor("job:national_price_linkage"):
        with audit_reason("验收入库"):
            hospital.contact_name = "甲"
            hospital.save()
        assert _context_of_last_event(hospital) == {**_context_of_last_event(hospital), "reason": "验收入库"}
        maker.contact_name = "乙"
        maker.save()  # after the nested step: the job's actor, no reason
    after_job = _context_of_last_event(maker)
    assert after_job["actor"] == "job:national_price_linkage" and "reason" not in after_job
    with audit_reason("更名"):
        maker.contact_name = "丙"
        maker.save()  # a later step: its own reason, not the job's actor
    later = _context_of_last_event(maker)
    assert later["reason"] == "更名" and "actor" not in later
    with audit_reason("外层"), audit_reason("内层"):
        hospital.contact_name = "丁"
        hospital.save()
    assert _context_of_last_event(hospital)["reason"] == "内层"


def test_a_step_leaves_nothing_behind_in_its_transaction(world):
    """After the outermost step, later statements of the same transaction carry no context of it."""
    with audit_reason("第一步"):
        world.hospital.contact_phone = "0951-1"
        world.hospital.save()
    world.hospital.contact_phone = "0951-2"
    world.hospital.save()
    assert _context_of_last_event(world.hospital) is None


def test_the_audit_page_reads_in_the_pages_language(world, client):
    """Issue 12: 新增 / 修改 / 删除, fields by their labels, values as the pages show them."""
    world.hospital.is_active = False
    world.hospital.save()
    client.force_login(world.user("provincial_supervisor"))
    page = client.get(reverse("audit-list"), {"model": "organisations.Organisation"}).content.decode()
    assert "修改" in page and "新增" in page
    assert ">update<" not in page and ">insert<" not in page


def test_the_audit_page_names_a_nightly_job_by_its_name_in_the_registry(world, client):
    """Issue 12: "夜间任务：价格联动", not ``job:national_price_linkage``; found by that name too."""
    # given: a change made by the nightly price linkage
    with audit_actor("job:national_price_linkage"):
        world.manufacturer.contact_name = "乙"
        world.manufacturer.save()
    client.force_login(world.user("provincial_supervisor"))
    # when
    page = client.get(reverse("audit-list"), {"model": "organisations.Organisation"}).content.decode()
    found = client.get(reverse("audit-list"), {"user": "价格联动"})
    # then
    assert "夜间任务：价格联动" in page and "job:national_price_linkage" not in page
    assert [event.pgh_context["actor"] for event in found.context["object_list"]] == ["job:national_price_linkage"]


def test_every_nightly_job_has_a_name_for_people():
    from procurement.core.jobs import actor_name, registered_jobs

    with translation.override("zh-hans"):
        for job in registered_jobs():
            assert job.label, job.name
        assert actor_name("job:zone_agreements") == "夜间任务：红黄蓝分区"
        assert actor_name("command:seed_demo") == "命令：演示数据"
        assert actor_name("job:not_registered") == "夜间任务：not_registered"


def test_every_audited_field_has_a_label_of_its_own():
    """Issue 12: the audit trail names fields by their labels — every field a person can change has a
    translated label, and no two fields of a record share one (accepted quantity and time of acceptance)."""
    from django.apps import apps
    from django.utils.functional import Promise

    from procurement.web.selectors import audited_models

    unlabelled, shared = [], []
    for label, _name in audited_models():
        fields = [f for f in apps.get_model(label)._meta.concrete_fields if f.editable and not f.primary_key]
        unlabelled += [f"{label}.{f.name}" for f in fields if not isinstance(f.verbose_name, Promise)]
        names = [str(f.verbose_name) for f in fields]
        shared += [f"{label}: {name}" for name in set(names) if names.count(name) > 1]
    assert not unlabelled and not shared, (unlabelled, shared)


def test_the_audit_page_names_a_person_by_name(world, client):
    """Issue 12: the actor named — "测试用户（hospital_admin）", not only a login name."""
    # given: a change made through a page
    admin = world.user("hospital_admin")
    client.force_login(admin)
    client.post(reverse("organisations:token-list"), {"name": "门诊 HIS"})
    # when
    client.force_login(world.user("provincial_supervisor"))
    page = client.get(reverse("audit-list"), {"model": "organisations.ApiToken"}).content.decode()
    # then
    assert f"{admin.full_name}（hospital_admin）" in page


def test_a_records_own_figures_are_not_dumped_into_the_trail():
    """Issue 12: values as the pages show them — a declaration's cap figures (a JSON structure the
    declaration's page shows in words) read as changed, not as a Python dict."""
    from types import SimpleNamespace

    from procurement.web.templatetags.platform import audit_changes

    figures = {"limits": [{"kind": "national_lowest", "rule": "R-LIST-2", "value": "18.8000"}]}
    event = SimpleNamespace(pgh_obj_model="listings.Declaration", pgh_diff={"cap_figures": [{}, figures]})
    with translation.override("zh-hans"):
        [(label, old, new)] = audit_changes(event)
    assert (label, old) == ("比价数据", None)
    assert "limits" not in str(new) and "national_lowest" not in str(new)


def test_the_audit_pages_statements_are_not_compiled_by_jit(world, client):
    """The audit page reads pghistory's view of every event table (fifty of them, 117 kB of SQL), which
    PostgreSQL estimates far above ``jit_above_cost``: compiling its 2,500 expressions took 1.9 s of the
    page's 2.2 s on the demo data (enough for the page walk's browser to give up), running them 0.3 s. Every
    statement of the page that reads the events (their count, the page's keys, the page's events) runs with
    JIT off."""
    settings_seen = []

    def note_jit(execute, sql, params, many, context):
        if "pgh_created_at" in sql:
            with context["connection"].connection.cursor() as cursor:  # the same session and transaction
                cursor.execute("SHOW jit")
                settings_seen.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    client.force_login(world.user("provincial_supervisor"))
    with connection.execute_wrapper(note_jit):
        page = client.get(reverse("audit-list"))
        filtered = client.get(reverse("audit-list"), {"model": "organisations.Organisation", "page": "1"})
    assert page.status_code == filtered.status_code == 200
    assert "永宁县人民医院" in page.content.decode()  # the events are on the page, read as before
    assert len(settings_seen) >= 6  # each page: the count, the page's keys, the page's events
    assert set(settings_seen) == {"off"}


def test_the_audit_trail_pages_every_event_once_newest_first(world):
    """The page's events are found by their time and key first, then read with their changes (a page costs
    what its own events cost): every event on exactly one page, newest first, across every event table, with
    its change as pghistory computes it."""
    from procurement.web.selectors import audit_events

    with audit_reason("更名"):
        Organisation.objects.filter(pk=world.hospital.pk).update(name="永宁县人民医院（新院区）")
    trail = audit_events()
    everything = {(event.pgh_model, event.pgh_id): event for event in Events.objects.all()}
    assert trail.count() == len(everything) > 20
    paged = [event for start in range(0, trail.count(), 7) for event in trail[start : start + 7]]
    assert sorted((event.pgh_model, event.pgh_id) for event in paged) == sorted(everything)
    # newest first; one transaction's events (a test is one) share its time: the later key first
    order = [(event.pgh_created_at, event.pgh_model, event.pgh_id) for event in paged]
    assert order == sorted(order, reverse=True)
    assert len({event.pgh_model for event in paged}) > 3
    renamed = next(event for event in paged if (event.pgh_context or {}).get("reason") == "更名")
    assert renamed.pgh_obj_id == str(world.hospital.pk) and renamed.pgh_context["reason"] == "更名"
    assert renamed.pgh_diff["name"] == [world.hospital.name, "永宁县人民医院（新院区）"]
    assert renamed.pgh_diff == everything[(renamed.pgh_model, renamed.pgh_id)].pgh_diff
    # a filter narrows it as the page's form does: one model, one object
    one = audit_events(model="organisations.Organisation", object_id=str(world.hospital.pk))
    assert [event.pgh_obj_id for event in one[0:50]] == [str(world.hospital.pk)] * one.count()
    assert audit_events(model="organisations.Organisation", object_id="not a key").count() == 0
