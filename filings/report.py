"""The monthly report of filed purchases as an Excel workbook (事后通报): the same figures as the page."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from filings.selectors import Report
from procurement.core.exports import safe_row


def headers() -> list[str]:
    return [
        _("region"),
        _("filed"),
        _("filed amount (yuan)"),
        _("approved"),
        _("approved amount (yuan)"),
        _("rejected"),
        _("hospitals over the monthly line"),
        _("not bought in time"),
    ]


def row_values(row) -> list:
    return [
        row.filed,
        row.filed_amount,
        row.approved,
        row.approved_amount,
        row.rejected,
        row.over_line,
        row.not_bought,
    ]


def workbook(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{report.month:%Y-%m}"
    scope = report.scope.name if report.scope else _("the whole province")
    sheet.append(
        safe_row([_("Filed purchases, %(month)s — %(scope)s") % {"month": f"{report.month:%Y-%m}", "scope": scope}])
    )
    sheet["A1"].font = Font(bold=True)
    sheet.append(safe_row(headers()))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append(safe_row([row.region.name if row.region else "—", *row_values(row)]))
    sheet.append(safe_row([_("total"), *row_values(report.total)]))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in ("C", "E"):
        for cell in sheet[column][2:]:
            cell.number_format = "#,##0.00"
    sheet.column_dimensions["A"].width = 24
    output = BytesIO()
    book.save(output)
    return output.getvalue()
