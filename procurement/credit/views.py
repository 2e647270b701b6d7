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
