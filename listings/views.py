"""Pages of the listing channel. Each view: who may → scoped fetch → form → one service → render."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from listings import excel, services
from listings.choices import DeclarationStatus, ListingCategory, ListingStatus, NoticeStatus
from listings.filters import DeclarationFilter, PublicListingFilter
from listings.forms import (
    AdjustmentOpenForm,
    AgreeForm,
    DeclarationEditForm,
    DeclarationForm,
    DocumentForm,
    ImportForm,
    OptionalReasonForm,
    PanelRoundForm,
    ProposalAnswerForm,
    ReasonForm,
    WithdrawalForm,
)
from listings.models import (
    AdjustmentProposal,
    AdjustmentRound,
    Declaration,
    ExpertPanel,
    Listing,
    PriceLinkageNotice,
    WithdrawalRequest,
)
from listings.rules import cap_for
from listings.selectors import listing_history, manufacturer_inbox, may_read_history_details, public_listings
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import national_lowest_map
from procurement.core.errors import DomainError
from procurement.core.exports import safe_row
from procurement.core.money import format_yuan, parse_price
from procurement.core.ratelimit import Rate, client_address, hit
from procurement.core.scoping import visible_to
from procurement.web.errors import error_response
from procurement.web.views import ScopedListView, apply_domain_error, posted_id


def _require(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


def _price_or_none(text: str):
    try:
        return parse_price(text)
    except ValueError:
        return None


def _refusal(request, error: DomainError) -> None:
    for problem in error.problems:
        messages.error(request, problem.message)


# -- manufacturer ------------------------------------------------------------------------------


@login_required
def inbox(request):
    _require(services.can_declare(request.user))
    return render(request, "listings/inbox.html", {"inbox": manufacturer_inbox(request.user)})


class DeclarationListView(LoginRequiredMixin, ScopedListView):
    """A manufacturer's own declarations; for the bureau, every declaration (the review queue filters)."""

    model = Declaration
    filterset_class = DeclarationFilter
    template_name = "listings/declaration_list.html"

    def base_queryset(self):
        return Declaration.objects.select_related("product", "manufacturer", "submitted_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.request.resolver_match.url_name == "review", **kwargs)


class ReviewQueueView(DeclarationListView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.can_review(request.user):
            raise DjangoPermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if "status" in self.request.GET else queryset.filter(status=DeclarationStatus.SUBMITTED)


@login_required
def declaration_new(request):
    _require(services.can_declare(request.user))
    initial = {}
    asked = request.GET.get("product", "")
    product = (
        Product.objects.filter(pk=int(asked), manufacturer=request.user.organisation).first()
        if asked.isascii() and asked.isdigit() and len(asked) <= 18
        else None
    )
    if product is not None:
        initial["product"] = product
        listing = Listing.objects.filter(product=product).first()
        if listing is not None:
            initial["category"] = listing.category
    form = DeclarationForm(
        request.POST or None, request.FILES or None, initial=initial, manufacturer=request.user.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.declaration_create(
                actor=request.user,
                product=form.cleaned_data["product"],
                category=form.cleaned_data["category"],
                price=form.cleaned_data["price"],
                note=form.cleaned_data["note"],
                documents=form.cleaned_data["documents"],
                submit="submit" in request.POST,
            )
        except DomainError as error:
            _declaration_refused(request, form, error)
        else:
            messages.success(request, _declared_message(declaration))
            return redirect("listings:declaration-detail", pk=declaration.pk)
    chosen = form["product"].value(), form["category"].value()
    product = _own_product(request.user, chosen[0])
    return render(
        request,
        "listings/declaration_form.html",
        {"form": form, "categories": ListingCategory, **_cap_context(product, chosen[1])},
    )


def _declaration_refused(request, form, error: DomainError) -> None:
    """The service's refusal on the form's fields; a declaration already in progress for the product is
    linked, so the clerk opens it rather than starting again (issue 12)."""
    for problem in error.problems:
        existing = problem.params.get("declaration") if problem.code == "declaration_in_progress" else None
        if existing is not None and visible_to(request.user, Declaration).filter(pk=existing).exists():
            message = format_html(
                '{} <a href="{}" data-testid="existing-declaration">{}</a>',
                problem.message,
                reverse("listings:declaration-detail", args=[existing]),
                _("Open the declaration in progress"),
            )
            form.add_error(problem.field if problem.field in form.fields else None, message)
        else:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)


def _own_product(user, value) -> Product | None:
    """The actor's own product of that id, or None (a declaration is of one's own products only)."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        return None
    return Product.objects.filter(pk=int(text), manufacturer=user.organisation).first()


def _cap_context(product: Product | None, category) -> dict:
    """What the declaration form shows of the cap (R-LIST-1 … R-LIST-8: ``rules.cap_for``, the one place
    that computes it) for the chosen product and category: the binding cap and every limit with its
    source, or why the category does not apply."""
    if product is None or category not in ListingCategory.values:
        return {"cap_asked": False}
    context = {"cap_asked": True, "cap_product": product, "cap_category": ListingCategory(category)}
    try:
        limits = cap_for(product, category, on=timezone.localdate())
    except DomainError as error:
        return {**context, "cap_refusal": error.message}
    return {**context, "cap_limits": limits, "cap": limits.tightest}


@login_required
def declaration_cap(request):
    """The cap of the product and category chosen on the declaration form, with its source, before the
    form is sent (htmx swaps it in as the choice changes)."""
    _require(services.can_declare(request.user))
    product = _own_product(request.user, request.GET.get("product"))
    return render(request, "listings/_declaration_cap.html", _cap_context(product, request.GET.get("category")))


def _declared_message(declaration: Declaration) -> str:
    """What the clerk is told after saving a declaration: which product, at what price, where it stands."""
    values = {"product": declaration.product, "price": format_yuan(declaration.price)}
    if declaration.status == DeclarationStatus.SUBMITTED:
        return _("The declaration of %(product)s at %(price)s is submitted for review.") % values
    return _("The draft declaration of %(product)s at %(price)s is saved.") % values


@login_required
def declaration_edit(request, pk):
    _require(services.can_declare(request.user))
    declaration = get_object_or_404(visible_to(request.user, Declaration, for_write=True), pk=pk)
    form = DeclarationEditForm(
        request.POST or None,
        request.FILES or None,
        initial={"category": declaration.category, "price": declaration.price, "note": declaration.note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.declaration_update(actor=request.user, declaration_id=pk, **form.cleaned_data)
            if "submit" in request.POST:
                saved = services.declaration_submit(actor=request.user, declaration_id=pk)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _declared_message(saved))
            return redirect("listings:declaration-detail", pk=pk)
    return render(
        request,
        "listings/declaration_form.html",
        {
            "form": form,
            "declaration": declaration,
            "categories": ListingCategory,
            **_cap_context(declaration.product, form["category"].value()),
        },
    )


@login_required
def declaration_detail(request, pk):
    declaration = get_object_or_404(
        visible_to(request.user, Declaration).select_related("product", "manufacturer", "submitted_by", "reviewed_by"),
        pk=pk,
    )
    panel = ExpertPanel.objects.filter(declaration=declaration).prefetch_related("experts", "rounds").first()
    return render(
        request,
        "listings/declaration_detail.html",
        {
            "declaration": declaration,
            "panel": panel,
            "can_edit": services.can_declare(request.user)
            and declaration.status in (DeclarationStatus.DRAFT, DeclarationStatus.RETURNED),
            "can_review": services.can_review(request.user) and declaration.status == DeclarationStatus.SUBMITTED,
            "reason_form": ReasonForm(),
            "approve_form": OptionalReasonForm(),
            "document_form": DocumentForm(),
            "round_form": PanelRoundForm(),
            "agree_form": AgreeForm(),
            "listing": Listing.objects.filter(product=declaration.product).first(),
        },
    )


@login_required
@require_POST
def declaration_submit(request, pk):
    get_object_or_404(visible_to(request.user, Declaration), pk=pk)
    try:
        declaration = services.declaration_submit(actor=request.user, declaration_id=pk)
    except DomainError as error:
        _refusal(request, error)
    else:
        messages.success(request, _declared_message(declaration))
    return redirect("listings:declaration-detail", pk=pk)


@login_required
@require_POST
def declaration_document(request, pk):
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.declaration_document_add(actor=request.user, declaration_id=pk, **form.cleaned_data)
        except DomainError as error:
            _refusal(request, error)
    else:
        messages.error(request, _("Give the document a title and choose a file."))
    return redirect("listings:declaration-detail", pk=pk)


@login_required
def declaration_import(request):
    _require(services.can_declare(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    problems, created = [], []
    if request.method == "POST" and form.is_valid():
        try:
            created = excel.import_declarations(actor=request.user, stream=form.cleaned_data["file"])
        except DomainError as error:  # every problem of the file, each with its row and column
            problems = error.problems
        else:
            messages.success(request, _("%(count)d declarations submitted for review.") % {"count": len(created)})
            return redirect("listings:declaration-list")
    return render(
        request,
        "listings/declaration_import.html",
        {"form": form, "problems": problems},
        status=400 if problems else 200,
    )


@login_required
def declaration_template(request):
    _require(services.can_declare(request.user))
    response = HttpResponse(
        excel.template(request.user), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="declarations-template.xlsx"'
    return response


# -- bureau: review ---------------------------------------------------------------------------


@login_required
@require_POST
def declaration_review(request, pk, action):
    if action not in ("approve", "return", "reject"):
        raise Http404
    declaration = get_object_or_404(visible_to(request.user, Declaration).select_related("product"), pk=pk)
    form = (OptionalReasonForm if action == "approve" else ReasonForm)(request.POST)
    reason = form.data.get("reason", "")
    values = {"product": declaration.product, "price": format_yuan(declaration.price)}
    try:
        if action == "approve":
            listing = services.declaration_approve(actor=request.user, declaration_id=pk, reason=reason)
            messages.success(
                request,
                _("Approved: %(product)s is listed at %(price)s.")
                % {"product": declaration.product, "price": format_yuan(listing.price)},
            )
        elif action == "return":
            services.declaration_return(actor=request.user, declaration_id=pk, reason=reason)
            messages.success(
                request, _("The declaration of %(product)s at %(price)s is returned for correction.") % values
            )
        else:
            services.declaration_reject(actor=request.user, declaration_id=pk, reason=reason)
            messages.success(request, _("The declaration of %(product)s at %(price)s is rejected.") % values)
    except DomainError as error:
        _refusal(request, error)
        return redirect("listings:declaration-detail", pk=pk)
    return redirect("listings:review")


@login_required
@require_POST
def panel_action(request, pk, action):
    """R-LIST-6: draw the panel, record an offer, record the agreement."""
    if action not in ("draw", "offer", "agree"):
        raise Http404
    declaration = get_object_or_404(visible_to(request.user, Declaration), pk=pk)
    try:
        if action == "draw":
            result = services.expert_panel_draw(actor=request.user, declaration_id=declaration.pk)
            messages.success(
                request,
                _("Panel drawn: %(names)s.")
                % {"names": "、".join(expert.name for expert in result.panel.experts.all())},
            )
        else:
            panel = get_object_or_404(ExpertPanel, declaration=declaration)
            form = (PanelRoundForm if action == "offer" else AgreeForm)(request.POST)
            if not form.is_valid():
                messages.error(request, _("Check the price and the other fields."))
            elif action == "offer":
                services.panel_round_record(actor=request.user, panel_id=panel.pk, **form.cleaned_data)
            else:
                services.panel_agree(actor=request.user, panel_id=panel.pk, **form.cleaned_data)
    except DomainError as error:
        _refusal(request, error)
    return redirect("listings:declaration-detail", pk=pk)


# -- listings -------------------------------------------------------------------------------------


class MyListingsView(LoginRequiredMixin, ScopedListView):
    model = Listing
    template_name = "listings/listing_list.html"
    filterset_class = PublicListingFilter

    def base_queryset(self):
        queryset = Listing.objects.select_related("product", "manufacturer")
        user = self.request.user
        if user.kind == "manufacturer":
            queryset = queryset.filter(manufacturer=user.organisation)
        return queryset


@login_required
def listing_detail(request, pk):
    listing = get_object_or_404(visible_to(request.user, Listing).select_related("product", "manufacturer"), pk=pk)
    own = request.user.organisation_id == listing.manufacturer_id
    return render(
        request,
        "listings/listing_detail.html",
        {
            "listing": listing,
            "transitions": listing_history(listing),
            "history_details": may_read_history_details(request.user, listing),
            "notices": visible_to(request.user, PriceLinkageNotice).filter(listing=listing),
            "withdrawals": visible_to(request.user, WithdrawalRequest).filter(listing=listing),
            "can_withdraw": own and services.can_declare(request.user) and listing.status == ListingStatus.LISTED,
            "can_manage": services.can_review(request.user),
            "reason_form": ReasonForm(),
            "withdrawal_form": WithdrawalForm(),
            "lowest": national_lowest_map([listing.product.code]).get(listing.product.code),
        },
    )


@login_required
@require_POST
def listing_action(request, pk, action):
    if action not in ("withdraw", "suspend", "reinstate", "invalidate"):
        raise Http404
    form = WithdrawalForm(request.POST) if action == "withdraw" else ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
        return redirect("listings:listing-detail", pk=pk)
    try:
        if action == "withdraw":
            services.withdrawal_request_submit(actor=request.user, listing_id=pk, **form.cleaned_data)
            messages.success(request, _("Withdrawal requested: the bureau decides."))
        else:
            operation = {
                "suspend": services.listing_suspend,
                "reinstate": services.listing_reinstate,
                "invalidate": services.listing_invalidate,
            }[action]
            listing = operation(actor=request.user, listing_id=pk, reason=form.cleaned_data["reason"])
            done = {
                "suspend": _("The listing of %(product)s is suspended: it cannot be ordered."),
                "reinstate": _("The listing of %(product)s is reinstated: it can be ordered again."),
                "invalidate": _("The listing of %(product)s is marked invalid."),
            }[action]
            messages.success(request, done % {"product": listing.product})
    except DomainError as error:
        _refusal(request, error)
    return redirect("listings:listing-detail", pk=pk)


@login_required
def withdrawal_queue(request):
    _require(services.can_review(request.user))
    if request.method == "POST":
        try:
            withdrawal = get_object_or_404(
                visible_to(request.user, WithdrawalRequest), pk=posted_id(request, "request")
            )
            approve = request.POST.get("decision") == "approve"
            services.withdrawal_request_decide(
                actor=request.user,
                request_id=withdrawal.pk,
                approve=approve,
                reason=request.POST.get("reason", ""),
            )
        except DomainError as error:
            _refusal(request, error)
        else:
            product = withdrawal.listing.product
            messages.success(
                request,
                (
                    _("The withdrawal of %(product)s is approved: it is no longer listed.")
                    if approve
                    else _("The withdrawal of %(product)s is refused: it stays listed.")
                )
                % {"product": product},
            )
        return redirect("listings:withdrawals")
    pending = (
        visible_to(request.user, WithdrawalRequest)
        .filter(status="submitted")
        .select_related("listing__product", "manufacturer", "submitted_by")
    )
    return render(request, "listings/withdrawal_queue.html", {"pending": pending})


@login_required
def notice_list(request):
    notices = visible_to(request.user, PriceLinkageNotice).select_related("listing__product", "manufacturer")
    status = request.GET.get("status", "")
    if status and status not in NoticeStatus.values:
        raise BadRequest(_("status: one of %(choices)s.") % {"choices": ", ".join(NoticeStatus.values)})
    notices = (
        notices.filter(status=status)
        if status
        else notices.filter(status__in=[NoticeStatus.OPEN, NoticeStatus.OVERDUE])
    )
    return render(request, "listings/notice_list.html", {"notices": notices[:500], "status": status})


# -- annual adjustment ----------------------------------------------------------------------------


@login_required
def adjustment_rounds(request):
    user = request.user
    form = AdjustmentOpenForm(request.POST or None)
    if request.method == "POST":
        _require(services.can_review(user))
        if form.is_valid():
            try:
                services.adjustment_round_open(actor=user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Round opened: every listing has a proposed price."))
                return redirect("listings:adjustments")
    rounds = AdjustmentRound.objects.all() if services.can_review(user) else visible_to(user, AdjustmentRound)
    return render(
        request,
        "listings/adjustment_rounds.html",
        {"rounds": rounds, "form": form, "can_open": services.can_review(user)},
    )


@login_required
def adjustment_round_detail(request, pk):
    user = request.user
    adjustment = get_object_or_404(
        AdjustmentRound.objects.all() if services.can_review(user) else visible_to(user, AdjustmentRound), pk=pk
    )
    proposals = visible_to(user, AdjustmentProposal).filter(round=adjustment).select_related("listing__product")
    if request.method == "POST":
        try:
            if "confirm" in request.POST:
                decisions = {}
                for proposal in proposals.filter(status="appealed"):
                    price = request.POST.get(f"price-{proposal.pk}", "").strip()
                    decisions[proposal.pk] = (_price_or_none(price), request.POST.get(f"reason-{proposal.pk}", ""))
                services.adjustment_round_confirm(actor=user, round_id=adjustment.pk, decisions=decisions)
                messages.success(
                    request, _("Round confirmed: the prices change on %(date)s.") % {"date": adjustment.effective_date}
                )
            else:
                form = ProposalAnswerForm(request.POST)
                if form.is_valid():
                    proposal = get_object_or_404(proposals, pk=posted_id(request, "proposal"))
                    services.adjustment_proposal_answer(actor=user, proposal_id=proposal.pk, **form.cleaned_data)
                    product = proposal.listing.product
                    messages.success(
                        request,
                        (
                            _("The proposed price of %(product)s, %(price)s, is accepted.")
                            % {"product": product, "price": format_yuan(proposal.proposed_price)}
                            if form.cleaned_data["accept"]
                            else _("Appeal for %(product)s sent: %(price)s asked for.")
                            % {"product": product, "price": format_yuan(form.cleaned_data["appeal_price"])}
                        ),
                    )
                else:
                    messages.error(request, _("Choose an answer."))
        except DomainError as error:
            _refusal(request, error)
        return redirect("listings:adjustment-detail", pk=pk)
    search = request.GET.get("q", "").strip()
    if search:
        proposals = proposals.filter(
            Q(listing__product__generic_name__icontains=search) | Q(listing__product__code__istartswith=search)
        )
    return render(
        request,
        "listings/adjustment_detail.html",
        {
            "round": adjustment,
            "proposals": proposals[:500],
            "answer_form": ProposalAnswerForm(),
            "can_confirm": services.can_review(user) and adjustment.status == "open",
            "can_answer": services.can_declare(user)
            and adjustment.status == "open"
            and timezone.localdate() <= adjustment.answer_by,
        },
    )


# -- public ------------------------------------------------------------------------------------------


class PublicListingView(ScopedListView):
    """信息公开: the listed products, searchable by anyone, with the national lowest."""

    model = Listing
    filterset_class = PublicListingFilter
    template_name = "listings/public_list.html"
    counts_searches_on_page = True

    # What the page shows: the rows' other columns (a product's forty, its maker's contacts, the
    # timestamps) cost more to read into models than to send (bench/search.py).
    shown = (
        *("product", "manufacturer", "category", "price", "status", "manufacturer__name"),
        *(f"product__{name}" for name in ("code", "generic_name", "trade_name", "dosage_form", "specification")),
        *(f"product__{name}" for name in ("pack_quantity", "minimum_unit", "pack_unit")),
    )

    def base_queryset(self):
        return public_listings().only(*self.shown)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lowest"] = national_lowest_map(listing.product.code for listing in context["object_list"])
        return context


EXPORT_CHUNK = 2_000


def public_export(request):
    """The public list as Excel, with the same filters (issue 11 #6: bounded).

    At most ``PUBLIC_EXPORT_MAX_ROWS`` rows, read and written a chunk at a time into a file on disk
    (memory stays flat however large the list), and for an anonymous visitor at most
    ``PUBLIC_EXPORT_RATE`` exports per address.
    """
    if not request.user.is_authenticated:
        allowed, wait = hit("public-export", client_address(request), Rate.parse(settings.PUBLIC_EXPORT_RATE))
        if not allowed:
            response = error_response(request, 429)
            response["Retry-After"] = str(int(wait) + 1)
            return response
    filterset = PublicListingFilter(request.GET or None, queryset=public_listings(), request=request)
    listings = (filterset.qs if filterset.is_bound and filterset.is_valid() else public_listings())[
        : settings.PUBLIC_EXPORT_MAX_ROWS
    ]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Listed products"))
    sheet.append(
        safe_row(
            [
                _("national drug code"),
                _("generic name"),
                _("trade name"),
                _("dosage form"),
                _("specification"),
                _("pack"),
                _("manufacturer"),
                _("category"),
                _("listing price"),
                _("per unit"),
                _("national lowest"),
                _("price since"),
            ]
        )
    )
    chunk = []
    for listing in listings.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(listing)
        if len(chunk) == EXPORT_CHUNK:
            _export_rows(sheet, chunk)
            chunk = []
    _export_rows(sheet, chunk)
    stream = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    workbook.save(stream)
    stream.seek(0)
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"listed-products-{timezone.localdate()}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _export_rows(sheet, listings: list) -> None:
    lowest = national_lowest_map(listing.product.code for listing in listings)
    for listing in listings:
        product, low = listing.product, lowest.get(listing.product.code)
        sheet.append(
            safe_row(
                [
                    product.code,
                    product.generic_name,
                    product.trade_name,
                    product.dosage_form,
                    product.specification,
                    product.pack_description,
                    listing.manufacturer.name,
                    str(listing.get_category_display()),
                    listing.price,
                    listing.unit_price,
                    low.price if low else None,
                    listing.price_since,
                ]
            )
        )
