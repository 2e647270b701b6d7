"""Declarations by Excel: the template the platform hands out, and its all-or-nothing import.

The template lists the manufacturer's own products (with their listing price and national lowest)
on a second sheet and offers the eight categories in a drop-down. An uploaded file is checked row
by row with the same rules as the web form (``listings.rules``, ``listings.services``) after the
core's tabular reader has typed its cells; if any row is wrong, nothing is created and every
problem is reported with its row, column and rule.
"""

import io

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from listings import services
from listings.choices import OPEN_DECLARATION_STATUSES, ListingCategory
from listings.models import Declaration
from listings.rules import check_declared_price
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import national_lowest_map
from procurement.core import tabular
from procurement.core.errors import DomainError
from procurement.core.exports import safe_row
from procurement.organisations.models import User


def _category_by_text() -> dict[str, str]:
    """A category as the template's drop-down writes it (its label, in either language), its code or
    its rule ID."""
    mapping = {}
    for category in ListingCategory:
        mapping[category.value] = category.value
        mapping[category.rule] = category.value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                mapping[str(category.label)] = category.value
    return mapping


SHEET = tabular.Sheet(
    (
        tabular.Column("product_code", ("医保药品代码", "product_code", "code")),
        tabular.Column(
            "category",
            ("申报类别", "category"),
            tabular.Choice(
                _category_by_text,
                message=gettext_lazy("Unknown category “%(value)s”: choose one from the drop-down."),
            ),
        ),
        tabular.Column("price", ("申报价格（元/包装）", "申报价格", "price"), tabular.price),
        tabular.Column("note", ("备注", "note"), required=False),
    ),
    max_rows=5000,
    no_rows=gettext_lazy("The file has no declaration rows."),
)
HEADER = [column.aliases[0] for column in SHEET.columns]
MAX_ROWS = SHEET.max_rows


def template(user: User) -> bytes:
    """The declaration workbook for ``user``'s manufacturer, with its products on a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Declarations")
    sheet.append(safe_row(HEADER))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for column, width in zip("ABCD", (28, 36, 20, 40), strict=True):
        sheet.column_dimensions[column].width = width
    categories = workbook.create_sheet(_("Categories"))
    categories.append(safe_row([_("category"), _("rule")]))
    for category in ListingCategory:
        categories.append(safe_row([str(category.label), category.rule]))
    validation = DataValidation(
        type="list",
        formula1=f"'{categories.title}'!$A$2:$A${len(ListingCategory) + 1}",
        allow_blank=False,
        showErrorMessage=True,
    )
    sheet.add_data_validation(validation)
    validation.add(f"B2:B{MAX_ROWS + 1}")
    products = workbook.create_sheet(_("Our products"))
    products.append(
        safe_row(
            [
                _("national drug code"),
                _("generic name"),
                _("trade name"),
                _("dosage form"),
                _("pack"),
                _("listing price"),
                _("national lowest"),
            ]
        )
    )
    own = (
        Product.objects.filter(manufacturer=user.organisation)
        .select_related("listing")
        .order_by("generic_name", "code")
    )
    lowest = national_lowest_map(product.code for product in own)
    for product in own:
        listing = getattr(product, "listing", None) if hasattr(product, "listing") else None
        low = lowest.get(product.code)
        products.append(
            safe_row(
                [
                    product.code,
                    product.generic_name,
                    product.trade_name,
                    product.dosage_form,
                    product.pack_description,
                    float(listing.price) if listing else None,
                    float(low.price) if low else None,
                ]
            )
        )
    for column, width in zip("ABCDEFG", (28, 24, 16, 12, 22, 12, 12), strict=True):
        products.column_dimensions[column].width = width
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _column_of(problem_field: str | None) -> str:
    """The template's column a rule's or a service's problem is about."""
    return {"category": "category", "price": "price"}.get(problem_field or "", "product_code")


def import_declarations(*, actor: User, stream) -> list[Declaration]:
    """Create and submit a declaration for every row, or none: every problem of the file is raised at
    once as one ``DomainError`` (row and column in each problem's params, ``procurement.core.tabular``).

    Each row is checked as the web form checks it: the product must be one of the manufacturer's and
    have no declaration in progress, and the price must keep its category's cap (R-LIST-9).
    """
    if not services.can_declare(actor):
        raise DomainError(_("Only a manufacturer's clerk may declare prices."), code="forbidden")
    table = SHEET.read(stream)
    codes = {row["product_code"] for row in table.rows if row["product_code"]}
    products = {
        product.code: product for product in Product.objects.filter(code__in=codes).select_related("manufacturer")
    }
    in_progress = set(
        Declaration.objects.filter(product__code__in=codes, status__in=OPEN_DECLARATION_STATUSES).values_list(
            "product__code", flat=True
        )
    )
    today = timezone.localdate()
    seen: dict[str, int] = {}
    for row in table.rows:
        code = row["product_code"]
        if not code:
            continue  # the empty cell is already a problem
        product = products.get(code)
        if product is None:
            table.problem(
                row,
                "product_code",
                _("Unknown national drug code “%(code)s”.") % {"code": code},
                code="unknown_product",
                params={"value": code},
            )
        elif product.manufacturer_id != actor.organisation_id:
            table.problem(row, "product_code", _("This product is not one of yours."), code="not_own_product")
        elif code in seen:
            table.problem(
                row,
                "product_code",
                _("The same product is already in row %(row)d.") % {"row": seen[code]},
                code="duplicate",
                params={"first_row": seen[code]},
            )
        elif code in in_progress:
            table.problem(
                row,
                "product_code",
                _("This product already has a declaration in progress."),
                code="declaration_in_progress",
            )
        seen.setdefault(code, row.number)
    for row in table.rows:
        if not row.ok:
            continue
        try:
            check_declared_price(products[row["product_code"]], row["category"], row["price"], on=today)
        except DomainError as error:
            for problem in error.problems:
                table.problem(
                    row,
                    _column_of(problem.field),
                    problem.message,
                    code=problem.code,
                    rule=problem.rule,
                    params=problem.params,
                )
    table.raise_problems()
    created = []
    with transaction.atomic():
        for row in table.rows:
            try:
                with transaction.atomic():
                    created.append(
                        services.declaration_create(
                            actor=actor,
                            product=products[row["product_code"]],
                            category=row["category"],
                            price=row["price"],
                            note=row["note"],
                            submit=True,
                        )
                    )
            except DomainError as error:  # a rule only the service checks (R-LIST-14 …): named, then undone
                for problem in error.problems:
                    table.problem(
                        row,
                        _column_of(problem.field),
                        problem.message,
                        code=problem.code,
                        rule=problem.rule,
                        params=problem.params,
                    )
        if table.problems:
            transaction.set_rollback(True)
    table.raise_problems()
    return created
