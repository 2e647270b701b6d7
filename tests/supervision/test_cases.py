"""Interview cases (R-SUP-5): from a flag → interview → working-day deadline → documents → conclusion,
every step in the audit trail with its actor; bureau-only and scoped by region (R-SUP-2)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.core.errors import Conflict, DomainError
from procurement.credit.choices import CreditEventKind, Severity
from procurement.credit.grades import standing_on
from procurement.credit.models import CreditEvent, CreditRepair
from supervision import selectors, services
from supervision.choices import CaseStatus
from supervision.models import Case

pytestmark = pytest.mark.django_db


def pdf(name="整改报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 rectification", content_type="application/pdf")


@pytest.fixture
def serious_event(world):
    """The distributor (银川市) failed to deliver: a serious credit event, flagged for supervision."""
    return CreditEvent.objects.create(
        organisation=world.distributor,
        kind=CreditEventKind.FAILURE_TO_SUPPLY,
        severity=Severity.SERIOUS,
        occurred_on=date(2026, 9, 1),
        description="急救药品配送超过48小时未到位",
    )


def test_the_deadline_counts_working_days_across_the_national_day_holiday(world, serious_event, set_policy):
    """R-SUP-5 + DOMAIN §2: 5 working days after Mon 28 Sep 2026 skip 1–7 Oct and count Sat 10 Oct (调休)."""
    # given a case opened on a credit flag and 5 working days to rectify
    set_policy("RECTIFICATION_WORKING_DAYS", 5)
    supervisor = world.user("provincial_supervisor")
    case = services.case_open_from_flag(
        actor=supervisor, flag_key="credit_event", subject_id=world.distributor.pk, day=date(2026, 9, 25)
    )
    # when the interview is held on 28 September
    interview = services.interview_record(
        actor=supervisor,
        case_id=case.pk,
        held_on=date(2026, 9, 28),
        place="医保局三楼会议室",
        attendees="医保局：王科长；企业：李经理",
        minutes="企业承认配送延误，承诺整改",
    )
    # then 29, 30 Sep, 8, 9 Oct and the make-up Saturday 10 Oct: due 10 October, not provisional
    assert (interview.deadline, interview.deadline_provisional) == (date(2026, 10, 10), False)
    # and the case is overdue from the day after, not on it
    assert not selectors.cases_for(supervisor, date(2026, 10, 10)).get(pk=case.pk).overdue
    assert selectors.cases_for(supervisor, date(2026, 10, 11)).get(pk=case.pk).overdue
    assert list(
        selectors.cases_for(supervisor, date(2026, 10, 11)).filter(selectors.overdue_q(date(2026, 10, 11)))
    ) == [case]


def test_the_whole_case_on_the_pages_with_the_audit_trail(world, client, serious_event):
    """R-SUP-5: the city bureau opens a case from the flag, records the interview, receives the report and
    accepts the rectification; each step is recorded with who did it."""
    city = world.user("city_bureau")
    client.force_login(city)
    # given the flag on the bureau's flag page
    page = client.get(reverse("supervision:flags"))
    assert world.distributor.name in page.content.decode()
    # when it opens a case from it
    response = client.post(
        reverse("supervision:case-open"), {"flag": "credit_event", "subject": world.distributor.pk, "detail": ""}
    )
    case = Case.objects.get()
    assert response.url == reverse("supervision:case-detail", args=[case.pk])
    assert case.explanation == "自 2026-09-01 起 1 次信用事件：信用等级“严重”，处置措施“信用警示，限制新增挂网和投标”"
    # and a second click opens no second case
    client.post(reverse("supervision:case-open"), {"flag": "credit_event", "subject": world.distributor.pk})
    assert Case.objects.count() == 1
    detail = reverse("supervision:case-detail", args=[case.pk])
    today = date.today().isoformat()
    client.post(
        detail,
        {
            "step": "interview",
            "interview-held_on": today,
            "interview-place": "医保局会议室",
            "interview-attendees": "王科长、李经理",
            "interview-minutes": "承诺整改",
        },
    )
    # a text file passed off as a PDF is refused; the real report is received
    refused = client.post(
        detail,
        {"step": "evidence", "evidence-file": SimpleUploadedFile("a.pdf", b"hello"), "evidence-received_on": today},
    )
    assert refused.context["evidence_form"].errors["file"]
    client.post(detail, {"step": "evidence", "evidence-file": pdf(), "evidence-received_on": today})
    client.post(detail, {"step": "close", "close-conclusion": "accepted", "close-note": "整改到位，同意结案"})
    case.refresh_from_db()
    assert (case.status, case.conclusion) == (CaseStatus.CLOSED, "accepted")
    assert case.evidence.count() == 1
    page = client.get(detail).content.decode()
    assert "整改到位，同意结案" in page and "整改报告.pdf" in page
    # then the audit trail names the city bureau's user for every step
    events = Case.pgh_event_model.objects.filter(pgh_obj=case).order_by("pgh_id")
    assert [e.status for e in events] == ["open", "rectifying", "closed"]
    assert {e.pgh_context["username"] for e in events} == {"city_bureau"}
    interview_event = case.interview.pgh_event_model.objects.get()
    assert interview_event.pgh_context["username"] == "city_bureau"
    # and the accepted rectification of a credit case repairs the grade after the set time (R-SUP-3)
    repair = CreditRepair.objects.get()
    assert repair.organisation == world.distributor and repair.grade == "serious"


def test_accepting_needs_a_document_and_steps_keep_their_order(world, serious_event):
    supervisor = world.user("provincial_supervisor")
    case = services.case_open_from_flag(
        actor=supervisor, flag_key="credit_event", subject_id=world.distributor.pk, day=date(2026, 9, 25)
    )
    with pytest.raises(Conflict):
        services.case_close(actor=supervisor, case_id=case.pk, conclusion="accepted", note="?")
    with pytest.raises(Conflict):
        services.evidence_add(actor=supervisor, case_id=case.pk, upload=pdf())
    services.interview_record(
        actor=supervisor, case_id=case.pk, held_on=date(2026, 9, 28), place="会议室", attendees="双方", minutes="记录"
    )
    with pytest.raises(DomainError) as refused:
        services.case_close(actor=supervisor, case_id=case.pk, conclusion="accepted", note="同意")
    assert refused.value.problems[0].code == "no_evidence"
    # not accepted needs no document; no repair follows
    services.case_close(actor=supervisor, case_id=case.pk, conclusion="not_accepted", note="整改不到位")
    assert not CreditRepair.objects.exists()


def test_cases_are_the_bureaus_and_its_regions_only(world, client, api_as, serious_event):
    """R-SUP-2: the county bureau of 永宁县 sees no case of a company of 银川市; a company none at all."""
    case = services.case_open_from_flag(
        actor=world.user("provincial_supervisor"),
        flag_key="credit_event",
        subject_id=world.distributor.pk,
        day=date(2026, 9, 25),
    )
    for name, seen in [("provincial_supervisor", True), ("city_bureau", True), ("county_bureau", False)]:
        client.force_login(world.user(name))
        assert (str(world.distributor) in client.get(reverse("supervision:case-list")).content.decode()) is seen
        assert client.get(reverse("supervision:case-detail", args=[case.pk])).status_code == (200 if seen else 404)
        api = api_as(world.user(name))
        assert api.get(f"/api/v1/supervision/cases/{case.pk}/").status_code == (200 if seen else 404)
        assert len(api.get("/api/v1/supervision/cases/").json()["results"]) == (1 if seen else 0)
    for name in ("distributor_clerk", "hospital_admin"):
        client.force_login(world.user(name))
        assert client.get(reverse("supervision:case-list")).status_code == 403
        assert api_as(world.user(name)).get("/api/v1/supervision/cases/").status_code == 403
    # and the county bureau cannot open a case on a flag it does not see
    with pytest.raises(DomainError):
        services.case_open_from_flag(
            actor=world.user("county_bureau"),
            flag_key="credit_event",
            subject_id=world.distributor.pk,
            day=date(2026, 9, 25),
        )


def test_the_case_through_the_api(world, api_as, serious_event):
    """R-SUP-5 over REST: flags, open, interview, evidence, close — errors in the one JSON shape."""
    api = api_as(world.user("provincial_supervisor"))
    flags = api.get("/api/v1/supervision/flags/").json()
    assert [(f["flag"], f["subject"], f["case_open"]) for f in flags] == [("credit_event", world.distributor.pk, False)]
    created = api.post("/api/v1/supervision/cases/", {"flag": "credit_event", "subject": world.distributor.pk})
    assert created.status_code == 201, created.json()
    case_id = created.json()["id"]
    again = api.post("/api/v1/supervision/cases/", {"flag": "credit_event", "subject": world.distributor.pk})
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "case_already_open"
    today = date.today().isoformat()
    answer = api.post(
        f"/api/v1/supervision/cases/{case_id}/interview/",
        {"held_on": today, "place": "会议室", "attendees": "双方", "minutes": "记录"},
    )
    assert answer.status_code == 200 and answer.json()["status"] == "rectifying"
    assert answer.json()["interview"]["deadline_working_days"] == 20
    answer = api.post(f"/api/v1/supervision/cases/{case_id}/evidence/", {"file": pdf()}, format="multipart")
    assert answer.status_code == 200 and len(answer.json()["evidence"]) == 1
    answer = api.post(f"/api/v1/supervision/cases/{case_id}/close/", {"conclusion": "accepted", "note": "合格"})
    assert answer.json()["conclusion"] == "accepted"
    assert api.get("/api/v1/supervision/flags/").json()[0]["case_open"] is False
    assert standing_on(world.distributor.pk, date.today()).grade == "serious"  # repaired only after the set time
