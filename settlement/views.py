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
from procurement.organisations.choices import OrganisationKind
from procurement.web.drill import drill_filter
from procurement.web.views import posted_id
from settlement import charts, selectors, services
from settlement.choices import PayableState


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
