"""Pages of volume-based procurement: rounds (the bureau's console, the companies' bids), units with their
demand, bases, allocations and results, contracts with their completion, the public results page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from procurement.core.errors import DomainError
from procurement.core.scoping import visible_to
from procurement.organisations.choices import OrganisationKind
from procurement.web.drill import drill_filter
from procurement.web.views import apply_domain_error
from vbp import charts, excel, selectors, services
from vbp.choices import RoundKind, RoundStatus
from vbp.forms import BidForm, DemandForm, NationalImportForm, RoundForm, SupplyForm, UnitForm, UploadForm
from vbp.models import BidResult, Round, ShortageWarning, SupplyReport, Winner


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
def round_list(request):
    return render(
        request,
        "vbp/round_list.html",
        {"can_run": services.can_run_rounds(request.user), **_page(request, selectors.rounds_for(request.user))},
    )


@login_required
def round_new(request):
    _require(services.can_run_rounds(request.user))
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Round defined: add its competition units."))
            return redirect("vbp:round-detail", round_.pk)
    return render(request, "vbp/round_new.html", {"form": form})


@login_required
def national_import(request):
    _require(services.can_run_rounds(request.user))
    form = NationalImportForm(request.POST or None, request.FILES or None)
    if request.GET.get("template"):
        response = HttpResponse(
            excel.national_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="vbp-national-template.xlsx"'
        return response
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            round_ = services.national_results_import(
                actor=request.user, name=form.cleaned_data["name"], upload=upload, original_name=upload.name
            )
        except DomainError as error:
            if all(problem.field == "file" for problem in error.problems):
                return render(
                    request, "vbp/national_import.html", {"form": form, "problems": error.problems}, status=400
                )
            apply_domain_error(form, error)
        else:
            messages.success(request, _("National results imported: the winners are listed at their winning price."))
            return redirect("vbp:round-detail", round_.pk)
    return render(request, "vbp/national_import.html", {"form": form})


@login_required
def round_detail(request, pk):
    round_ = get_object_or_404(selectors.rounds_for(request.user), pk=pk)
    user = request.user
    can_run = services.can_run_rounds(user)
    unit_form = UnitForm(request.POST if request.POST.get("action") == "unit" else None)
    if request.method == "POST":
        _require(can_run)
        action = request.POST.get("action")
        try:
            if action == "unit" and unit_form.is_valid():
                services.unit_add(actor=user, round_id=round_.pk, **unit_form.cleaned_data)
                messages.success(request, _("Competition unit added."))
                return redirect("vbp:round-detail", round_.pk)
            if action == "bidding":
                services.round_start_bidding(actor=user, round_id=round_.pk)
                messages.success(request, _("The round is open for sealed bids."))
                return redirect("vbp:round-detail", round_.pk)
            if action == "open":
                services.round_open(actor=user, round_id=round_.pk)
                messages.success(request, _("The round is opened: its results are public."))
                return redirect("vbp:round-detail", round_.pk)
        except DomainError as error:
            if action == "unit":
                apply_domain_error(unit_form, error)
            else:
                messages.error(request, error.message)
    units = selectors.units_for(user).filter(round=round_).prefetch_related("winners__manufacturer", "winners__product")
    own = {}
    if services.can_bid(user):
        own = {bid.unit_id: bid for bid in selectors.own_bids(user).filter(unit__round=round_)}
    return render(
        request,
        "vbp/round_detail.html",
        {
            "round": round_,
            "units": [(unit, own.get(unit.pk)) for unit in units],
            "can_run": can_run,
            "can_bid": services.can_bid(user) and round_.status == RoundStatus.BIDDING,
            "unit_form": unit_form,
            "bid_form": BidForm(),
            "openable": round_.status == RoundStatus.BIDDING and round_.opening_at <= timezone.now(),
        },
    )


@login_required
@require_POST
def bid_submit(request, unit_id):
    unit = get_object_or_404(selectors.units_for(request.user), pk=unit_id)
    _require(services.can_bid(request.user))
    form = BidForm(request.POST)
    if form.is_valid():
        try:
            bid = services.bid_submit(actor=request.user, unit_id=unit.pk, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Your bid is sealed until the opening. Receipt: %(receipt)s") % {"receipt": bid.receipt[:16]}
            )
    else:
        messages.error(request, _("Give your product's code and a price."))
    return redirect("vbp:round-detail", unit.round_id)


@login_required
def bids(request):
    """A company's own sealed bids — receipts, no prices — and the Excel sheet to bid many at once."""
    _require(services.can_bid(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = excel.import_bids(actor=request.user, stream=form.cleaned_data["file"])
        except DomainError as error:
            return render(
                request,
                "vbp/bids.html",
                {"form": form, "problems": error.problems, "bids": selectors.own_bids(request.user)},
                status=400,
            )
        messages.success(request, _("%(n)d bids sealed.") % {"n": count})
        return redirect("vbp:bids")
    if request.GET.get("download"):
        units = selectors.units_for(request.user).filter(
            round__status=RoundStatus.BIDDING, round__bid_deadline__gt=timezone.now()
        )
        response = HttpResponse(
            excel.bids_template(units), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="vbp-bids.xlsx"'
        return response
    return render(request, "vbp/bids.html", {"form": form, "bids": selectors.own_bids(request.user)})


@login_required
def unit_detail(request, pk):
    unit = get_object_or_404(selectors.units_for(request.user), pk=pk)
    user = request.user
    demand_form = DemandForm(request.POST if request.POST.get("action") == "demand" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "demand" and demand_form.is_valid():
                services.demand_report(actor=user, unit_id=unit.pk, **demand_form.cleaned_data)
                messages.success(request, _("Your demand is reported."))
                return redirect("vbp:unit-detail", unit.pk)
            if action == "base":
                demand = get_object_or_404(selectors.demands_for(user), pk=request.POST.get("demand") or 0, unit=unit)
                services.demand_base_set(
                    actor=user,
                    demand_id=demand.pk,
                    base_units=_int(request.POST.get("base_units")),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Base set."))
                return redirect("vbp:unit-detail", unit.pk)
            if action == "allocate":
                services.unit_allocate(actor=user, unit_id=unit.pk)
                messages.success(request, _("Volumes allocated and contracts made."))
                return redirect("vbp:unit-detail", unit.pk)
            if action == "confirm":
                allocation = get_object_or_404(
                    selectors.allocations_for(user), pk=request.POST.get("allocation") or 0, unit=unit
                )
                services.allocation_confirm(actor=user, allocation_id=allocation.pk)
                messages.success(request, _("Your share is confirmed."))
                return redirect("vbp:unit-detail", unit.pk)
        except DomainError as error:
            if action == "demand":
                apply_domain_error(demand_form, error)
            else:
                messages.error(request, error.message)
    return render(
        request,
        "vbp/unit_detail.html",
        {
            "unit": unit,
            "winners": unit.winners.select_related("manufacturer", "product"),
            "results": selectors.results_for(user, unit),
            "demands": selectors.demands_for(user).filter(unit=unit),
            "allocations": selectors.allocations_for(user).filter(unit=unit),
            "can_report": services.can_report_volumes(user) and not unit.allocations.exists(),
            "can_run": services.can_run_rounds(user),
            "can_confirm": services.can_report_volumes(user),
            "demand_form": demand_form,
            "today": timezone.localdate(),
        },
    )


def _int(text):
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return -1


@login_required
def contract_list(request):
    contracts = selectors.contracts_for(request.user)
    if request.GET.get("behind"):
        contracts = contracts.filter(progress__behind=True)
    # R-SUP-1's drill-down: a hospital's (or a region's) contracts.
    contracts, drill = drill_filter(request, contracts)
    return render(request, "vbp/contract_list.html", {**_page(request, contracts), "drill": drill})


@login_required
def contract_detail(request, pk):
    contract = get_object_or_404(selectors.contracts_for(request.user), pk=pk)
    progress = getattr(contract, "progress", None)
    chart = None
    if progress is not None:
        months = selectors.contract_months(contract, progress.year_start, progress.year_end)
        chart = charts.progress_chart(
            contract.volume_units, progress.year_start, progress.year_end, months, timezone.localdate()
        )
    return render(request, "vbp/contract_detail.html", {"contract": contract, "progress": progress, "chart": chart})


@login_required
def completion(request):
    """R-VBP-5 for bureau staff: completion by hospital and by region, the hospitals behind pace first."""
    _require(_is_bureau(request.user))
    by_region = selectors.completion_by_region(request.user)
    return render(
        request,
        "vbp/completion.html",
        {
            "by_region": by_region,
            "chart": charts.completion_bars(by_region),
            "unconfirmed": selectors.unconfirmed_past_deadline(request.user),
            **_page(request, selectors.completion_by_hospital(request.user)),
        },
    )


def public_results(request):
    """R-VBP-9: the opened rounds' results, for anyone (信息公开)."""
    rounds = visible_to(None, Round).filter(status=RoundStatus.OPENED).prefetch_related("units")
    return render(request, "vbp/public_results.html", _page(request, rounds, 10))


def public_contracts(request):
    """R-VBP-4, R-SUP-7: each hospital's VBP contract, for anyone (信息公开): searched and paged in SQL."""
    query = request.GET.get("q", "").strip()
    contracts = selectors.published_contracts(query)
    return render(request, "vbp/public_contracts.html", {**_page(request, contracts), "q": query})


def public_round(request, pk):
    round_ = get_object_or_404(visible_to(None, Round).filter(status=RoundStatus.OPENED), pk=pk)
    units = []
    for unit in round_.units.all():
        units.append(
            (
                unit,
                visible_to(None, Winner).filter(unit=unit).select_related("manufacturer", "product"),
                visible_to(None, BidResult).filter(unit=unit).select_related("manufacturer", "product")
                if round_.kind == RoundKind.PROVINCIAL
                else [],
            )
        )
    return render(request, "vbp/public_round.html", {"round": round_, "units": units})


@login_required
def supply(request):
    """R-VBP-11: a winning company reports its monthly capacity and stock; the bureau and the hospitals with
    contracts read the shortage warnings."""
    user = request.user
    form = SupplyForm(request.POST or None, initial={"month": timezone.localdate().replace(day=1)})
    winners = []
    if services.can_bid(user):
        today = timezone.localdate()
        winners = list(
            visible_to(user, Winner)
            .filter(manufacturer_id=user.organisation_id, valid_from__lte=today, valid_until__gte=today)
            .select_related("unit__round", "product")
        )
        latest = {}
        for report in visible_to(user, SupplyReport).filter(winner__in=winners).order_by("month"):
            latest[report.winner_id] = report
        winners = [(winner, latest.get(winner.pk)) for winner in winners]
        if request.method == "POST" and form.is_valid():
            try:
                services.supply_report(actor=user, winner_id=_int(request.POST.get("winner")), **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Capacity and stock reported."))
                return redirect("vbp:supply")
    elif request.method == "POST":
        raise DjangoPermissionDenied
    warnings = visible_to(user, ShortageWarning).select_related("winner__product", "manufacturer")
    return render(request, "vbp/supply.html", {"form": form, "winners": winners, **_page(request, warnings)})
