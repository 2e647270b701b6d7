"""Pages of settlement: payables (a hospital's to pay, a distributor's receivables, a bureau's region's), paying
one in full or in part, receipts for the supplier to confirm, the bureau's on-time payment rates."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from procurement.core.errors import DomainError
from procurement.core.scoping import visible_to
from procurement.organisations.choices import OrganisationKind
from procurement.web.drill import drill_filter
from procurement.web.views import ScopedListView, posted_id
from settlement import charts, selectors, services
from settlement.choices import PayableState
from settlement.filters import BudgetAssessmentFilter, PaymentStandardFilter


def _sees_payables(user) -> bool:
    return user.is_superuser or user.kind in (
        OrganisationKind.HOSPITAL,
        OrganisationKind.DISTRIBUTOR,
        OrganisationKind.BUREAU,
    )


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def payable_list(request):
    """R-SET-1 / R-SET-5: payables, the soonest due first, with what is still owed and their state; a
    finance officer (or the fund) pays from here."""
    if not _sees_payables(request.user):
        raise DjangoPermissionDenied
    state = request.GET.get("state", "")
    if state not in PayableState.values:
        state = ""
    today = timezone.localdate()
    payables = selectors.payables_for(request.user, today=today, state=state)
    # R-SUP-1's drill-down: a hospital's (or a region's) payables falling due in one month.
    payables, drill = drill_filter(request, payables, date_field="due_on")
    page = Paginator(payables, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "settlement/payable_list.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "state": state,
            "states": PayableState.choices,
            "can_pay": services.can_pay_as_hospital(request.user) or services.can_pay_as_fund(request.user),
            "query_without_page": _query_without_page(request),
            "drill": drill,
        },
    )


@login_required
@require_POST
def payable_pay(request):
    """R-SET-2: pay a payable in full or in part; a refusal (overpayment, sub-fen amount) says why."""
    payable = get_object_or_404(
        selectors.payables_for(request.user, today=timezone.localdate()), pk=posted_id(request, "payable")
    )
    try:
        payment = services.payment_record(
            actor=request.user,
            payable_id=payable.pk,
            amount=request.POST.get("amount", "").strip().replace(",", ""),
            reference=request.POST.get("reference", ""),
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except DomainError as error:
        for problem in error.problems:
            messages.error(request, problem.message)
    else:
        messages.success(
            request,
            _("Paid %(amount)s to %(supplier)s.") % {"amount": payment.amount, "supplier": payable.distributor},
        )
    state = request.POST.get("state", "")
    return redirect(reverse("settlement:payables") + (f"?state={state}" if state in PayableState.values else ""))


@login_required
def receipts(request):
    """R-SET-2: payments made to the supplier — those to confirm first."""
    if not (request.user.is_superuser or request.user.kind == OrganisationKind.DISTRIBUTOR):
        raise DjangoPermissionDenied
    payments = selectors.payments_for(request.user).order_by("confirmed_at", "-recorded_at", "-id")
    page = Paginator(payments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "settlement/receipts.html",
        {"page_obj": page, "object_list": page.object_list, "can_confirm": services.can_confirm_receipt(request.user)},
    )


@login_required
@require_POST
def receipt_confirm(request):
    payment = get_object_or_404(selectors.payments_for(request.user), pk=posted_id(request, "payment"))
    try:
        services.payment_confirm(actor=request.user, payment_id=payment.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Receipt of %(amount)s confirmed.") % {"amount": payment.amount})
    return redirect("settlement:receipts")


@login_required
def payments(request):
    """R-SET-2: a hospital's (or a bureau's region's) payments, newest first."""
    if not _sees_payables(request.user):
        raise DjangoPermissionDenied
    page = Paginator(selectors.payments_for(request.user).order_by("-recorded_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "settlement/payments.html", {"page_obj": page, "object_list": page.object_list})


@login_required
def rates(request):
    """R-SET-5: the on-time payment rate by amount and by count, per region and per hospital, for the
    bureau (a city or county bureau: its region only) — from the month-end job's figures."""
    user = request.user
    if not (user.is_superuser or user.kind == OrganisationKind.BUREAU):
        raise DjangoPermissionDenied
    by_region = selectors.rates_by_region(user)
    by_hospital = selectors.rates_by_hospital(user)
    return render(
        request,
        "settlement/rates.html",
        {
            "by_region": by_region,
            "by_hospital": by_hospital,
            "region_chart": charts.bars(by_region),
            "prepayments": selectors.prepayments_for(user),
            "overdue": selectors.payables_for(user, today=timezone.localdate(), state=PayableState.OVERDUE).count(),
            "hundred": Decimal(100),
        },
    )


EXPORT_MAX_ROWS = 100_000


@login_required
def payable_export(request):
    """The payables page as Excel (the same state filter), at most ``EXPORT_MAX_ROWS`` rows, written a chunk
    at a time into a file on disk; every text cell through ``safe_row`` (never a formula)."""
    import tempfile

    from django.http import FileResponse
    from openpyxl import Workbook

    from procurement.core.exports import safe_row

    if not _sees_payables(request.user):
        raise DjangoPermissionDenied
    state = request.GET.get("state", "")
    if state not in PayableState.values:
        state = ""
    labels = dict(PayableState.choices)
    payables = selectors.payables_for(request.user, today=timezone.localdate(), state=state)[:EXPORT_MAX_ROWS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Payables"))
    sheet.append(
        safe_row(
            [
                _("medical institution"),
                _("supplier"),
                _("national drug code"),
                _("generic name"),
                _("accepted (packs)"),
                _("price per pack"),
                _("amount"),
                _("still owed"),
                _("accepted on"),
                _("due on"),
                _("settled on"),
                _("state"),
            ]
        )
    )
    for payable in payables.iterator(chunk_size=2000):
        sheet.append(
            safe_row(
                [
                    payable.hospital.name,
                    payable.distributor.name,
                    payable.product.code,
                    payable.product.generic_name,
                    payable.quantity,
                    payable.price,
                    payable.amount,
                    payable.balance,
                    payable.accepted_on,
                    payable.due_on,
                    payable.settled_on,
                    str(labels.get(payable.state, payable.state)),
                ]
            )
        )
    stream = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    workbook.save(stream)
    stream.seek(0)
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"payables-{timezone.localdate()}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# -- payment standards (R-SET-8): public ------------------------------------------------------------------


def _standards_year(request) -> int:
    """The year the page shows: the one asked for, else this year's standards, else the latest computed."""
    from settlement.models import PaymentStandard

    asked = request.GET.get("year", "")
    if asked.isascii() and asked.isdigit() and len(asked) == 4:
        return int(asked)
    this_year = timezone.localdate().year
    if PaymentStandard.objects.filter(year=this_year).exists():
        return this_year
    latest = PaymentStandard.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or this_year


class PublicStandardListView(ScopedListView):
    """医保支付标准 (R-SET-8): every product's payment standard of a year, public and searchable as the listed
    products are (names, strength, pinyin initials, code, manufacturer); the provincial bureau computes them
    from here."""

    filterset_class = PaymentStandardFilter
    template_name = "settlement/standard_list.html"

    def base_queryset(self):
        from settlement.models import PaymentStandard

        self.year = _standards_year(self.request)
        return PaymentStandard.objects.filter(year=self.year).select_related("product", "product__manufacturer")

    def get_context_data(self, **kwargs):
        from settlement.standards_service import can_compute_standards

        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            year=self.year,
            can_compute=can_compute_standards(self.request.user),
            compute_years=[today.year, today.year + 1],
        )
        return context


def standard_calculator(request):
    """R-SET-8: what the fund pays and what the patient pays of a price, under a product's standard — public.
    ``code`` (the product), ``price`` (per pack), ``packs`` and ``year``, all in the query."""
    from procurement.catalogue.models import Product
    from procurement.core.money import parse_price
    from settlement.standards_service import price_split, standard_in_force

    year = _standards_year(request)
    code = request.GET.get("code", "").strip().upper()[:23]
    context = {
        "year": year,
        "code": code,
        "price": request.GET.get("price", ""),
        "packs": request.GET.get("packs", "1"),
    }
    if code:
        product = visible_to(request.user, Product).filter(code=code).first()
        standard = standard_in_force(product, year) if product else None
        context.update(product=product, standard=standard)
        if standard is not None:
            try:
                price = parse_price(context["price"] or str(standard.source_price))
                packs_text = context["packs"].strip()
                packs = int(packs_text) if packs_text.isascii() and packs_text.isdigit() and len(packs_text) < 7 else 0
                split = price_split(standard, price, packs)
            except DomainError as error:
                context["error"] = error.message
            else:
                context.update(split=split, price_value=price, packs_value=packs, total=split.fund + split.patient)
    return render(request, "settlement/standard_calculator.html", context)


@login_required
@require_POST
def standards_compute(request):
    """R-SET-8: the provincial bureau computes (or recomputes) this year's or next year's standards."""
    from settlement.standards_service import payment_standards_compute

    year_text = request.POST.get("year", "")
    if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
        messages.error(request, _("Choose a year."))
        return redirect("standards:list")
    try:
        counts = payment_standards_compute(year=int(year_text), actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("standards:list")
    messages.success(
        request,
        _("%(count)s payment standards set for %(year)s (%(written)s changed).")
        % {"count": counts["standards"], "year": year_text, "written": counts["written"]},
    )
    return redirect(reverse("standards:list") + f"?year={year_text}")


def standards_export(request):
    """The public standards as Excel (the same filters), bounded and rate-limited as the public listings are."""
    import tempfile

    from django.conf import settings
    from django.http import FileResponse
    from openpyxl import Workbook

    from procurement.core.exports import safe_row
    from procurement.core.ratelimit import Rate, client_address, hit
    from procurement.web.errors import error_response

    if not request.user.is_authenticated:
        allowed, wait = hit("public-export", client_address(request), Rate.parse(settings.PUBLIC_EXPORT_RATE))
        if not allowed:
            response = error_response(request, 429)
            response["Retry-After"] = str(int(wait) + 1)
            return response
    view = PublicStandardListView()
    view.setup(request)
    rows = view.get_queryset()[: settings.PUBLIC_EXPORT_MAX_ROWS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Payment standards"))
    sheet.append(
        safe_row(
            [
                _("year"),
                _("national drug code"),
                _("generic name"),
                _("dosage form"),
                _("specification"),
                _("pack quantity"),
                _("manufacturer"),
                _("basis"),
                _("payment standard (per pack)"),
                _("per unit"),
                _("VBP standard (per pack)"),
                _("year of the convergence"),
                _("years to converge"),
            ]
        )
    )
    for row in rows.iterator(chunk_size=2000):
        sheet.append(
            safe_row(
                [
                    row.year,
                    row.product.code,
                    row.product.generic_name,
                    row.product.dosage_form,
                    row.product.specification,
                    row.product.pack_quantity,
                    row.product.manufacturer.name,
                    str(row.get_basis_display()),
                    row.standard,
                    row.unit_standard,
                    row.vbp_standard,
                    row.year_no,
                    row.convergence_years or None,
                ]
            )
        )
    stream = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    workbook.save(stream)
    stream.seek(0)
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"payment-standards-{view.year}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# -- savings retention and budget deductions (R-SET-6, R-SET-7) ------------------------------------------


class BudgetAssessmentListView(ScopedListView):
    """R-SET-6, R-SET-7: the year's assessments — savings retained or a deduction proposed, with the figures
    behind each — for the bureau (a city or county bureau: its region's hospitals) and each hospital (its own)."""

    filterset_class = BudgetAssessmentFilter
    template_name = "settlement/budgets.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not (user.is_superuser or user.kind in (OrganisationKind.BUREAU, OrganisationKind.HOSPITAL)):
            raise DjangoPermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        from settlement.models import BudgetAssessment

        return BudgetAssessment.objects.select_related("hospital", "hospital__region", "confirmed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            can_assess=services.can_assess_budgets(self.request.user),
            can_confirm=services.can_confirm_budgets(self.request.user),
            assess_years=[today.year - 1, today.year],
            this_year=today.year,
        )
        return context


@login_required
@require_POST
def budgets_compute(request):
    """R-SET-6, R-SET-7: the provincial bureau assesses a year (this year or last)."""
    year_text = request.POST.get("year", "")
    today = timezone.localdate()
    if not (year_text.isascii() and year_text.isdigit() and int(year_text) in (today.year - 1, today.year)):
        messages.error(request, _("Choose a year."))
        return redirect("settlement:budgets")
    try:
        counts = services.budget_assessments_compute(actor=request.user, year=int(year_text))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(count)s hospitals assessed (%(kept)s confirmed ones kept).")
            % {"count": counts["assessed"], "kept": counts["kept_confirmed"]},
        )
    return redirect(reverse("settlement:budgets") + f"?year={year_text}")


@login_required
@require_POST
def budget_confirm(request):
    """R-SET-6, R-SET-7: confirm one assessment (the bureau of the hospital's region)."""
    from settlement.models import BudgetAssessment

    assessment = get_object_or_404(visible_to(request.user, BudgetAssessment), pk=posted_id(request, "assessment"))
    try:
        services.budget_assessment_confirm(actor=request.user, assessment_id=assessment.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Confirmed for %(hospital)s.") % {"hospital": assessment.hospital})
    return redirect(reverse("settlement:budgets") + f"?year={assessment.year}")
