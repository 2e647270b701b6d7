"""Answering many negotiation requests by Excel (R-NEG-4), as manufacturers do on real platforms.

The download lists the requests waiting for the manufacturer, one row each, with the hospital's
price and the listing price; the clerk fills the answer column (接受 / 还价 / 拒绝, or accept /
counter / decline), a counter price, a note. The upload goes through ``services.answer_many``: all
answers or none, every problem reported with its row and column.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from negotiation import services
from negotiation.models import Negotiation
from procurement.core.errors import DomainError, Problem

HEADER = [
    "议价编号",
    "医院",
    "医保药品代码",
    "通用名",
    "规格包装",
    "挂网价",
    "对方报价",
    "应答（接受/还价/拒绝）",
    "还价（元/包装）",
    "备注（拒绝须写理由）",
]
ACTION_TEXT = {
    "接受": "accept",
    "还价": "counter",
    "拒绝": "decline",
    "accept": "accept",
    "counter": "counter",
    "decline": "decline",
}
COLUMN_OF_FIELD = {"negotiation": "A", "action": "H", "price": "I", "reason": "J", "note": "J"}
MAX_ROWS = 5000


def _cell(row: int, column: str) -> str:
    return _("row %(row)d, column %(column)s") % {"row": row, "column": column}


def answers_workbook(threads: list[Negotiation]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "议价应答"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for thread in threads:
        sheet.append(
            [
                thread.pk,
                thread.hospital.name,
                thread.product.code,
                thread.product.generic_name,
                thread.product.pack_description,
                float(thread.listing_price),
                float(thread.price),
                "",
                "",
                "",
            ]
        )
    choice = DataValidation(type="list", formula1='"接受,还价,拒绝"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"H2:H{max(2, len(threads) + 1)}")
    for column, width in zip("ABCDEFGHIJ", (10, 28, 26, 18, 16, 10, 10, 20, 16, 30), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def answers_from_workbook(stream) -> list[tuple[int, services.Answer]]:
    """The (row, answer) pairs of an uploaded sheet; rows with no answer are skipped."""
    try:
        sheet = load_workbook(stream, read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError(_("The file is not an Excel workbook (.xlsx)."), code="invalid", field="file") from None
    answers, problems = [], []
    for row_number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if row_number > MAX_ROWS + 1:
            raise DomainError(_("At most %(n)d rows at once.") % {"n": MAX_ROWS}, code="too_many", field="file")
        cells = list(row) + [None] * (len(HEADER) - len(row))
        action_text = str(cells[7] or "").strip()
        if not action_text:
            continue
        action = ACTION_TEXT.get(action_text.lower(), ACTION_TEXT.get(action_text))
        if action is None:
            problems.append(Problem("invalid", _("The answer is 接受, 还价 or 拒绝."), field=_cell(row_number, "H")))
            continue
        try:
            negotiation_id = int(cells[0])
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    "invalid", _("The negotiation number is missing or not a number."), field=_cell(row_number, "A")
                )
            )
            continue
        price = "" if cells[8] is None else str(cells[8])
        answers.append((row_number, services.Answer(negotiation_id, action, price, str(cells[9] or "").strip())))
    if problems:
        raise DomainError(problems=problems)
    if not answers:
        raise DomainError(_("No row has an answer (column H)."), code="required", field="file")
    return answers


def import_answers(*, actor, stream) -> int:
    rows = answers_from_workbook(stream)
    numbers = [row for row, _answer in rows]

    def where(index: int) -> str:
        return str(index)

    try:
        return services.answer_many(actor=actor, answers=[answer for _row, answer in rows], where=where)
    except DomainError as error:
        # "row 5.price" → "row 5, I (price)": the column the clerk must correct.
        problems = []
        for problem in error.problems:
            index, _dot, field = (problem.field or "").partition(".")
            row = numbers[int(index)] if index.isdigit() else 0
            problems.append(
                Problem(
                    problem.code,
                    problem.message,
                    field=_cell(row, COLUMN_OF_FIELD.get(field, "A")),
                    rule=problem.rule,
                    params=problem.params,
                )
            )
        raise DomainError(problems=problems) from None
