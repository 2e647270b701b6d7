"""One reader for the spreadsheets people upload: .xlsx or CSV in, typed rows and located problems out.

An importer declares its columns — the names a header may give each one (Chinese and English) and
the type of its cells — and reads the upload::

    SHEET = Sheet(
        (
            Column("product_code", ("医保药品代码", "product_code", "code")),
            Column("price", ("申报价格（元/包装）", "申报价格", "price"), price),
            Column("note", ("备注", "note"), required=False),
        ),
        max_rows=5000,
    )

    table = SHEET.read(upload)  # refuses an unreadable file, a missing column, too many rows
    for row in table.rows:  # blank rows are skipped; row.number is the Excel row (header: 1)
        if row.ok and row["price"] > cap:
            table.problem(row, "price", _("Above the cap."), code="above_cap", rule="R-LIST-2")
    table.raise_problems()  # every cell's and every rule's problem at once, or nothing

Problems follow one convention (``procurement.core.errors``): each is a ``Problem`` on the field
``"file"`` (the upload) whose ``params`` carry ``row`` (as the user sees it in Excel) and
``column`` (the header as written in the file) when the problem has a place, plus the figures
(``value``, a cap …). They are raised together as one ``DomainError``, which the API's exception
handler renders and the import pages show as a table of row, column and message.

The reader only reads: it writes nothing, so an importer that raises before its own writes is all
or nothing.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from procurement.core.errors import DomainError, Problem
from procurement.core.money import PRICE_PLACES, parse_price

FIELD = "file"  # the upload's field in every import form and API endpoint
INTEGER_MAX = 2_147_483_647  # PostgreSQL's integer

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SLASHED_DATE = re.compile(r"(\d{4})\s*[/.年]\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})\s*日?")


class CellError(ValueError):
    """A cell that cannot be read as its column's type; ``message`` is translated."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# -- cell types: a callable from a non-blank cell (text, number or date) to a value ----------------


def cell_text(value: Any) -> str:
    """A cell as the text the user typed: numbers without float noise, dates as ISO dates."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: what the cell shows.
        text = repr(value)
        return f"{Decimal(text):f}" if "e" in text.lower() else text
    return str(value).strip()


def text(value: Any) -> str:
    """Text, stripped (the default type; with ``required=True`` a blank cell is a problem)."""
    return cell_text(value)


def positive_integer(value: Any) -> int:
    """A whole number above zero (``7``, ``7.0`` from Excel, ``"7"`` from CSV)."""
    shown = cell_text(value)
    try:
        number = Decimal(shown)
    except InvalidOperation:
        number = None
    if isinstance(value, bool) or number is None or not number.is_finite():
        number = None
    if number is None or number <= 0 or number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number above zero.") % {"value": shown})
    if number > INTEGER_MAX:
        raise CellError(_("“%(value)s” is too large.") % {"value": shown})
    return int(number)


def price(value: Any) -> Decimal:
    """A price in yuan, by ``core.money.parse_price`` (above zero, at most four decimal places)."""
    shown = cell_text(value)
    try:
        if isinstance(value, bool):
            raise ValueError(shown)
        return parse_price(shown)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a price: write an amount in yuan above zero, with at most %(places)d decimal places.")
            % {"value": shown, "places": PRICE_PLACES}
        ) from None


def a_date(value: Any) -> date:
    """A date cell, or text written 2026-10-01 (ISO), 2026/10/1, 2026.10.1 or 2026年10月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    shown = cell_text(value)
    try:
        return date.fromisoformat(shown)
    except ValueError:
        pass
    match = _SLASHED_DATE.fullmatch(shown)
    try:
        if match:
            return date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    raise CellError(_("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-09-18.") % {"value": shown})


@dataclass(frozen=True)
class Choice:
    """One of a mapping's keys (compared without case or surrounding spaces), read as its value.

    ``mapping`` may be a callable, evaluated at each read (labels in the active languages);
    ``options`` are the keys the message offers (default: all); ``message`` replaces the default,
    with ``%(value)s`` and ``%(options)s``.
    """

    mapping: Mapping[str, Any] | Callable[[], Mapping[str, Any]]
    options: tuple[str, ...] = ()
    message: str | Promise | None = None

    def __call__(self, value: Any) -> Any:
        mapping = self.mapping() if callable(self.mapping) else self.mapping
        shown = cell_text(value)
        wanted = shown.casefold()
        for key, choice in mapping.items():
            if str(key).strip().casefold() == wanted:
                return choice
        template = self.message or _("“%(value)s” is not one of: %(options)s.")
        options = "、".join(self.options or (str(key) for key in mapping))
        raise CellError(str(template) % {"value": shown, "options": options})


# -- columns, sheets, tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column an importer reads: its key, the header names it accepts (the first is the template's),
    the type of its cells, and whether every row must fill it. A column that need not be filled need
    not be in the file either."""

    key: str
    aliases: tuple[str, ...]
    kind: Callable[[Any], Any] = text
    required: bool = True
    # The most characters a text value may hold (the model field's ``max_length``): longer is a
    # problem of its cell, not PostgreSQL's "value too long" when the rows are written in bulk.
    max_length: int | None = None

    def __post_init__(self):
        if not self.aliases:
            raise ValueError(f"column {self.key!r} has no header name")


@dataclass
class Row:
    """A non-blank data row: its number as Excel shows it and its typed values (None when blank or
    wrong); ``ok`` until a problem is found in it."""

    number: int
    values: dict[str, Any]
    ok: bool = True

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def _normalise(name: Any) -> str:
    """Header names compared without spaces, BOM, brackets of either width, or case."""
    return re.sub(r"[\s\ufeff（）()]", "", str(name or "")).casefold()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _problem(message: str, *, code: str, rule: str | None = None, **params: Any) -> Problem:
    return Problem(code=code, message=message, field=FIELD, rule=rule, params=params)


def refuse(message: str, *, code: str = "invalid", rule: str | None = None, **params: Any) -> DomainError:
    """The error that refuses the whole file at once (unreadable, a missing column, too many rows)."""
    return DomainError(problems=[_problem(message, code=code, rule=rule, **params)])


@dataclass
class Table:
    """What a ``Sheet`` read: the rows, and the problems found so far (raised by ``raise_problems``)."""

    headers: dict[str, str]  # key → the header as written in the file (or the template's, if absent)
    positions: dict[str, int]  # key → its index in the file's header row
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def column(self, key: str) -> str:
        return self.headers[key]

    def problem(
        self,
        row: Row | int,
        key: str | None,
        message: str,
        *,
        code: str = "invalid",
        rule: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        """Record a problem of ``row`` (a ``Row`` or its number) in column ``key`` (None: the row)."""
        number = row.number if isinstance(row, Row) else row
        if isinstance(row, Row):
            row.ok = False
        located = {"row": number, "column": self.headers[key] if key else ""}
        self.problems.append(_problem(str(message), code=code, rule=rule, **{**(params or {}), **located}))

    def raise_problems(self) -> None:
        """Raise every problem at once, by row and then from left to right, if there is any."""
        if not self.problems:
            return
        columns = {self.headers[key]: self.positions.get(key, len(self.positions)) for key in self.headers}
        self.problems.sort(key=lambda p: (p.params.get("row") or 0, columns.get(p.params.get("column"), -1)))
        raise DomainError(problems=self.problems)


@dataclass(frozen=True)
class Sheet:
    """The columns of an upload, read from the first worksheet of an .xlsx or from a CSV file.

    Rows blank in every ``skip_blank`` column (default: every declared column) are skipped; more
    than ``max_rows`` others refuse the file, and so does a file with none (``no_rows``).
    """

    columns: tuple[Column, ...]
    max_rows: int = 5000
    skip_blank: tuple[str, ...] = ()
    no_rows: str | Promise | None = None
    max_bytes: int = 10 * 1024 * 1024  # the upload itself

    def read(self, stream: IO[bytes]) -> Table:
        """Read and type every row; refuse (``DomainError``) a file that cannot be read as this sheet.

        Cell problems are collected in the table, not raised: the importer adds its own, then calls
        ``table.raise_problems()``.
        """
        rows = self._open(stream)
        try:
            return self._read_rows(rows)
        finally:
            rows.close()  # the workbook is closed even when the file is refused half-way

    def check(self, stream: IO[bytes]) -> None:
        """Refuse (``DomainError``) a file this sheet can never read, reading only as far as its first
        data row: too large, neither a workbook nor CSV text, damaged at the start, no header, a
        column missing, or no data row at all. For the request that receives an upload whose rows are
        read — each checked, with ``read`` — in the background: what is wrong with the file as a
        whole is answered at once."""
        rows = self._open(stream)
        try:
            table = self._read_header(rows)
            skip_keys = self.skip_blank or tuple(column.key for column in self.columns)
            indexes = [table.positions[key] for key in skip_keys if key in table.positions]
            for cells in rows:
                if not all(_blank(cells[index]) for index in indexes if index < len(cells)):
                    return  # a data row: the rest is for ``read``
            raise self._no_rows()
        finally:
            rows.close()
            if hasattr(stream, "seek"):
                stream.seek(0)

    def _open(self, stream: IO[bytes]) -> Iterator[tuple]:
        """The file's rows as cells (a generator to close), after the checks of its first bytes."""
        if hasattr(stream, "seek"):
            stream.seek(0)
        data = stream.read(self.max_bytes + 1)
        if isinstance(data, str):
            data = data.encode()
        if len(data) > self.max_bytes:
            raise refuse(
                _("The file is larger than %(mb)d MB: send fewer rows at a time.")
                % {"mb": self.max_bytes // (1024 * 1024)},
                code="too_large",
            )
        if data.startswith(_XLS_MAGIC):
            raise refuse(_("Old Excel files (.xls) cannot be read: save the file as .xlsx or CSV."), code="format")
        if not data.startswith(_XLSX_MAGIC) and b"\x00" in data[:8192]:
            raise refuse(_("The file is neither an Excel workbook (.xlsx) nor a CSV file."), code="format")
        return _xlsx_rows(data) if data.startswith(_XLSX_MAGIC) else _csv_rows(data)

    def _no_rows(self) -> DomainError:
        message = str(self.no_rows) if self.no_rows else _("The file has a header but no data rows.")
        return refuse(message, code="no_rows", row=2)

    def _read_header(self, rows: Iterator[tuple]) -> Table:
        header = next(rows, None)
        if header is None or all(_blank(cell) for cell in header):
            raise refuse(_("The file is empty: the first row must name the columns."), code="empty", row=1)
        return self._header(list(header))

    def _read_rows(self, rows: Iterator[tuple]) -> Table:
        table = self._read_header(rows)
        skip_keys = self.skip_blank or tuple(column.key for column in self.columns)
        for number, cells in enumerate(rows, start=2):
            raw = {key: cells[index] if index < len(cells) else None for key, index in table.positions.items()}
            if all(_blank(raw.get(key)) for key in skip_keys):
                continue
            if len(table.rows) == self.max_rows:
                raise refuse(_("At most %(n)d rows a file.") % {"n": self.max_rows}, code="too_many_rows", row=number)
            table.rows.append(self._row(table, number, raw))
        if not table.rows:
            raise self._no_rows()
        return table

    def _header(self, header: list) -> Table:
        problems, headers, positions = [], {}, {}
        names = {_normalise(alias): column for column in self.columns for alias in column.aliases}
        for index, name in enumerate(header):
            column = names.get(_normalise(name))
            if column is None:
                continue
            if column.key in positions:
                problems.append(
                    _problem(
                        _("This column appears twice in the header."),
                        code="duplicate_column",
                        row=1,
                        column=str(name).strip(),
                    )
                )
                continue
            positions[column.key], headers[column.key] = index, str(name).strip()
        for column in self.columns:
            if column.key in positions:
                continue
            headers[column.key] = column.aliases[0]
            if column.required:
                message = _("The header row has no “%(column)s” column (accepted names: %(names)s).") % {
                    "column": column.aliases[0],
                    "names": "、".join(column.aliases),
                }
                problems.append(_problem(message, code="missing_column", row=1, column=column.aliases[0]))
        if problems:
            raise DomainError(problems=problems)
        return Table(headers=headers, positions=positions)

    def _row(self, table: Table, number: int, raw: dict[str, Any]) -> Row:
        row = Row(number, {})
        for column in self.columns:
            value = raw.get(column.key)
            if _blank(value):
                row.values[column.key] = "" if column.kind is text else None
                if column.required:
                    table.problem(row, column.key, _("This cell is empty."), code="required")
                continue
            if isinstance(value, str) and "\x00" in value:
                # PostgreSQL's text holds no NUL character: refused here, in its cell, not by the database.
                row.values[column.key] = None
                table.problem(
                    row, column.key, _("This cell holds a NUL character, which no text may hold."), code="nul"
                )
                continue
            try:
                row.values[column.key] = column.kind(value)
            except CellError as error:
                row.values[column.key] = None
                table.problem(row, column.key, error.message, code=error.code, params={"value": cell_text(value)})
                continue
            typed = row.values[column.key]
            if column.max_length and isinstance(typed, str) and len(typed) > column.max_length:
                table.problem(
                    row,
                    column.key,
                    _("At most %(limit)d characters (%(length)d given).")
                    % {"limit": column.max_length, "length": len(typed)},
                    code="max_length",
                    params={"limit": column.max_length, "length": len(typed)},
                )
        return row


# What an honest workbook of the platform's imports unpacks to: a hostile one (a "zip bomb" whose
# shared strings decompress to gigabytes) is refused from its directory, before anything is unpacked.
MAX_ENTRIES = 200
MAX_SHARED_STRINGS = 32 * 1024 * 1024
MAX_UNPACKED = 256 * 1024 * 1024


def check_workbook_archive(
    source,
    *,
    max_entries: int = MAX_ENTRIES,
    max_shared_strings: int = MAX_SHARED_STRINGS,
    max_unpacked: int = MAX_UNPACKED,
) -> None:
    """Refuse an .xlsx whose archive holds too many entries or unpacks too large, reading only the
    archive's directory (the sizes each entry declares; unpacking never yields more than declared)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refuse(_("Not a readable Excel (.xlsx) file."), code="format") from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    shared = sum(entry.file_size for entry in entries if entry.filename.lower().endswith("sharedstrings.xml"))
    if len(entries) > max_entries or shared > max_shared_strings or sum(e.file_size for e in entries) > max_unpacked:
        raise refuse(
            _(
                "This workbook unpacks to far more than its rows need (it may be damaged or hostile): save it again "
                "from Excel, or as CSV."
            ),
            code="archive_too_large",
        )


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    check_workbook_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise refuse(_("Not a readable Excel (.xlsx) file: %(error)s") % {"error": error}, code="format") from None
    read = 0
    try:
        if not workbook.worksheets:
            raise refuse(_("The workbook has no worksheet."), code="format")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # files not written by Excel often declare a wrong size: read every cell
        for cells in sheet.iter_rows(values_only=True):
            yield cells
            read += 1
    except DomainError:
        raise
    except Exception as error:  # a sheet whose XML is damaged fails only when its rows are read
        raise refuse(
            _("The workbook cannot be read at row %(row)d (it may be damaged): %(error)s")
            % {"row": read + 1, "error": error},
            code="format",
            row=read + 1,
        ) from None
    finally:
        workbook.close()


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise refuse(_("The CSV file is neither UTF-8 nor GB18030 text."), code="encoding")
    read = 0
    reader = csv.reader(io.StringIO(content, newline=""))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # a cell longer than csv's limit (128 KiB), and the like
            limit = csv.field_size_limit()
            message = (
                _("Row %(row)d has a cell longer than %(limit)d characters.") % {"row": read + 1, "limit": limit}
                if "field limit" in str(error)
                else _("Row %(row)d cannot be read as CSV: %(error)s") % {"row": read + 1, "error": error}
            )
            raise refuse(message, code="format", row=read + 1) from None
        read += 1
        yield cells
