"""Pages of ordering and delivery: buy (search, cart, order), orders and their lines, shipping and
acceptance, distributor designations, offline purchases, alliance prices, the public batch page."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from procurement.catalogue.choices import ImportStatus
from procurement.catalogue.models import Product
from procurement.core.errors import DomainError
from procurement.core.exports import safe_row
from procurement.core.money import format_yuan
from procurement.core.scoping import visible_to
from procurement.orders import alliance, selectors, services
from procurement.orders.choices import LineStatus, ShipmentStatus
from procurement.orders.filters import OfferFilter, OrderFilter
from procurement.orders.models import (
    AlliancePrice,
    AlliancePriceImport,
    DistributorDesignation,
    OfflinePurchase,
    Order,
    OrderLine,
    Shipment,
)
from procurement.orders.pricing import offered_products
from procurement.orders.quantities import parse_quantity
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation, Region
from procurement.web.drill import drill_filter
from procurement.web.views import ScopedListView, apply_domain_error, posted_id


def _require(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


def _refusal(request, error: DomainError) -> None:
    for problem in error.problems:
        messages.error(request, problem.message)


# -- buying ---------------------------------------------------------------------------------------------


class BuyView(LoginRequiredMixin, ScopedListView):
    """Every product a registered price source offers the hospital, at the price it would pay and its
    source; one it may not buy is greyed out with the reason (R-ORD-2) and cannot be added."""

    model = Product
    filterset_class = OfferFilter
    template_name = "orders/buy.html"
    paginate_by = 30
    counts_searches_on_page = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require(services.can_order(request.user))
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return selectors.offered_to(self.request.user.organisation, on=timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(cart_count=selectors.cart_items(self.request.user).count(), **kwargs)
        context["offers"] = selectors.offers_for(
            self.request.user.organisation, context["object_list"], on=timezone.localdate()
        )
        return context


@login_required
@require_POST
def cart_add(request):
    """Put a product in the cart (kept on the server), if the hospital may order it (R-ORD-2: else the
    reason, and nothing added)."""
    _require(services.can_order(request.user))
    product = get_object_or_404(Product.objects.select_related("manufacturer"), pk=posted_id(request, "product"))
    refusal, item = None, None
    try:
        quantity = parse_quantity(request.POST.get("quantity") or "1")
        item = services.cart_add(actor=request.user, product=product, quantity=quantity)
    except ValueError as error:
        refusal = str(error)  # nothing added: the buyer sees why
    except DomainError as error:
        refusal = error.message
    if request.headers.get("HX-Request"):
        return render(
            request,
            "orders/_cart_badge.html",
            {"cart_count": selectors.cart_items(request.user).count(), "refusal": refusal},
        )
    if refusal is None:
        messages.success(
            request,
            _("Added to the cart: %(product)s, %(n)d packs (now %(total)d in the cart).")
            % {"product": product, "n": quantity, "total": item.quantity},
        )
    else:
        messages.error(request, refusal)
    return redirect(_safe_next(request) or "orders:buy")


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if allowed else None


def _posted_cart(request, items) -> list[services.CartChange]:
    """What the cart page posted for each product in the cart; a quantity that is not one raises ValueError
    naming the product."""
    changes = []
    for item in items:
        pk = item.product_id
        try:
            quantity = parse_quantity(request.POST.get(f"quantity-{pk}", ""), allow_zero=True)
        except ValueError as error:
            raise ValueError(f"{item.product.generic_name} ({item.product.code}): {error}") from error
        distributor = request.POST.get(f"distributor-{pk}", "")
        chosen = (
            int(distributor) if distributor.isascii() and distributor.isdigit() and len(distributor) <= 18 else None
        )
        changes.append(services.CartChange(pk, quantity, chosen))
    return changes


@login_required
def cart(request):
    """The cart, kept on the server: each line at the price the platform resolves, its source, the named
    distributors, and a cheaper four-same price on an alliance platform when there is one (R-ORD-2, 3, 6).
    A refused order shows each problem beside the product it concerns — a missing distributor on its
    select — and keeps the cart as it was."""
    _require(services.can_order(request.user))
    problems, note, status = [], "", 200
    if request.method == "POST":
        try:
            changes = _posted_cart(request, list(selectors.cart_items(request.user)))
        except ValueError as error:
            messages.error(request, str(error))  # nothing saved: the buyer sees which product and why
            return redirect("orders:cart")
        services.cart_update(actor=request.user, changes=changes)
        if "order" not in request.POST:
            messages.success(request, _("Cart saved."))
            return redirect("orders:cart")
        note = request.POST.get("note", "")
        try:
            submitted = services.cart_order(actor=request.user, note=note)
        except DomainError as error:
            problems, status = error.problems, 400
        else:
            order = submitted.order
            messages.success(
                request,
                _("Order #%(order)s placed: %(n)d lines, %(total)s in all; the distributors are asked to confirm.")
                % {"order": order.pk, "n": len(order.lines.all()), "total": format_yuan(order.total)},
            )
            return redirect("orders:order-detail", pk=order.pk)
    rows = _cart_rows(request.user, problems)
    shown = {id(problem) for row in rows for problem in row["problems"]}
    for problem in problems:
        if id(problem) not in shown:
            messages.error(request, problem.message)
    total = sum((row["amount"] for row in rows if row["amount"] is not None), 0)
    return render(request, "orders/cart.html", {"rows": rows, "total": total, "note": note}, status=status)


def _cart_rows(user, problems) -> list[dict]:
    """The cart's rows as the page shows them, each with the problems of a refused order that name its
    product (the distributor's apart: they are shown on its select)."""
    items = list(selectors.cart_items(user))
    offers = {
        offer.product.pk: offer
        for offer in selectors.offers_for(user.organisation, [item.product for item in items], on=timezone.localdate())
    }
    rows = []
    for item in items:
        offer = offers[item.product_id]
        price = offer.quote.price if offer.quote else None
        mine = [problem for problem in problems if problem.params.get("product") == item.product.code]
        rows.append(
            {
                "product": offer.product,
                "quantity": item.quantity,
                "quote": offer.quote,
                "refusal": offer.refusal,
                "distributors": offer.distributors,
                "distributor": item.distributor_id,
                "amount": price * item.quantity if price is not None else None,
                "alliance": selectors.cheaper_on_alliance(offer.product, price) if price is not None else None,
                "problems": mine,
                "distributor_errors": [p for p in mine if (p.field or "").endswith(".distributor")],
                "other_errors": [p for p in mine if not (p.field or "").endswith(".distributor")],
            }
        )
    return rows


# -- orders ----------------------------------------------------------------------------------------------


class OrderListView(LoginRequiredMixin, ScopedListView):
    """Orders with their state, filtered by state, dates, distributor and product (issue 12)."""

    model = Order
    filterset_class = OrderFilter
    template_name = "orders/order_list.html"

    def base_queryset(self):
        # Issue 11 #2: each order's lines and total as far as the reader may see them.
        return selectors.orders_seen_by(
            self.request.user, Order.objects.select_related("hospital", "placed_by"), with_state=True
        )

    def get_queryset(self):
        # R-SUP-1's drill-down: a hospital's (or a region's) orders of one month, within the reader's scope.
        queryset, self.drill = drill_filter(self.request, super().get_queryset(), date_field="created_at")
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(drill=self.drill, **kwargs)


class LineListView(LoginRequiredMixin, ScopedListView):
    """The distributor's work: lines to confirm, to ship; the hospital's lines by status."""

    model = OrderLine
    template_name = "orders/line_list.html"

    def base_queryset(self):
        lines = OrderLine.objects.select_related("product", "order", "hospital", "distributor").order_by(
            "-order__created_at", "order_id", "id"
        )
        status = self.request.GET.get("status")
        return lines.filter(status=status) if status in LineStatus.values else lines

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=LineStatus.choices,
            status=self.request.GET.get("status", ""),
            is_distributor=services.can_deliver(self.request.user),
            **kwargs,
        )


class ShipForm(forms.Form):
    batch_number = forms.CharField(label=gettext_lazy("batch number"), max_length=40)
    production_date = forms.DateField(
        label=gettext_lazy("production date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expiry_date = forms.DateField(label=gettext_lazy("expiry date"), widget=forms.DateInput(attrs={"type": "date"}))
    quantity = forms.IntegerField(label=gettext_lazy("quantity (packs)"), min_value=1)
    inspection_report = forms.FileField(label=gettext_lazy("inspection report"))


def ship_form(line: OrderLine, data=None, files=None) -> ShipForm:
    """The ship form of one line, with element ids of its own (``ship-<line>-<field>``): an order page
    carries one per line, and two fields with one id would make labels and error links point wrong."""
    return ShipForm(data, files, auto_id=f"ship-{line.pk}-%s")


@login_required
def order_detail(request, pk):
    return _order_page(request, pk)


def _order_page(request, pk, *, failed: ShipForm | None = None, failed_line: int | None = None, status: int = 200):
    """The order with the lines and shipments the user may see; ``failed`` is the ship form of
    ``failed_line`` as it was sent, with its errors on its fields (issue 12)."""
    order = get_object_or_404(
        selectors.orders_seen_by(request.user, Order.objects.select_related("hospital", "placed_by"), with_state=True),
        pk=pk,
    )
    lines = list(visible_to(request.user, OrderLine).filter(order=order).select_related("product", "distributor"))
    for line in lines:
        line.ship_form = failed if line.pk == failed_line else ship_form(line)
    shipments = visible_to(request.user, Shipment).filter(line__order=order).select_related("line__product")
    user = request.user
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "shipments": shipments,
            "near_expiry_before": services.near_expiry_before(),
            "is_distributor": services.can_deliver(user),
            "can_cancel": services.can_order(user),
            "can_accept": services.can_accept(user),
        },
        status=status,
    )


@login_required
@require_POST
def line_action(request, pk, action):
    line = get_object_or_404(visible_to(request.user, OrderLine).select_related("product"), pk=pk)
    reason = request.POST.get("reason", "")
    if action == "ship":
        return _ship(request, line)
    try:
        if action == "confirm":
            services.line_confirm(actor=request.user, line_id=line.pk)
        elif action == "decline":
            services.line_decline(actor=request.user, line_id=line.pk, reason=reason)
        elif action == "cancel":
            services.line_cancel(actor=request.user, line_id=line.pk, reason=reason)
        else:
            raise Http404
    except DomainError as error:
        _refusal(request, error)
    else:
        messages.success(request, _LINE_DONE[action] % {"product": line.product.generic_name, "order": line.order_id})
    return redirect(_safe_next(request) or reverse("orders:order-detail", args=[line.order_id]))


def _ship(request, line: OrderLine):
    """R-ORD-4: ship a batch of the line. Anything wrong shows the order again with what was typed, each
    error beside the field of this line's form it concerns (a file must be chosen again: browsers never
    refill a file input)."""
    form = ship_form(line, request.POST, request.FILES)
    if form.is_valid():
        try:
            shipment = services.shipment_create(actor=request.user, line_id=line.pk, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Batch %(batch)s shipped: %(n)d %(unit)s of %(product)s (order #%(order)s).")
                % {
                    "batch": shipment.batch_number,
                    "n": shipment.quantity,
                    "unit": line.product.pack_unit,
                    "product": line.product.generic_name,
                    "order": line.order_id,
                },
            )
            return redirect("orders:order-detail", pk=line.order_id)
    if "inspection_report" not in form.errors and request.FILES.get("inspection_report"):
        form.add_error("inspection_report", _("Choose the file again: it is not kept while the form has errors."))
    return _order_page(request, line.order_id, failed=form, failed_line=line.pk, status=400)


# What the person is told after an action on a line: what was done, to what (issue 12).
_LINE_DONE = {
    "confirm": gettext_lazy("Line of order #%(order)s confirmed: %(product)s."),
    "decline": gettext_lazy("Line of order #%(order)s declined: %(product)s."),
    "cancel": gettext_lazy("Line of order #%(order)s cancelled: %(product)s."),
}


@login_required
@require_POST
def order_confirm_all(request, pk):
    """The distributor confirms every line of an order addressed to it at once."""
    order = get_object_or_404(visible_to(request.user, Order), pk=pk)
    try:
        confirmed = services.order_confirm_lines(actor=request.user, order_id=order.pk)
    except DomainError as error:
        _refusal(request, error)
    else:
        messages.success(
            request, _("%(n)d lines of order #%(order)s confirmed.") % {"n": len(confirmed), "order": order.pk}
        )
    return redirect(_safe_next(request) or reverse("orders:line-list"))


@login_required
@require_POST
def shipment_action(request, pk, action):
    shipment = get_object_or_404(visible_to(request.user, Shipment), pk=pk)
    try:
        quantity = parse_quantity(request.POST.get("quantity", ""), allow_zero=action == "accept")
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("orders:order-detail", pk=shipment.line.order_id)
    try:
        if action == "accept":
            services.shipment_accept(
                actor=request.user,
                shipment_id=shipment.pk,
                accepted_quantity=quantity,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, accepted_message(shipment, quantity))
        elif action == "return":
            services.shipment_return(
                actor=request.user, shipment_id=shipment.pk, quantity=quantity, reason=request.POST.get("reason", "")
            )
            messages.success(
                request,
                _("Batch %(batch)s: the return of %(n)d packs is recorded.")
                % {"batch": shipment.batch_number, "n": quantity},
            )
        else:
            raise Http404
    except DomainError as error:
        _refusal(request, error)
    return redirect("orders:order-detail", pk=shipment.line.order_id)


def accepted_message(shipment: Shipment, accepted: int) -> str:
    """What the storekeeper is told after deciding on a batch: which batch, how many packs (issue 12)."""
    if accepted == shipment.quantity:
        return _("Batch %(batch)s accepted into stock: %(n)d packs.") % {"batch": shipment.batch_number, "n": accepted}
    if accepted == 0:
        return _("Batch %(batch)s rejected.") % {"batch": shipment.batch_number}
    return _("Batch %(batch)s: %(n)d of %(of)d packs accepted into stock.") % {
        "batch": shipment.batch_number,
        "n": accepted,
        "of": shipment.quantity,
    }


# -- designations, offline purchases, alliance prices ------------------------------------------------


@login_required
def designations(request):
    """R-ORD-3: the manufacturer names the distributors of each of its products, by region."""
    _require(services.can_designate(request.user))
    maker = request.user.organisation
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                designation = services.designation_remove(
                    actor=request.user, designation_id=posted_id(request, "remove")
                )
                done = _("%(distributor)s no longer delivers %(product)s in %(region)s.")
            else:
                designation = services.designation_add(
                    actor=request.user,
                    product=get_object_or_404(Product, pk=posted_id(request, "product"), manufacturer=maker),
                    region=get_object_or_404(Region, pk=posted_id(request, "region")),
                    distributor=get_object_or_404(
                        Organisation, pk=posted_id(request, "distributor"), kind=OrganisationKind.DISTRIBUTOR
                    ),
                )
                done = _("%(distributor)s named to deliver %(product)s in %(region)s.")
        except DomainError as error:
            _refusal(request, error)
        else:
            messages.success(
                request,
                done
                % {
                    "distributor": designation.distributor,
                    "product": designation.product,
                    "region": designation.region,
                },
            )
        return redirect("orders:designations")
    return render(
        request,
        "orders/designations.html",
        {
            "designations": visible_to(request.user, DistributorDesignation)
            .filter(is_active=True)
            .select_related("product", "region", "distributor")
            .order_by("product__generic_name"),
            "products": Product.objects.filter(manufacturer=maker).order_by("generic_name", "code"),
            "regions": Region.objects.order_by("path"),
            "distributors": Organisation.objects.filter(kind=OrganisationKind.DISTRIBUTOR, is_active=True),
            "undesignated": Product.objects.filter(offered_products(None, timezone.localdate()), manufacturer=maker)
            .exclude(designations__is_active=True)
            .count(),
        },
    )


class OfflineForm(forms.Form):
    product = forms.ModelChoiceField(label=gettext_lazy("product"), queryset=Product.objects.all(), required=False)
    description = forms.CharField(label=gettext_lazy("what was bought"), max_length=200, required=False)
    quantity = forms.IntegerField(label=gettext_lazy("quantity (packs)"), min_value=1)
    amount = forms.DecimalField(label=gettext_lazy("amount"), max_digits=16, decimal_places=2, min_value=0)
    purchased_on = forms.DateField(label=gettext_lazy("purchased on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("why outside the platform"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("product") and not cleaned.get("description"):
            raise forms.ValidationError(_("Choose the product or describe what was bought."))
        return cleaned


@login_required
def offline_purchases(request):
    """R-ORD-1: purchases outside the platform, reported by the hospital, counted by the bureau."""
    user = request.user
    form = OfflineForm(request.POST or None)
    if request.method == "POST":
        _require(services.can_order(user))
        if form.is_valid():
            try:
                purchase = services.offline_purchase_report(actor=user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("Offline purchase reported: %(what)s, %(n)d packs, %(amount)s.")
                    % {"what": purchase.description, "n": purchase.quantity, "amount": format_yuan(purchase.amount)},
                )
                return redirect("orders:offline")
    # R-SUP-1's drill-down: a hospital's (or a region's) offline purchases of one month.
    purchases, drill = drill_filter(
        request, visible_to(user, OfflinePurchase).select_related("hospital", "product"), date_field="purchased_on"
    )
    return render(
        request,
        "orders/offline.html",
        {
            "form": form if services.can_order(user) else None,
            "purchases": purchases[:200],
            "drill": drill,
        },
    )


class UploadForm(forms.Form):
    # An empty file is the service's to refuse, with the other problems of an upload.
    file = forms.FileField(
        label=gettext_lazy("File (CSV or .xlsx)"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(alliance.EXTENSIONS)}),
    )


@login_required
def alliance_prices(request):
    """R-ORD-6: the bureau uploads the prices of alliance platforms for four-same products (loaded in the
    background: ``alliance_import`` follows it), and sees its imports and the prices loaded."""
    _require(alliance.can_import_alliance_prices(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            batch = alliance.alliance_price_import_create(user=request.user, uploaded_file=form.cleaned_data["file"])
        except DomainError as error:  # what is wrong with the file as a whole: nothing is kept
            problems = error.problems
        else:
            messages.success(
                request, _("“%(name)s” was received: its prices are being loaded.") % {"name": batch.original_name}
            )
            return redirect("orders:alliance-import", pk=batch.pk)
    return render(
        request,
        "orders/alliance.html",
        {
            "form": form,
            "problems": problems,
            "imports": visible_to(request.user, AlliancePriceImport).select_related("uploaded_by")[:20],
            "prices": AlliancePrice.objects.order_by("generic_name", "platform", "id")[:300],
            "max_rows": alliance.SHEET.max_rows,
            "max_mb": alliance.SHEET.max_bytes // (1024 * 1024),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def alliance_import(request, pk):
    """One alliance price import: its progress while it loads (polled by htmx), then its outcome."""
    _require(alliance.can_import_alliance_prices(request.user))
    batch = get_object_or_404(visible_to(request.user, AlliancePriceImport).select_related("uploaded_by"), pk=pk)
    if batch.status == ImportStatus.RUNNING and alliance.alliance_price_imports_reap():
        batch.refresh_from_db()  # its worker had died: it is failed now, and may be loaded again
    partial = request.headers.get("HX-Request")
    return render(
        request,
        "orders/_alliance_import_status.html" if partial else "orders/alliance_import.html",
        {
            "batch": batch,
            "problems": batch.problems.all()[:500],
            "problem_count": batch.problems.count(),
            "can_retry": alliance.can_retry(batch),
        },
    )


@login_required
@require_POST
def alliance_import_retry(request, pk):
    _require(alliance.can_import_alliance_prices(request.user))
    batch = get_object_or_404(visible_to(request.user, AlliancePriceImport), pk=pk)
    try:
        alliance.alliance_price_import_retry(user=request.user, batch_id=batch.pk)
    except DomainError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("“%(name)s” is being loaded again.") % {"name": batch.original_name})
    return redirect("orders:alliance-import", pk=batch.pk)


@login_required
def alliance_import_problems_csv(request, pk):
    """Every problem of a refused file, to correct it in a spreadsheet (Excel opens UTF-8 with a BOM)."""
    _require(alliance.can_import_alliance_prices(request.user))
    batch = get_object_or_404(visible_to(request.user, AlliancePriceImport), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="alliance-import-{batch.pk}-problems.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(safe_row([_("row"), _("column"), _("value"), _("rule"), _("problem")]))
    for problem in batch.problems.all().iterator():
        writer.writerow(safe_row([problem.row or "", problem.column, problem.value, problem.rule, problem.message]))
    return response


# -- public ---------------------------------------------------------------------------------------------


class PublicBatchView(ScopedListView):
    """R-ORD-7: every batch delivered, for the public."""

    model = Shipment
    template_name = "orders/public_batches.html"

    def get_queryset(self):
        self.filterset = None
        return selectors.public_batches(self.request.GET.get("q", "").strip())

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.request.GET.get("q", ""), **kwargs)


def batch_report(request, pk):
    """The inspection report of a batch: public once the batch is accepted, like the batch itself
    (R-ORD-7); before that, only for the parties that may see the shipment."""
    shipment = selectors.public_batches().filter(pk=pk).first()
    if shipment is None and request.user.is_authenticated:
        shipment = visible_to(request.user, Shipment).filter(pk=pk).first()
    if shipment is None:
        raise Http404
    if not shipment.inspection_report:
        raise Http404
    name = shipment.inspection_report.name.rsplit("/", 1)[-1]
    return FileResponse(shipment.inspection_report.open("rb"), as_attachment=True, filename=name)


# -- the storekeeper's work: batches to accept ----------------------------------------------------------


@login_required
def acceptance(request):
    """R-ORD-4: every batch waiting for the hospital's acceptance, across orders, with the actions on its
    row — accept in full, accept part with a reason, reject (拒收) with a reason — and several in full at
    once."""
    _require(services.can_accept(request.user))
    waiting = (
        visible_to(request.user, Shipment)
        .filter(status=ShipmentStatus.SHIPPED)
        .select_related("line__product", "line__order", "distributor")
        .order_by("expiry_date", "shipped_at", "id")
    )
    if request.method == "POST":
        _acceptance_action(request, waiting)
        return redirect("orders:acceptance")
    page = Paginator(waiting, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/acceptance.html",
        {"page_obj": page, "object_list": page.object_list, "near_expiry_before": services.near_expiry_before()},
    )


def _acceptance_action(request, waiting) -> None:
    action = request.POST.get("action", "")
    if action == "accept_selected":
        ids = [int(value) for value in request.POST.getlist("shipment") if value.isascii() and value.isdigit()]
        chosen = list(waiting.filter(pk__in=ids))
        if not chosen:
            messages.error(request, _("Tick the batches to accept."))
            return
        accepted = []
        for shipment in chosen:  # each batch on its own: one refused does not hold back the others
            try:
                services.shipment_accept(
                    actor=request.user, shipment_id=shipment.pk, accepted_quantity=shipment.quantity
                )
            except DomainError as error:
                messages.error(request, f"{shipment.batch_number}: {error.message}")
            else:
                accepted.append(shipment.batch_number)
        if accepted:
            messages.success(
                request,
                _("%(n)d batches accepted into stock: %(batches)s.")
                % {"n": len(accepted), "batches": ", ".join(accepted)},
            )
        return
    shipment = get_object_or_404(waiting, pk=posted_id(request, "shipment"))
    reason = request.POST.get("reason", "")
    try:
        if action == "accept":
            services.shipment_accept(actor=request.user, shipment_id=shipment.pk, accepted_quantity=shipment.quantity)
            done = accepted_message(shipment, shipment.quantity)
        elif action == "accept_part":
            quantity = parse_quantity(request.POST.get("quantity", ""))
            services.shipment_accept(
                actor=request.user, shipment_id=shipment.pk, accepted_quantity=quantity, reason=reason
            )
            done = accepted_message(shipment, quantity)
        elif action == "reject":
            services.shipment_reject(actor=request.user, shipment_id=shipment.pk, reason=reason)
            done = accepted_message(shipment, 0)
        else:
            raise Http404
    except (DomainError, ValueError) as error:
        messages.error(request, f"{shipment.batch_number}: {getattr(error, 'message', error)}")
    else:
        messages.success(request, done)
