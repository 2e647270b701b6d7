"""Workbooks of volume-based procurement: national results (R-VBP-1) and bids (R-VBP-8).

Both are read by the core's tabular reader: every problem with its row and column, all or nothing.
"""

import io
import re
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from procurement.catalogue.models import Product
from procurement.core import tabular
from procurement.core.errors import DomainError
from procurement.core.exports import safe_row
from procurement.organisations.choices import PROVINCES

NATIONAL_HEADER = ["通用名", "医保药品代码", "中选企业", "中选价格（元/包装）", "供应省份", "协议期开始", "协议期结束"]
NATIONAL_SHEET = tabular.Sheet(
    (
        tabular.Column("generic_name", (NATIONAL_HEADER[0], "generic_name", "通用名称"), max_length=100),
        tabular.Column("product_code", (NATIONAL_HEADER[1], "product_code", "code", "药品代码")),
        tabular.Column("company", (NATIONAL_HEADER[2], "company", "manufacturer", "中选企业名称"), max_length=200),
        tabular.Column("price", (NATIONAL_HEADER[3], "中选价格", "price"), tabular.price),
        tabular.Column("supply", (NATIONAL_HEADER[4], "供应地区", "supply_regions", "supply")),
        tabular.Column("valid_from", (NATIONAL_HEADER[5], "valid_from", "协议期起"), tabular.a_date),
        tabular.Column("valid_until", (NATIONAL_HEADER[6], "valid_until", "协议期止"), tabular.a_date),
    ),
    max_rows=20000,
    no_rows=gettext_lazy("The file has no winning product."),
)

_PROVINCE_BY_NAME = {name: code for code, name in PROVINCES.items()}
_SHORT_NAMES = {
    re.sub(r"(省|市|自治区|壮族|回族|维吾尔|特别行政区)", "", name): code for code, name in PROVINCES.items()
}
_SPLIT = re.compile(r"[,，、;；/\s]+")


def parse_provinces(text: str) -> list[str] | None:
    """``宁夏、甘肃`` / ``64,62`` / ``全国`` → GB/T 2260 province codes; None when a part is not a province."""
    text = (text or "").strip()
    if text in ("全国", "all", "全部"):
        return sorted(PROVINCES)
    codes = []
    for part in filter(None, _SPLIT.split(text)):
        code = part if part in PROVINCES else _PROVINCE_BY_NAME.get(part) or _SHORT_NAMES.get(part)
        if code is None:
            return None
        if code not in codes:
            codes.append(code)
    return codes or None


def read_national_results(data: bytes):
    """R-VBP-1: every row of a national result workbook checked; raises one ``DomainError`` with every
    problem by row and column, or returns the rows (``services.NationalRow``)."""
    from vbp.services import NationalRow, check_period

    table = NATIONAL_SHEET.read(io.BytesIO(data))
    codes = {row["product_code"] for row in table.rows if row["product_code"]}
    products = {
        product.code: product
        for product in Product.objects.filter(code__in=codes).select_related("manufacturer", "holder")
    }
    found, seen, periods = [], {}, set()
    for row in table.rows:
        product = products.get(row["product_code"]) if row["product_code"] else None
        if row["product_code"] and product is None:
            table.problem(
                row,
                "product_code",
                _("No product of the catalogue has the code “%(code)s”.") % {"code": row["product_code"]},
                code="unknown_product",
                rule="R-VBP-1",
            )
        if product is not None:
            if row["generic_name"] and row["generic_name"] != product.generic_name:
                table.problem(
                    row,
                    "generic_name",
                    _("The product %(code)s is “%(name)s” in the catalogue.")
                    % {"code": product.code, "name": product.generic_name},
                    code="generic_name_differs",
                    rule="R-VBP-1",
                )
            if row["company"] and row["company"] not in (product.manufacturer.name, product.holder.name):
                table.problem(
                    row,
                    "company",
                    _("The product %(code)s is made by “%(maker)s”, not “%(company)s”.")
                    % {"code": product.code, "maker": product.manufacturer.name, "company": row["company"]},
                    code="company_differs",
                    rule="R-VBP-1",
                )
            if product.code in seen:
                table.problem(
                    row,
                    "product_code",
                    _("This product is already on row %(row)d.") % {"row": seen[product.code]},
                    code="duplicate",
                )
            seen.setdefault(product.code, row.number)
        provinces = parse_provinces(row["supply"]) if row["supply"] else None
        if row["supply"] and provinces is None:
            table.problem(
                row,
                "supply",
                _("“%(value)s” is not a list of provinces (e.g. 宁夏、甘肃, or 64,62, or 全国).")
                % {"value": row["supply"]},
                code="invalid_provinces",
            )
        start, end = row["valid_from"], row["valid_until"]
        if isinstance(start, date) and isinstance(end, date):
            try:
                check_period(start, end)
            except DomainError as error:
                table.problem(row, "valid_until", error.message, code=error.problems[0].code, rule="R-VBP-4")
            else:
                periods.add((start, end))
        if row.ok:
            found.append(NationalRow(product, row["price"], provinces, start, end))
    if len(periods) > 1:
        first = min(periods)
        for row in table.rows:
            if (row["valid_from"], row["valid_until"]) != first and row.ok:
                table.problem(
                    row,
                    "valid_from",
                    _("One file is one batch with one agreement period: %(start)s to %(end)s as on the first rows.")
                    % {"start": first[0], "end": first[1]},
                    code="period_differs",
                    rule="R-VBP-4",
                )
    table.raise_problems()
    return found


def national_template() -> bytes:
    """The national result workbook's template: the header, and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "国家集采中选结果"
    sheet.append(safe_row(NATIONAL_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "阿托伐他汀钙片",
            "XC10AAA052A001010100000",
            "北京嘉林药业股份有限公司",
            5.46,
            "宁夏、甘肃",
            "2026-01-01",
            "2027-12-31",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- bids (R-VBP-8) ----------------------------------------------------------------------------------------

BID_HEADER = ["竞价单元编号", "通用名", "医保药品代码", "报价（元/包装）"]
BID_SHEET = tabular.Sheet(
    (
        tabular.Column("unit", (BID_HEADER[0], "unit", "unit_id"), tabular.positive_integer),
        tabular.Column("generic_name", (BID_HEADER[1], "generic_name"), required=False),
        tabular.Column("product_code", (BID_HEADER[2], "product_code", "code")),
        tabular.Column("price", (BID_HEADER[3], "报价", "price"), tabular.price),
    ),
    max_rows=500,
    skip_blank=("product_code", "price"),
    no_rows=gettext_lazy("No row has a bid (columns C and D)."),
)
_BID_COLUMN = {"unit": "unit", "product_code": "product_code", "price": "price"}


def bids_template(units) -> bytes:
    """One row per open unit: the company fills its product's code and its pack price."""
    book = Workbook()
    sheet = book.active
    sheet.title = "带量采购报价"
    sheet.append(safe_row(BID_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for unit in units:
        sheet.append(safe_row([unit.pk, str(unit), "", ""]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_bids(*, actor, stream) -> int:
    """R-VBP-8: every row's bid sealed, or none; problems by row and column."""
    from vbp.services import BidRequest, bids_submit

    table = BID_SHEET.read(stream)
    rows = [row for row in table.rows if row.ok]
    if rows:
        try:
            bids_submit(
                actor=actor,
                bids=[BidRequest(row["unit"], row["product_code"], row["price"]) for row in rows],
                where=str,
            )
        except DomainError as error:
            for problem in error.problems:
                index, _dot, field = (problem.field or "").partition(".")
                if not index.isdigit():
                    raise
                table.problem(
                    rows[int(index)],
                    _BID_COLUMN.get(field, "unit"),
                    problem.message,
                    code=problem.code,
                    rule=problem.rule,
                )
    table.raise_problems()
    return len(rows)
