"""Pages of filed purchases: the hospital files and follows its filings; the provincial bureau confirms the
month's batch; bureau staff read warnings and the monthly report per region (on screen, with a chart, and
as Excel)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from filings import charts, report, selectors, services
from filings.forms import FilingFilter, FilingForm
from filings.models import FilingBatch
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import product_search
from procurement.core.errors import DomainError
from procurement.core.policy import policy
from procurement.core.scoping import visible_to
from procurement.organisations.choices import OrganisationKind
from procurement.web.drill import drill_filter
from procurement.web.views import apply_domain_error


def _require(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


def is_bureau(user) -> bool:
    return user.is_superuser or user.kind == OrganisationKind.BUREAU


def sees_filings(user) -> bool:
    return services.can_file(user) or is_bureau(user) or user.kind == OrganisationKind.HOSPITAL


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


@login_required
def filing_list(request):
    _require(sees_filings(request.user))
    filings = selectors.filings_for(request.user)
    filters = FilingFilter(request.GET or None)
    if filters.is_valid():
        values = filters.cleaned_data
        if values["status"]:
            filings = filings.filter(status=values["status"])
        if values["flagged"]:
            filings = filings.filter(follow_up_flagged_on__isnull=False)
        if values["q"]:
            filings = filings.filter(product__in=product_search(Product.objects.all(), values["q"]))
    # R-SUP-1's drill-down: a hospital's (or a region's) filings flagged in one month.
    filings, drill = drill_filter(request, filings, date_field="follow_up_flagged_on")
    today = timezone.localdate()
    return render(
        request,
        "filings/filing_list.html",
        {
            "filter": filters,
            "can_file": services.can_file(request.user),
            "can_confirm": services.can_confirm(request.user),
            "pending": services.pending_filings(request.user).count() if services.can_confirm(request.user) else 0,
            "warnings": selectors.current_warnings_for(request.user, today),
            "is_bureau": is_bureau(request.user),
            "drill": drill,
            **_page(request, filings),
        },
    )


@login_required
def filing_new(request):
    _require(services.can_file(request.user))
    initial = {"product": request.GET["product"]} if request.GET.get("product") else {}
    form = FilingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        product = Product.objects.select_related("manufacturer").filter(code=data["product"].strip()).first()
        if product is None:
            form.add_error("product", _("Unknown national drug code “%(code)s”.") % {"code": data["product"]})
        else:
            try:
                filing = services.filing_submit(
                    actor=request.user,
                    request=services.FilingRequest(
                        product=product,
                        basis=data["basis"],
                        reason=data["reason"],
                        quantity=data["quantity"],
                        months=data["months"],
                        price=data["price"],
                        documents=data["documents"],
                    ),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("Filed: #%(id)d waits for the bureau's monthly confirmation.") % {"id": filing.pk},
                )
                return redirect("filings:filing-detail", filing.pk)
    return render(request, "filings/filing_new.html", {"form": form, "max_months": policy("FILING_MAX_MONTHS")})


@login_required
def filing_detail(request, pk):
    filing = get_object_or_404(selectors.filings_for(request.user), pk=pk)
    return render(
        request,
        "filings/filing_detail.html",
        {
            "filing": filing,
            "documents": selectors.documents_of(request.user, filing),
            "follow_up_days": policy("FILING_FOLLOW_UP_DAYS"),
        },
    )


@login_required
def document(request, pk, document_pk):
    filing = get_object_or_404(selectors.filings_for(request.user), pk=pk)
    found = get_object_or_404(selectors.documents_of(request.user, filing), pk=document_pk)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)


@login_required
def batch(request):
    """R-FIL-3: the month's batch — every filing waiting, approved or rejected with a reason, confirmed at once."""
    _require(services.can_confirm(request.user))
    pending = list(services.pending_filings(request.user))
    problems: dict[int, list[str]] = {}
    general: list[str] = []
    if request.method == "POST":
        decisions = []
        for filing in pending:
            choice = request.POST.get(f"decision-{filing.pk}", "")
            if choice in ("approve", "reject"):
                decisions.append(
                    services.Decision(filing.pk, choice == "approve", request.POST.get(f"reason-{filing.pk}", ""))
                )
        try:
            confirmed = services.filing_batch_confirm(
                actor=request.user, decisions=decisions, note=request.POST.get("note", "")
            )
        except DomainError as error:
            for problem in error.problems:
                filing_id = problem.params.get("filing")
                (problems.setdefault(filing_id, []) if filing_id else general).append(problem.message)
        else:
            messages.success(
                request,
                _("The batch of %(month)s is confirmed: %(approved)d approved, %(rejected)d rejected.")
                % {"month": f"{confirmed.month:%Y-%m}", "approved": confirmed.approved, "rejected": confirmed.rejected},
            )
            return redirect("filings:batch")
    rows = [
        {
            "filing": filing,
            "choice": request.POST.get(f"decision-{filing.pk}", ""),
            "reason": request.POST.get(f"reason-{filing.pk}", ""),
            "problems": problems.get(filing.pk, []),
            "own": filing.hospital_id == request.user.organisation_id,
        }
        for filing in pending
    ]
    today = timezone.localdate()
    done = visible_to(request.user, FilingBatch).filter(month=services.month_of(today)).first()
    return render(
        request,
        "filings/batch.html",
        {"rows": rows, "general": general, "done": done, "month": services.month_of(today)},
        status=400 if (problems or general) else 200,
    )


@login_required
def warnings(request):
    """R-FIL-5: hospitals over their warning line (a hospital sees its own)."""
    _require(sees_filings(request.user))
    return render(
        request,
        "filings/warnings.html",
        {
            "line_month": policy("FILING_WARNING_LINE_MONTH"),
            "line_year": policy("FILING_WARNING_LINE_YEAR"),
            **_page(request, selectors.warnings_for(request.user)),
        },
    )


def _month(text: str | None) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@login_required
def monthly_report(request):
    """事后通报: the month's filings per region (R-SUP-2: a city or county bureau sees its region only)."""
    _require(is_bureau(request.user))
    month = _month(request.GET.get("month"))
    found = selectors.monthly_report(request.user, month)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            report.workbook(found), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="filings-{month:%Y-%m}.xlsx"'
        return response
    return render(
        request,
        "filings/report.html",
        {"report": found, "month_value": f"{month:%Y-%m}", "chart": charts.report_chart(found)},
    )
