"""Pages of supervision for bureau staff: the flags of every channel (from the core's registry), interview
cases (R-SUP-5), the abnormal price and purchase review list (R-SUP-4), supply (R-SUP-6).
Each view: who may → scoped fetch → form → one service → render."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from procurement.core.errors import DomainError
from procurement.core.flags import flag_sources
from procurement.web.views import apply_domain_error, posted_id
from supervision import selectors, services
from supervision.filters import CaseFilter
from supervision.forms import CloseForm, EvidenceForm, InterviewForm


def _require(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


def _page(request, items, size=50):
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(items, size).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "object_list": page.object_list,
        "is_paginated": page.has_other_pages(),
        "query_without_page": query.urlencode(),
    }


def _error_message(request, error: DomainError) -> None:
    for problem in error.problems:
        messages.error(request, problem.message)


@login_required
def flag_list(request):
    """R-SUP-5: every flag of every channel the bureau sees today, each with its explanation and a button to
    open an interview case (or a link to the case already open)."""
    _require(services.can_supervise(request.user))
    today = timezone.localdate()
    wanted = request.GET.get("flag", "")
    search = request.GET.get("q", "").strip()
    rows = selectors.flags_with_cases(request.user, today, keys=[wanted] if wanted else None)
    if search:
        rows = [(flag, has_case) for flag, has_case in rows if search in flag.subject.name]
    return render(
        request,
        "supervision/flag_list.html",
        {"sources": flag_sources(), "flag": wanted, "q": search, "today": today, **_page(request, rows)},
    )


@login_required
def case_open(request):
    """Open a case from a flag (POST: flag, subject, detail)."""
    _require(services.can_supervise(request.user))
    if request.method != "POST":
        return redirect("supervision:flags")
    try:
        case = services.case_open_from_flag(
            actor=request.user,
            flag_key=request.POST.get("flag", ""),
            subject_id=posted_id(request, "subject"),
            day=timezone.localdate(),
            detail=request.POST.get("detail", ""),
        )
    except DomainError as error:
        _error_message(request, error)
        return redirect("supervision:flags")
    messages.success(request, _("Interview case opened: %(case)s") % {"case": case})
    return redirect("supervision:case-detail", pk=case.pk)


@login_required
def case_list(request):
    """R-SUP-5: the cases of the bureau's region, overdue ones marked; filters, search, pages."""
    _require(services.can_supervise(request.user))
    today = timezone.localdate()
    cases = selectors.cases_for(request.user, today).order_by("status", "-overdue", "-opened_at", "-id")
    filters = CaseFilter(request.GET or None, queryset=cases, request=request)
    if filters.is_bound and filters.is_valid():
        cases = filters.qs
    overdue = selectors.cases_for(request.user, today).filter(selectors.overdue_q(today)).count()
    return render(
        request,
        "supervision/case_list.html",
        {"filter": filters, "overdue_count": overdue, "today": today, **_page(request, cases)},
    )


@login_required
def case_detail(request, pk):
    """One case: the flag as it read, the interview and its deadline, the documents, the conclusion; the
    form of the next step."""
    _require(services.can_supervise(request.user))
    today = timezone.localdate()
    case = get_object_or_404(selectors.cases_for(request.user, today), pk=pk)
    interview_form = InterviewForm(request.POST or None, prefix="interview")
    evidence_form = EvidenceForm(request.POST or None, request.FILES or None, prefix="evidence")
    close_form = CloseForm(request.POST or None, prefix="close")
    if request.method == "POST":
        step = request.POST.get("step")
        form = {"interview": interview_form, "evidence": evidence_form, "close": close_form}.get(step)
        if form is None:
            raise Http404
        if form.is_valid():
            values = form.cleaned_data
            try:
                if step == "interview":
                    services.interview_record(actor=request.user, case_id=case.pk, **values)
                    messages.success(request, _("Interview recorded."))
                elif step == "evidence":
                    services.evidence_add(
                        actor=request.user,
                        case_id=case.pk,
                        upload=values["file"],
                        note=values["note"],
                        received_on=values["received_on"],
                    )
                    messages.success(request, _("Document received."))
                else:
                    services.case_close(
                        actor=request.user, case_id=case.pk, conclusion=values["conclusion"], note=values["note"]
                    )
                    messages.success(request, _("Case closed."))
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                return redirect("supervision:case-detail", pk=case.pk)
    return render(
        request,
        "supervision/case_detail.html",
        {
            "case": case,
            "interview": selectors.interview_of(request.user, case),
            "evidence": selectors.evidence_of(request.user, case),
            "interview_form": interview_form,
            "evidence_form": evidence_form,
            "close_form": close_form,
            "today": today,
        },
    )


@login_required
def case_evidence(request, pk, evidence_pk):
    _require(services.can_supervise(request.user))
    case = get_object_or_404(selectors.cases_for(request.user, timezone.localdate()), pk=pk)
    document = get_object_or_404(selectors.evidence_of(request.user, case), pk=evidence_pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


def _day(request):
    return parse_date(request.GET.get("day", "") or "") or timezone.localdate()


# -- abnormal prices and purchases (R-SUP-4) -----------------------------------------------------------------


def _filtered_items(request):
    from supervision.filters import ReviewFilter

    items = selectors.abnormal_items_for(request.user).order_by("status", "-detected_on", "kind", "id")
    filters = ReviewFilter(request.GET or None, queryset=items, request=request)
    if filters.is_bound and filters.is_valid():
        items = filters.qs
    return filters, items


@login_required
def abnormal_list(request):
    """R-SUP-4: the findings of the nightly detection to review, each explained with its figures."""
    _require(services.can_supervise(request.user))
    filters, items = _filtered_items(request)
    return render(request, "supervision/abnormal_list.html", {"filter": filters, **_page(request, items)})


@login_required
def abnormal_action(request, pk):
    """Mark a finding reviewed (with a note) or open an interview case from it."""
    _require(services.can_supervise(request.user))
    if request.method != "POST":
        return redirect("supervision:abnormal-list")
    try:
        if request.POST.get("action") == "case":
            case = services.abnormal_item_open_case(actor=request.user, item_id=pk)
            messages.success(request, _("Interview case opened: %(case)s") % {"case": case})
            return redirect("supervision:case-detail", pk=case.pk)
        services.abnormal_item_review(actor=request.user, item_id=pk, note=request.POST.get("note", ""))
        messages.success(request, _("Marked reviewed."))
    except DomainError as error:
        _error_message(request, error)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "supervision:abnormal-list"
    return redirect(target or "supervision:abnormal-list")


@login_required
def abnormal_export(request):
    """The review list as Excel (the same filters); text cells never formulas."""
    import tempfile

    from openpyxl import Workbook

    from procurement.core.exports import safe_row

    _require(services.can_supervise(request.user))
    _filters, items = _filtered_items(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Abnormal prices and purchases"))
    sheet.append(
        safe_row(
            [
                _("detected on"),
                _("kind"),
                _("subject"),
                _("national drug code"),
                _("generic name"),
                _("why"),
                _("status"),
            ]
        )
    )
    for item in items[:10000]:
        sheet.append(
            safe_row(
                [
                    item.detected_on,
                    str(item.get_kind_display()),
                    item.subject.name,
                    item.product.code,
                    item.product.generic_name,
                    item.explanation,
                    str(item.get_status_display()),
                ]
            )
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename="abnormal.xlsx")


# -- supply (R-SUP-6) ----------------------------------------------------------------------------------------


def _month(request):
    text = request.GET.get("month", "")
    parsed = parse_date(f"{text}-01") if len(text) == 7 else None
    today = timezone.localdate()
    return (parsed or today).replace(day=1)


def _next_month(month):
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


@login_required
def supply(request):
    """R-SUP-6: per distributor, the month's fulfilment rate (配送到位率) with its figures, the median hours to
    shipment and to acceptance, and the stock reports; a distributor reads its own and files its stock."""
    from procurement.core.policy import policy
    from supervision.forms import StockReportForm

    user = request.user
    _require(services.can_supervise(user) or user.is_superuser or user.kind in ("bureau", "distributor"))
    form = StockReportForm(request.POST or None) if services.can_report_stock(user) else None
    if request.method == "POST":
        _require(form is not None)
        if form.is_valid():
            try:
                services.stock_report_file(actor=user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Stock reported."))
                return redirect(request.get_full_path())
    month = _month(request)
    hours = policy("SUPPLY_DELIVERY_HOURS")
    return render(
        request,
        "supervision/supply.html",
        {
            "month": month,
            "hours": hours,
            "rows": selectors.supply_by_distributor(user, month, _next_month(month), hours),
            "stock": selectors.stock_reports_for(user).filter(month=month)[:500],
            "form": form,
        },
    )
