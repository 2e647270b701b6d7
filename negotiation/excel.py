"""Answering many negotiation requests by Excel (R-NEG-4), as manufacturers do on real platforms.

The download lists the requests waiting for the manufacturer, one row each, with the hospital's
price and the listing price; the clerk fills the answer column (接受 / 还价 / 拒绝, or accept /
counter / decline), a counter price, a note. The core's tabular reader types the upload's cells and
``services.answer_many`` checks the answers: all answers or none, every problem reported with its
row and column.
"""

import io

from django.db import transaction
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from negotiation import services
from negotiation.models import Negotiation
from procurement.core import tabular
from procurement.core.errors import DomainError
from procurement.core.exports import safe_row

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
SHEET = tabular.Sheet(
    (
        tabular.Column("negotiation", (HEADER[0], "negotiation", "id"), tabular.positive_integer),
        tabular.Column(
            "action",
            (HEADER[7], "应答", "answer", "action"),
            tabular.Choice(ACTION_TEXT, options=("接受", "还价", "拒绝")),
        ),
        tabular.Column("price", (HEADER[8], "还价", "price"), tabular.price, required=False),
        tabular.Column("note", (HEADER[9], "备注", "note", "reason"), required=False),
    ),
    max_rows=5000,
    skip_blank=("action",),  # a request left unanswered stays open
    no_rows=gettext_lazy("No row has an answer (column H)."),
)
# The sheet's column for each field ``services.answer_many`` names in its problems.
COLUMN_OF_FIELD = {"negotiation": "negotiation", "action": "action", "price": "price", "reason": "note", "note": "note"}


def answers_workbook(threads: list[Negotiation]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "议价应答"
    sheet.append(safe_row(HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for thread in threads:
        sheet.append(
            safe_row(
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
        )
    choice = DataValidation(type="list", formula1='"接受,还价,拒绝"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"H2:H{max(2, len(threads) + 1)}")
    for column, width in zip("ABCDEFGHIJ", (10, 28, 26, 18, 16, 10, 10, 20, 16, 30), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_answers(*, actor, stream) -> int:
    """R-NEG-4: record every answered row of the sheet, or none.

    Every problem — a cell the reader cannot type, a rule ``services.answer_many`` checks — is
    raised at once as one ``DomainError``, each with its row and column
    (``procurement.core.tabular``).
    """
    table = SHEET.read(stream)
    rows = [row for row in table.rows if row.ok]
    answers = [
        services.Answer(
            row["negotiation"], row["action"], "" if row["price"] is None else str(row["price"]), row["note"]
        )
        for row in rows
    ]
    count = 0
    with transaction.atomic():
        if answers:  # the rows the reader could type are checked too, so that every problem is named at once
            try:
                count = services.answer_many(actor=actor, answers=answers, where=str)
            except DomainError as error:
                for problem in error.problems:
                    index, _dot, field = (problem.field or "").partition(".")
                    if not index.isdigit():
                        raise  # not about a row (who may answer): as it is
                    table.problem(
                        rows[int(index)],
                        COLUMN_OF_FIELD.get(field, "negotiation"),
                        problem.message,
                        code=problem.code,
                        rule=problem.rule,
                        params=problem.params,
                    )
        if table.problems:
            transaction.set_rollback(True)
    table.raise_problems()
    return count
