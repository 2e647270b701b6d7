"""Reads of supervision, each through ``visible_to`` (R-SUP-2: a city or county bureau reads its region)."""

from datetime import date

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as When_

from procurement.core.flags import Flag, flags_for
from procurement.core.scoping import visible_to
from procurement.organisations.models import User
from supervision.choices import CaseStatus
from supervision.models import Case, CaseEvidence, Interview


def overdue_q(today: date) -> Q:
    """R-SUP-5: rectifying past a final deadline (a provisional one makes nothing overdue: DOMAIN §2)."""
    return Q(
        status=CaseStatus.RECTIFYING,
        interview__deadline__lt=today,
        interview__deadline_provisional=False,
    )


def cases_for(user: User, today: date) -> QuerySet[Case]:
    """The cases ``user`` may see, each with ``overdue`` and ``has_evidence``, open ones first."""
    return (
        visible_to(user, Case)
        .select_related("subject", "subject__region", "interview", "opened_by", "closed_by")
        .annotate(
            overdue=When_(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()),
            has_evidence=Exists(CaseEvidence.objects.filter(case=OuterRef("pk"))),
        )
    )


def evidence_of(user: User, case: Case) -> QuerySet[CaseEvidence]:
    return visible_to(user, CaseEvidence).filter(case=case).select_related("uploaded_by")


def interview_of(user: User, case: Case) -> Interview | None:
    return visible_to(user, Interview).filter(case=case).select_related("recorded_by").first()


def open_case_keys(user: User) -> set[tuple[int, str, str]]:
    """(subject, flag, detail) of the cases still open: a flag with one shows it instead of "open a case"."""
    return set(visible_to(user, Case).exclude(status=CaseStatus.CLOSED).values_list("subject_id", "flag_key", "detail"))


def flags_with_cases(user: User, day: date, keys=None) -> list[tuple[Flag, bool]]:
    """Every flag the user sees today (the core's registry), and whether a case about it is open."""
    open_keys = open_case_keys(user)
    return [
        (flag, (flag.subject.pk, flag.key, flag.found.detail) in open_keys) for flag in flags_for(user, day, keys=keys)
    ]
