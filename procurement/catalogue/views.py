"""Pages of the catalogue and the national price feed."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from procurement.catalogue import services
from procurement.catalogue.choices import ImportStatus
from procurement.catalogue.filters import NationalPriceFilter, ProductFilter
from procurement.catalogue.forms import NationalPriceImportForm
from procurement.catalogue.models import NationalPrice, NationalPriceImport, Product
from procurement.catalogue.selectors import national_lowest, national_lowest_map, national_prices_of
from procurement.core.errors import DomainError
from procurement.core.exports import safe_row
from procurement.core.scoping import visible_to
from procurement.web.views import ScopedListView, apply_domain_error


class ProductListView(ScopedListView):
    model = Product
    filterset_class = ProductFilter
    template_name = "catalogue/product_list.html"

    def base_queryset(self):
        return Product.objects.select_related("manufacturer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["object_list"]
        context["lowest"] = national_lowest_map(product.code for product in page)
        return context


def product_detail(request, code):
    product = get_object_or_404(visible_to(request.user, Product).select_related("manufacturer", "holder"), code=code)
    return render(
        request,
        "catalogue/product_detail.html",
        {
            "product": product,
            "lowest": national_lowest(product.code),
            "prices": national_prices_of(product.code),
        },
    )


class NationalPriceListView(ScopedListView):
    model = NationalPrice
    filterset_class = NationalPriceFilter
    template_name = "catalogue/national_price_list.html"

    def base_queryset(self):
        return NationalPrice.objects.order_by("product_code", "price")

    def get_context_data(self, **kwargs):
        # Each row beside its product's name, strength, pack and manufacturer (issue 12): read for the page only.
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])
        products = Product.objects.filter(code__in={row.product_code for row in rows}).select_related("manufacturer")
        by_code = {product.code: product for product in products}
        for row in rows:
            row.product = by_code.get(row.product_code)
        context["object_list"] = rows
        return context


class ImportListView(LoginRequiredMixin, ScopedListView):
    """The provincial bureau's feed loads, newest first, with the upload form."""

    model = NationalPriceImport
    template_name = "catalogue/import_list.html"
    paginate_by = 20

    def base_queryset(self):
        return NationalPriceImport.objects.select_related("uploaded_by")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", NationalPriceImportForm())
        kwargs["can_import"] = services.can_import_national_prices(self.request.user)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        if not services.can_import_national_prices(request.user):
            raise DjangoPermissionDenied
        form = NationalPriceImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = services.national_price_import_create(
                    user=request.user, uploaded_file=form.cleaned_data["file"]
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The file was received and is being loaded."))
                return redirect("catalogue:import-detail", pk=batch.pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


@login_required
def import_detail(request, pk):
    batch = get_object_or_404(visible_to(request.user, NationalPriceImport).select_related("uploaded_by"), pk=pk)
    if batch.status == ImportStatus.RUNNING and services.national_price_imports_reap():
        batch.refresh_from_db()  # its worker had died: it is failed now, and may be retried
    errors = batch.errors.all()[:500]
    template = "catalogue/_import_status.html" if request.headers.get("HX-Request") else "catalogue/import_detail.html"
    return render(
        request,
        template,
        {
            "batch": batch,
            "errors": errors,
            "can_retry": services.can_import_national_prices(request.user) and services.can_retry(batch),
        },
    )


@login_required
@require_POST
def import_retry(request, pk):
    batch = get_object_or_404(visible_to(request.user, NationalPriceImport), pk=pk)
    try:
        services.national_price_import_retry(user=request.user, batch_id=batch.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file is being loaded again."))
    return redirect("catalogue:import-detail", pk=batch.pk)


@login_required
def import_errors_csv(request, pk):
    """Every problem of a refused file, to fix it in a spreadsheet (Excel opens UTF-8 with a BOM)."""
    batch = get_object_or_404(visible_to(request.user, NationalPriceImport), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="feed-import-{batch.pk}-errors.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(safe_row([_("row"), _("column"), _("value"), _("reason")]))
    for error in batch.errors.all().iterator():
        writer.writerow(safe_row([error.row, error.column, error.value, error.reason]))
    return response
