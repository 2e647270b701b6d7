"""Import of alliance-platform prices for "four-same" products (R-ORD-6): all rows or none."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from procurement.core.audit import audit_reason
from procurement.core.errors import PermissionDenied
from procurement.core.money import parse_price
from procurement.orders.models import AlliancePrice
from procurement.organisations.models import User

COLUMNS = {
    "platform": ("联盟平台", "platform"),
    "generic_name": ("通用名", "generic_name"),
    "dosage_form": ("剂型", "dosage_form"),
    "specification": ("规格", "specification"),
    "manufacturer_name": ("生产企业", "manufacturer"),
    "pack_quantity": ("包装数量", "pack_quantity"),
    "price": ("价格", "挂网价格", "price"),
    "effective_date": ("执行日期", "effective_date"),
}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


class ImportRefused(Exception):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


def _rows(stream, name: str):
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        workbook = load_workbook(stream, read_only=True, data_only=True)
        yield from workbook.worksheets[0].iter_rows(values_only=True)
        workbook.close()
        return
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    yield from csv.reader(io.StringIO(text))


def import_alliance_prices(*, actor: User, stream, name: str) -> int:
    """Load (or replace) alliance prices; any bad row refuses the file, every problem named."""
    if not (actor.is_superuser or actor.is_provincial_bureau):
        raise PermissionDenied(_("Only the provincial bureau imports alliance prices."), code="forbidden")
    rows = _rows(stream, name)
    header = [str(cell or "").strip() for cell in next(rows, [])]
    positions, problems = {}, []
    for field, aliases in COLUMNS.items():
        found = [index for index, title in enumerate(header) if title in aliases]
        if found:
            positions[field] = found[0]
        else:
            problems.append(
                RowProblem(1, aliases[0], _("The header row has no “%(column)s” column.") % {"column": aliases[0]})
            )
    if problems:
        raise ImportRefused(problems)
    records = []
    for row_no, row in enumerate(rows, start=2):
        cells = list(row)
        if not any(str(cell or "").strip() for cell in cells):
            continue
        value = {field: cells[index] if index < len(cells) else None for field, index in positions.items()}
        record, row_problems = {}, []
        for field in ("platform", "generic_name", "dosage_form", "specification", "manufacturer_name"):
            text = str(value[field] or "").strip()
            if not text:
                row_problems.append(RowProblem(row_no, COLUMNS[field][0], _("This cell is empty.")))
            record[field] = text
        try:
            record["pack_quantity"] = int(str(value["pack_quantity"]).strip())
            if record["pack_quantity"] <= 0:
                raise ValueError
        except (TypeError, ValueError):
            row_problems.append(
                RowProblem(row_no, COLUMNS["pack_quantity"][0], _("A whole number of units above zero."))
            )
        try:
            raw = value["price"]
            record["price"] = parse_price(repr(raw) if isinstance(raw, float) else (raw or ""))
        except ValueError as error:
            row_problems.append(RowProblem(row_no, COLUMNS["price"][0], str(error)))
        effective = value["effective_date"]
        try:
            record["effective_date"] = (
                effective.date()
                if isinstance(effective, datetime)
                else effective
                if isinstance(effective, date)
                else date.fromisoformat(str(effective).strip())
            )
        except ValueError:
            row_problems.append(
                RowProblem(row_no, COLUMNS["effective_date"][0], _("Not a date: write it as YYYY-MM-DD."))
            )
        problems += row_problems
        if not row_problems:
            records.append(record)
    if problems:
        raise ImportRefused(problems)
    if not records:
        raise ImportRefused([RowProblem(2, "", _("The file has no price rows."))])
    with transaction.atomic(), audit_reason(_("Alliance prices imported")):
        for record in records:
            key = {
                field: record[field]
                for field in (
                    "platform",
                    "generic_name",
                    "dosage_form",
                    "specification",
                    "manufacturer_name",
                    "pack_quantity",
                )
            }
            AlliancePrice.objects.update_or_create(
                **key,
                defaults={"price": record["price"], "effective_date": record["effective_date"], "imported_by": actor},
            )
    return len(records)
