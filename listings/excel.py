"""Declarations by Excel: the template the platform hands out, and its all-or-nothing import.

The template lists the manufacturer's own products (with their listing price and national lowest)
on a second sheet and offers the eight categories in a drop-down. An uploaded file is checked row
by row with the same rules as the web form (``listings.rules``, ``listings.services``); if any row
is wrong, nothing is created and every problem is reported with its row, column and rule.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from listings import services
from listings.choices import OPEN_DECLARATION_STATUSES, ListingCategory
from listings.models import Declaration
from listings.rules import check_declared_price
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import national_lowest_map
from procurement.core.errors import DomainError
from procurement.core.money import parse_price
from procurement.organisations.models import User

COLUMNS = {
    "product_code": ("医保药品代码", "product_code", "code"),
    "category": ("申报类别", "category"),
    "price": ("申报价格（元/包装）", "申报价格", "price"),
    "note": ("备注", "note"),
}
HEADER = [aliases[0] for aliases in COLUMNS.values()]
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    rule: str
    message: str


class ImportRefused(Exception):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


def _category_by_text() -> dict[str, str]:
    mapping = {}
    for category in ListingCategory:
        mapping[category.value] = category.value
        mapping[str(category.label)] = category.value
        mapping[category.rule] = category.value
    return mapping


def template(user: User) -> bytes:
    """The declaration workbook for ``user``'s manufacturer, with its products on a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Declarations")
    sheet.append(HEADER)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for column, width in zip("ABCD", (28, 36, 20, 40), strict=True):
        sheet.column_dimensions[column].width = width
    categories = workbook.create_sheet(_("Categories"))
    categories.append([_("category"), _("rule")])
    for category in ListingCategory:
        categories.append([str(category.label), category.rule])
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
    for column, width in zip("ABCDEFG", (28, 24, 16, 12, 22, 12, 12), strict=True):
        products.column_dimensions[column].width = width
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _read(stream) -> tuple[list[tuple[int, dict]], list[RowProblem]]:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise ImportRefused(
            [RowProblem(1, "", "", _("Not a readable Excel (.xlsx) file: %(error)s") % {"error": error})]
        ) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(rows, ())]
        positions, problems = {}, []
        for field, aliases in COLUMNS.items():
            found = [index for index, name in enumerate(header) if name in aliases]
            if found:
                positions[field] = found[0]
            elif field != "note":
                problems.append(
                    RowProblem(
                        1, aliases[0], "", _("The header row has no “%(column)s” column.") % {"column": aliases[0]}
                    )
                )
        if problems:
            raise ImportRefused(problems)
        records = []
        for row_no, row in enumerate(rows, start=2):
            cells = list(row)
            values = {field: cells[index] if index < len(cells) else None for field, index in positions.items()}
            if all(value in (None, "") for value in values.values()):
                continue
            records.append((row_no, values))
            if len(records) > MAX_ROWS:
                raise ImportRefused([RowProblem(row_no, "", "", _("At most %(n)d rows a file.") % {"n": MAX_ROWS})])
        return records, []
    finally:
        workbook.close()


def import_declarations(*, actor: User, stream) -> list[Declaration]:
    """Create and submit a declaration for every row, or none: ``ImportRefused`` lists every problem."""
    if not services.can_declare(actor):
        raise DomainError(_("Only a manufacturer's clerk may declare prices."), code="forbidden")
    records, problems = _read(stream)
    if not records:
        raise ImportRefused([RowProblem(2, "", "", _("The file has no declaration rows."))])
    categories = _category_by_text()
    codes = {str(values["product_code"] or "").strip() for _row, values in records}
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
    ready = []
    for row_no, values in records:
        code = str(values["product_code"] or "").strip()
        product = products.get(code)
        row_problems = []
        if product is None:
            row_problems.append(
                RowProblem(
                    row_no, COLUMNS["product_code"][0], "", _("Unknown national drug code “%(code)s”.") % {"code": code}
                )
            )
        elif product.manufacturer_id != actor.organisation_id:
            row_problems.append(
                RowProblem(row_no, COLUMNS["product_code"][0], "", _("This product is not one of yours."))
            )
        elif code in seen:
            row_problems.append(
                RowProblem(
                    row_no,
                    COLUMNS["product_code"][0],
                    "",
                    _("The same product is already in row %(row)d.") % {"row": seen[code]},
                )
            )
        elif code in in_progress:
            row_problems.append(
                RowProblem(
                    row_no, COLUMNS["product_code"][0], "", _("This product already has a declaration in progress.")
                )
            )
        seen.setdefault(code, row_no)
        category = categories.get(str(values["category"] or "").strip())
        if category is None:
            row_problems.append(
                RowProblem(
                    row_no,
                    COLUMNS["category"][0],
                    "",
                    _("Unknown category “%(value)s”: choose one from the drop-down.")
                    % {"value": values["category"] or ""},
                )
            )
        price = None
        raw_price = values["price"]
        try:
            if isinstance(raw_price, float):
                raw_price = repr(raw_price)
            price = parse_price(raw_price if raw_price is not None else "")
        except ValueError as error:
            row_problems.append(RowProblem(row_no, COLUMNS["price"][0], "", str(error)))
        if not row_problems:
            try:
                check_declared_price(product, category, price, on=today)
            except DomainError as error:
                for problem in error.problems:
                    column = COLUMNS["category"][0] if problem.field == "category" else COLUMNS["price"][0]
                    row_problems.append(RowProblem(row_no, column, problem.rule or "", str(problem.message)))
        problems += row_problems
        if not row_problems:
            ready.append((product, category, price, str(values.get("note") or "")))
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        return [
            services.declaration_create(
                actor=actor, product=product, category=category, price=Decimal(price), note=note, submit=True
            )
            for product, category, price, note in ready
        ]
