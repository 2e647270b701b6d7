"""Pages of the credit records: the bureau records events and sanctions; a company reads its own
events; the public reads the bad-record list (信息公开). Each view: who may → scoped fetch → form →
one service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.catalogue.models import Product
from procurement.core.errors import DomainError
from procurement.core.policy import policy
from procurement.credit import selectors, services
from procurement.credit.filters import CreditEventFilter
from procurement.credit.forms import BadRecordForm, CreditEventForm, DelistingForm
from procurement.credit.models import BadRecord, CreditEvent, ProductDelisting
from procurement.web.views import ScopedListView, apply_domain_error


def _require(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


class CreditEventListView(LoginRequiredMixin, ScopedListView):
    """The bureau's credit events (a city or county bureau: of companies in its region); a company's own."""

    model = CreditEvent
    filterset_class = CreditEventFilter
    template_name = "credit/event_list.html"

    def base_queryset(self):
        return CreditEvent.objects.select_related("organisation", "recorded_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_record=services.can_record_credit(self.request.user), **kwargs)


@login_required
def credit_event_new(request):
    """R-SUP-3: record a company's failing, with its severity and evidence."""
    _require(services.can_record_credit(request.user))
    form = CreditEventForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.credit_event_record(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Credit event recorded: %(event)s") % {"event": event})
            return redirect("credit:event-list")
    return render(request, "credit/event_form.html", {"form": form})


@login_required
def credit_event_evidence(request, pk):
    event = get_object_or_404(selectors.credit_events_for(request.user), pk=pk)
    if not event.evidence:
        raise Http404
    return FileResponse(event.evidence.open("rb"), as_attachment=True, filename=event.evidence.name.rsplit("/", 1)[-1])


@login_required
def bad_records(request):
    """R-LIST-14 / R-SUP-3: the bad-record list as the bureau keeps it (past bars too), and a new entry."""
    _require(services.can_record_credit(request.user))
    form = BadRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            record = services.bad_record_add(
                actor=request.user,
                organisation=values["organisation"],
                starts_on=values["starts_on"],
                reason=values["reason"],
                credit_event=values["credit_event"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(company)s is on the bad-record list until %(until)s.")
                % {"company": record.organisation, "until": record.ends_on},
            )
            return redirect("credit:bad-records")
    return render(
        request,
        "credit/bad_records.html",
        {
            "form": form,
            "records": BadRecord.objects.select_related("organisation", "recorded_by", "credit_event")[:500],
            "years": policy("BAD_RECORD_BAR_YEARS"),
            "today": timezone.localdate(),
        },
    )


@login_required
def delistings(request):
    """R-SUP-3: products delisted as a sanction, and a new delisting."""
    _require(services.can_record_credit(request.user))
    form = DelistingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        product = Product.objects.select_related("manufacturer").filter(code=values["product_code"].strip()).first()
        if product is None:
            form.add_error(
                "product_code", _("Unknown national drug code “%(code)s”.") % {"code": values["product_code"]}
            )
        else:
            try:
                delisting = services.product_delist(
                    actor=request.user,
                    product=product,
                    starts_on=values["starts_on"],
                    ends_on=values["ends_on"],
                    reason=values["reason"],
                    credit_event=values["credit_event"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Delisted: %(product)s") % {"product": delisting.product})
                return redirect("credit:delistings")
    return render(
        request,
        "credit/delistings.html",
        {
            "form": form,
            "delistings": ProductDelisting.objects.select_related("product", "manufacturer", "recorded_by")[:500],
            "today": timezone.localdate(),
        },
    )


class PublicBadRecordView(ScopedListView):
    """信息公开: the companies on the bad-record list today and until when; the products delisted."""

    model = BadRecord
    template_name = "credit/public_bad_records.html"

    def get_queryset(self):
        self.filterset = None
        return selectors.public_bad_records(timezone.localdate())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            delisted=selectors.public_delistings(timezone.localdate()),
            years=policy("BAD_RECORD_BAR_YEARS"),
            **kwargs,
        )


# -- credit grades (R-SUP-3) ----------------------------------------------------------------------------


def _reads_grades(user) -> bool:
    return user.is_superuser or user.kind == "bureau"


@login_required
def grade_list(request):
    """R-SUP-3: every graded company the bureau may see (a city or county bureau: of its region), gravest
    first, with the measure and the events that make the grade; searchable by name, filtered by grade."""
    from django.core.paginator import Paginator

    from procurement.credit import grades
    from procurement.credit.choices import Severity
    from procurement.credit.flag_sources import visible_company_ids

    _require(_reads_grades(request.user))
    day = timezone.localdate()
    rows = grades.grades_on(day, visible_company_ids(request.user))
    wanted_grade = request.GET.get("grade", "")
    search = request.GET.get("q", "").strip()
    companies = visible_to_companies(request.user).in_bulk([pk for pk, *_rest in rows])
    found = []
    for pk, grade, count, since in rows:
        company = companies.get(pk)
        if company is None or (wanted_grade and grade != wanted_grade) or (search and search not in company.name):
            continue
        found.append({"company": company, "grade": grade, "events": count, "since": since})
    standings = grades.standings_on([row["company"].pk for row in found], day)
    for row in found:
        row["standing"] = standings[row["company"].pk]
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "credit/grade_list.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "is_paginated": page.has_other_pages(),
            "query_without_page": query.urlencode(),
            "grades": Severity.choices,
            "grade": wanted_grade,
            "q": search,
            "today": day,
        },
    )


def visible_to_companies(user):
    from procurement.core.scoping import visible_to
    from procurement.credit.services import COMPANY_KINDS
    from procurement.organisations.models import Organisation

    return visible_to(user, Organisation).filter(kind__in=COMPANY_KINDS)


@login_required
def company_credit(request, pk):
    """R-SUP-3: one company's credit page — its grade today and its measure, the events that count, every
    event, its repairs and bad-record entries. The company reads its own; the bureau those in its scope."""
    from procurement.core.scoping import visible_to
    from procurement.credit import grades
    from procurement.credit.models import CreditRepair

    company = get_object_or_404(visible_to_companies(request.user), pk=pk)
    day = timezone.localdate()
    return render(
        request,
        "credit/company.html",
        {
            "company": company,
            "standing": grades.standing_on(company.pk, day),
            "events": visible_to(request.user, CreditEvent).filter(organisation=company).select_related("recorded_by"),
            "repairs": visible_to(request.user, CreditRepair).filter(organisation=company),
            "bad_records": visible_to(request.user, BadRecord).filter(organisation=company),
            "bar": selectors.bar_on(company.pk, day),
            "window": policy("CREDIT_GRADE_WINDOW_DAYS"),
            "today": day,
        },
    )
