"""Pages of hospital negotiation: threads and their answers, requests, the manufacturer's Excel
answers, agreements with their zones and savings, the bureau's alerts with charts, R-NEG-7 flags."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from negotiation import charts, excel, selectors, services
from negotiation.choices import Party
from negotiation.forms import AnswerForm, RequestForm, ThreadFilter, UploadForm
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import product_search
from procurement.core.errors import DomainError
from procurement.core.money import format_yuan, parse_price
from procurement.core.policy import policy
from procurement.core.scoping import visible_to
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation
from procurement.web.views import apply_domain_error


def _require(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


def _is_bureau(user) -> bool:
    return user.is_superuser or user.kind == OrganisationKind.BUREAU


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
def thread_list(request):
    threads = selectors.threads_for(request.user)
    filters = ThreadFilter(request.GET or None)
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            threads = threads.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["q"]:
            threads = threads.filter(product__in=product_search(Product.objects.all(), filters.cleaned_data["q"]))
    return render(
        request,
        "negotiation/thread_list.html",
        {
            "filter": filters,
            "can_request": services.can_negotiate_for_hospital(request.user),
            "can_answer": services.can_answer_for_manufacturer(request.user),
            "awaiting": selectors.open_threads_awaiting(request.user).count(),
            **_page(request, threads),
        },
    )


@login_required
def thread_new(request):
    _require(services.can_negotiate_for_hospital(request.user))
    hospital = request.user.organisation
    initial = {}
    if request.GET.get("product"):
        initial["product"] = request.GET["product"]
    form = RequestForm(request.POST or None, hospital=hospital, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        product = Product.objects.filter(code=data["product"].strip()).first()
        if product is None:
            form.add_error("product", _("Unknown national drug code “%(code)s”.") % {"code": data["product"]})
        else:
            try:
                thread = services.negotiation_request(
                    actor=request.user,
                    request=services.Request(
                        product, data["price"], data["volume"], data["valid_months"], data["note"], data["group"]
                    ),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Your request was sent to %(maker)s.") % {"maker": thread.manufacturer})
                return redirect("negotiation:thread-detail", thread.pk)
    return render(request, "negotiation/thread_new.html", {"form": form})


@login_required
def thread_detail(request, pk):
    thread = get_object_or_404(selectors.threads_for(request.user), pk=pk)
    party = None
    if thread.manufacturer_id == request.user.organisation_id and services.can_answer_for_manufacturer(request.user):
        party = Party.MANUFACTURER
    elif thread.hospital_id == request.user.organisation_id and services.can_negotiate_for_hospital(request.user):
        party = Party.HOSPITAL
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "counter":
                services.offer_counter(
                    actor=request.user,
                    negotiation_id=thread.pk,
                    price=request.POST.get("price", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(
                    request,
                    _("Your counter-offer of %(price)s for %(product)s was sent to %(party)s.")
                    % {
                        "price": format_yuan(parse_price(request.POST.get("price", ""))),
                        "product": thread.product,
                        "party": thread.hospital if party == Party.MANUFACTURER else thread.manufacturer,
                    },
                )
            elif action == "accept":
                agreements = services.negotiation_accept(
                    actor=request.user, negotiation_id=thread.pk, note=request.POST.get("note", "")
                )
                messages.success(request, _("Agreed: %(n)d purchase agreement(s) in force.") % {"n": len(agreements)})
            elif action == "decline":
                services.negotiation_decline(
                    actor=request.user, negotiation_id=thread.pk, reason=request.POST.get("note", "")
                )
                messages.success(
                    request, _("The negotiation on %(product)s was declined.") % {"product": thread.product}
                )
            else:
                raise DjangoPermissionDenied
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("negotiation:thread-detail", thread.pk)
    return render(
        request,
        "negotiation/thread_detail.html",
        {
            "thread": thread,
            "offers": thread.offers.select_related("made_by"),
            "form": form,
            "my_turn": party is not None and thread.is_open and thread.turn == party,
            "rounds_left": max(0, policy("NEGOTIATION_MAX_ROUNDS") - thread.counter_rounds),
            "agreements": thread.agreements.select_related("hospital"),
        },
    )


@login_required
def answers_excel(request):
    """The manufacturer's requests awaiting an answer as Excel; a filled sheet answers them all or none."""
    _require(services.can_answer_for_manufacturer(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = excel.import_answers(actor=request.user, stream=form.cleaned_data["file"])
        except DomainError as error:
            return render(
                request, "negotiation/answers_excel.html", {"form": form, "problems": error.problems}, status=400
            )
        messages.success(request, _("%(n)d answers recorded.") % {"n": count})
        return redirect("negotiation:thread-list")
    if request.GET.get("download"):
        threads = list(selectors.open_threads_awaiting(request.user).order_by("created_at"))
        response = HttpResponse(
            excel.answers_workbook(threads),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="negotiations-{timezone.localdate():%Y%m%d}.xlsx"'
        return response
    return render(request, "negotiation/answers_excel.html", {"form": form})


@login_required
def agreement_list(request):
    agreements = selectors.agreements_for(request.user)
    if request.GET.get("zone"):
        agreements = agreements.filter(zoning__zone=request.GET["zone"])
    page = _page(request, agreements)
    return render(
        request,
        "negotiation/agreement_list.html",
        {
            "total_saving": selectors.total_saving(agreements),
            "distribution_links": selectors.may_see_product_distribution(request.user),
            **page,
        },
    )


@login_required
def alerts(request):
    """Bureau staff (a city or county bureau: its region's): the red / yellow / blue shares over time;
    zones by product (searchable), hospital or region (with city subtotals, the total and shares)."""
    _require(_is_bureau(request.user))
    by = request.GET.get("by", "product")
    search = request.GET.get("q", "")[:100]
    context = {
        "by": by,
        "search": search,
        "zone_shares": charts.zone_shares(selectors.zone_share_series(request.user)),
    }
    if by == "region":
        context["regions"] = selectors.zones_by_region_with_totals(request.user)
    elif by == "hospital":
        context.update(_page(request, selectors.zones_by_hospital(request.user)))
    else:
        by = context["by"] = "product"
        context.update(_page(request, selectors.zones_by_product(request.user, search)))
    return render(request, "negotiation/alerts.html", context)


@login_required
def product_alerts(request, product_id):
    """One product: every hospital's agreed unit price, a marked hospital's peer lines."""
    product = get_object_or_404(Product, pk=product_id)
    marked = request.GET.get("hospital")
    marked_id = int(marked) if marked and marked.isdigit() else None
    _require(selectors.may_see_product_distribution(request.user))
    if request.user.kind == OrganisationKind.HOSPITAL:
        marked_id = request.user.organisation_id  # a hospital sees itself among anonymous peers
    found = selectors.product_distribution(request.user, product.pk, marked_id)
    own = found.own
    lines = [(_("national lowest"), found.national_lowest, charts.ZONE_COLOURS["red"])]
    if own is not None:
        lines += [
            (_("peers' lowest"), own.peer_lowest, charts.ZONE_COLOURS["blue"]),
            (_("peers' median"), own.peer_yellow_line, charts.ZONE_COLOURS["yellow"]),
            (_("peers' 75th percentile"), own.peer_red_line, charts.ZONE_COLOURS["red"]),
        ]
    zonings = (
        selectors.zonings_for(request.user)
        .filter(agreement__product=product)
        .select_related("hospital")
        .order_by("-unit_price")
    )
    return render(
        request,
        "negotiation/product_alerts.html",
        {
            "product": product,
            "chart": charts.distribution(found.points, lines),
            "own": own,
            "zonings": zonings,
            "hospitals": visible_to(request.user, Organisation).filter(pk__in=[z.hospital_id for z in zonings])
            if _is_bureau(request.user)
            else [],
            "marked_id": marked_id,
        },
    )


@login_required
def hospital_alerts(request, hospital_id):
    _require(_is_bureau(request.user) or request.user.organisation_id == hospital_id)
    hospital = get_object_or_404(visible_to(request.user, Organisation), pk=hospital_id)
    zonings = (
        selectors.zonings_for(request.user)
        .filter(agreement__hospital=hospital)
        .select_related("product")
        .order_by("zone", "-unit_price")
    )
    return render(
        request,
        "negotiation/hospital_alerts.html",
        {
            "hospital": hospital,
            "is_bureau": _is_bureau(request.user),  # only they may open the province's alerts (issue 12)
            "zonings": zonings,
            "zone_shares": charts.zone_shares(selectors.zone_share_series(request.user, hospital.pk)),
        },
    )


@login_required
def flag_list(request):
    _require(_is_bureau(request.user))
    return render(request, "negotiation/flags.html", {"flags": selectors.flags(request.user)})


@login_required
@require_POST
def rezone(request):
    """Bureau: run the zoning now (it also runs every night)."""
    _require(request.user.is_superuser or request.user.is_provincial_bureau)
    from procurement.core.jobs import run_job

    run = run_job("zone_agreements", triggered_by=request.user.username)
    counts = {"zoned": 0, "changed": 0, "removed": 0, **(run.counts or {})}
    messages.success(
        request, _("Zoning done: %(zoned)d agreements zoned, %(changed)d changed, %(removed)d left.") % counts
    )
    return redirect("negotiation:alerts")
