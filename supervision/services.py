"""Writes of supervision: interview cases (R-SUP-5) and the abnormal review list (R-SUP-4).

Each write: who may → the row locked through the actor's scope (a city or county bureau touches only its
region, R-SUP-2) → the transition allowed → the change, with the reason in the audit trail. Who acted is
the request's user (the audit middleware) or the job's name (``audit_actor``).
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.core.files import check_document
from procurement.core.flags import COMPANY, flag_of, flag_source
from procurement.core.policy import policy
from procurement.core.scoping import visible_to
from procurement.credit.grades import credit_repair_record
from procurement.organisations.choices import OrganisationKind, Role
from procurement.organisations.models import User
from procurement.workdays.services import add_working_days
from supervision.choices import CASE_TRANSITIONS, CaseStatus, Conclusion, ReviewStatus, SubjectKind
from supervision.models import Case, CaseEvidence, Interview

# Cases opened from these flags are about the company's credit: an accepted rectification repairs its grade.
CREDIT_FLAGS = ("credit_event",)


def can_supervise(user: User) -> bool:
    """Bureau supervisors of every level (each within its region) and the platform administrator."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.kind == OrganisationKind.BUREAU and user.has_role(Role.BUREAU_SUPERVISOR, Role.ORG_ADMIN)


def _require(actor: User) -> None:
    if not can_supervise(actor):
        raise PermissionDenied(_("Only the bureau's supervisors keep interview cases."), code="forbidden")


def _required(text: str, field: str) -> str:
    if not text or not str(text).strip():
        raise DomainError(_("This field is required."), code="required", field=field)
    return str(text).strip()


def _transition(case: Case, to_status: str) -> None:
    if to_status not in CASE_TRANSITIONS[CaseStatus(case.status)]:
        raise Conflict(
            _("A case that is “%(status)s” cannot become “%(to)s”.")
            % {"status": case.get_status_display(), "to": CaseStatus(to_status).label},
            code="invalid_transition",
            field="status",
            rule="R-SUP-5",
        )
    case.status = to_status


def _lock_case(actor: User, case_id: int) -> Case:
    case = visible_to(actor, Case, for_write=True).select_for_update().filter(pk=case_id).first()
    if case is None:
        raise DomainError(_("No such case."), code="not_found")
    return case


def _create_case(**values) -> Case:
    try:
        with transaction.atomic():
            return Case.objects.create(**values)
    except IntegrityError:
        raise Conflict(
            _("A case about this flag is already open for %(subject)s.") % {"subject": values["subject"]},
            code="case_already_open",
            rule="R-SUP-5",
        ) from None


def case_open_from_flag(*, actor: User, flag_key: str, subject_id: int, day: date, detail: str | None = None) -> Case:
    """R-SUP-5: open an interview case on a flag the actor sees today (from the core's flag registry), keeping
    its explanation and figures. A flag the actor does not see (another region, or no longer flagged) is
    not found."""
    _require(actor)
    try:
        source = flag_source(flag_key)
    except KeyError:
        raise DomainError(_("No such flag."), code="not_found", field="flag") from None
    flag = flag_of(actor, flag_key, subject_id, day, detail=detail)
    if flag is None:
        raise DomainError(
            _("%(subject)s is not flagged for “%(flag)s” on %(day)s.")
            % {"subject": subject_id, "flag": source.label, "day": day.isoformat()},
            code="not_flagged",
            field="flag",
            rule="R-SUP-5",
        )
    with transaction.atomic(), audit_reason(_("Interview case opened: %(flag)s") % {"flag": source.label}):
        return _create_case(
            subject=flag.subject,
            subject_kind=SubjectKind.COMPANY if source.subject == COMPANY else SubjectKind.HOSPITAL,
            flag_key=source.key,
            flag_label=str(source.label),
            rule=source.rule,
            detail=flag.found.detail,
            explanation=flag.explanation,
            figures=flag.figures,
            flag_day=day,
            opened_by=actor,
        )


def case_open_for_finding(
    *,
    actor: User | None,
    subject,
    subject_kind: str,
    key: str,
    label: str,
    rule: str,
    detail: str,
    explanation: str,
    figures: dict,
    day: date,
) -> Case:
    """R-SUP-5: open a case from supervision's own findings (an abnormal price or purchase, R-SUP-4)."""
    with transaction.atomic(), audit_reason(_("Interview case opened: %(flag)s") % {"flag": label}):
        return _create_case(
            subject=subject,
            subject_kind=subject_kind,
            flag_key=key,
            flag_label=label,
            rule=rule,
            detail=detail[:200],
            explanation=explanation,
            figures=figures,
            flag_day=day,
            opened_by=actor,
        )


def interview_record(
    *, actor: User, case_id: int, held_on: date, place: str, attendees: str, minutes: str
) -> Interview:
    """R-SUP-5: the interview held — when, where, who, the minutes — and the rectification deadline,
    RECTIFICATION_WORKING_DAYS working days after it (provisional where the year's calendar is not loaded)."""
    _require(actor)
    place, attendees, minutes = (
        _required(place, "place"),
        _required(attendees, "attendees"),
        _required(minutes, "minutes"),
    )
    if held_on > timezone.localdate():
        raise DomainError(_("The date is in the future."), code="invalid", field="held_on")
    with transaction.atomic():
        case = _lock_case(actor, case_id)
        if held_on < case.flag_day:
            raise DomainError(_("The interview cannot be before the flag."), code="invalid", field="held_on")
        _transition(case, CaseStatus.RECTIFYING)
        days = policy("RECTIFICATION_WORKING_DAYS")
        deadline = add_working_days(held_on, days)
        with audit_reason(_("Interview recorded; rectification due by %(day)s") % {"day": deadline.date.isoformat()}):
            interview = Interview.objects.create(
                case=case,
                held_on=held_on,
                place=place,
                attendees=attendees,
                minutes=minutes,
                recorded_by=actor,
                deadline_start=held_on,
                deadline_working_days=days,
                deadline=deadline.date,
                deadline_provisional=deadline.provisional,
            )
            case.save(update_fields=["status"])
    return interview


def evidence_add(*, actor: User, case_id: int, upload, note: str = "", received_on: date | None = None) -> CaseEvidence:
    """R-SUP-5: a rectification document received (a PDF or an image: ``core.files``), while rectifying."""
    _require(actor)
    if not upload:
        raise DomainError(_("Attach the document."), code="required", field="file")
    check_document(upload, field="file")
    received_on = received_on or timezone.localdate()
    with transaction.atomic():
        case = _lock_case(actor, case_id)
        if case.status != CaseStatus.RECTIFYING:
            raise Conflict(
                _("Documents are received after the interview and before the case is closed."),
                code="invalid_transition",
                field="file",
                rule="R-SUP-5",
            )
        with audit_reason(_("Rectification document received")):
            evidence = CaseEvidence(
                case=case,
                name=upload.name.rsplit("/", 1)[-1][:200],
                note=(note or "").strip()[:500],
                received_on=received_on,
                uploaded_by=actor,
            )
            evidence.file.save(upload.name, upload, save=False)
            evidence.save()
    return evidence


def case_close(*, actor: User, case_id: int, conclusion: str, note: str) -> Case:
    """R-SUP-5: close the case with its conclusion. Accepting needs a document received. An accepted
    rectification of a company's credit case repairs its grade after CREDIT_REPAIR_DAYS (R-SUP-3)."""
    _require(actor)
    if conclusion not in Conclusion.values:
        raise DomainError(_("Choose the conclusion."), code="invalid_choice", field="conclusion")
    note = _required(note, "note")
    today = timezone.localdate()
    with transaction.atomic():
        case = _lock_case(actor, case_id)
        _transition(case, CaseStatus.CLOSED)
        if conclusion == Conclusion.ACCEPTED and not case.evidence.exists():
            raise DomainError(
                _("A rectification is accepted on the documents received: none has been received."),
                code="no_evidence",
                field="conclusion",
                rule="R-SUP-5",
            )
        case.conclusion, case.closing_note, case.closed_on, case.closed_by = conclusion, note, today, actor
        with audit_reason(note, conclusion=conclusion):
            case.save(update_fields=["status", "conclusion", "closing_note", "closed_on", "closed_by"])
            if conclusion == Conclusion.ACCEPTED and case.flag_key in CREDIT_FLAGS:
                credit_repair_record(
                    organisation_id=case.subject_id,
                    accepted_on=today,
                    covers_until=case.flag_day,
                    source=f"supervision_case:{case.pk}",
                    actor=actor,
                )
    return case


# -- the abnormal review list (R-SUP-4) ---------------------------------------------------------------------


def _lock_item(actor: User, item_id: int):
    from supervision.models import AbnormalItem

    item = (
        visible_to(actor, AbnormalItem, for_write=True)
        .select_for_update(of=("self",))
        .select_related("subject", "product")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise DomainError(_("No such item."), code="not_found")
    if item.status != ReviewStatus.PENDING:
        raise Conflict(
            _("This item was already dealt with (%(status)s).") % {"status": item.get_status_display()},
            code="already_reviewed",
            rule="R-SUP-4",
        )
    return item


def abnormal_item_review(*, actor: User, item_id: int, note: str):
    """R-SUP-4: the bureau looked at the finding and saw nothing to pursue (saying why)."""
    _require(actor)
    note = _required(note, "note")
    with transaction.atomic():
        item = _lock_item(actor, item_id)
        item.status, item.reviewed_by, item.reviewed_at, item.review_note = (
            ReviewStatus.REVIEWED,
            actor,
            timezone.now(),
            note,
        )
        with audit_reason(note):
            item.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return item


def abnormal_item_open_case(*, actor: User, item_id: int) -> Case:
    """R-SUP-4 → R-SUP-5: open an interview case from a finding, keeping its explanation and figures."""
    _require(actor)
    with transaction.atomic():
        item = _lock_item(actor, item_id)
        case = case_open_for_finding(
            actor=actor,
            subject=item.subject,
            subject_kind=item.subject_kind,
            key=f"abnormal_{item.kind}",
            label=str(item.get_kind_display()),
            rule="R-SUP-4",
            detail=f"{item.product.code} {item.product.generic_name}",
            explanation=f"{item.product.generic_name} {item.product.specification}：{item.explanation}",
            figures={**item.figures, "product": item.product.code},
            day=timezone.localdate(),
        )
        item.status, item.reviewed_by, item.reviewed_at, item.case = (
            ReviewStatus.CASE_OPENED,
            actor,
            timezone.now(),
            case,
        )
        with audit_reason(_("Interview case opened")):
            item.save(update_fields=["status", "reviewed_by", "reviewed_at", "case"])
    return case


# -- stock reports (R-SUP-6) ----------------------------------------------------------------------------------


def can_report_stock(user: User) -> bool:
    return (
        user.is_authenticated
        and user.kind == OrganisationKind.DISTRIBUTOR
        and user.has_role(Role.DISTRIBUTOR_CLERK, Role.ORG_ADMIN)
    )


def stock_report_file(*, actor: User, product_code: str, month: date, stock_packs: int, note: str = ""):
    """R-SUP-6: a distributor files its stock of one product at the end of a month (again: corrected)."""
    from procurement.catalogue.selectors import product_by_code
    from supervision.models import StockReport

    if not can_report_stock(actor):
        raise PermissionDenied(_("Only a distributor's clerk reports its stock."), code="forbidden")
    product = product_by_code(product_code)
    if not isinstance(stock_packs, int) or isinstance(stock_packs, bool) or stock_packs < 0:
        raise DomainError(_("The stock is a whole number of packs, 0 or more."), code="invalid", field="stock_packs")
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise DomainError(_("The month is in the future."), code="invalid", field="month")
    with transaction.atomic(), audit_reason(_("Stock reported")):
        report, _created = StockReport.objects.update_or_create(
            distributor_id=actor.organisation_id,
            product=product,
            month=month,
            defaults={"stock_packs": stock_packs, "note": (note or "").strip()[:500], "reported_by": actor},
        )
    return report
