"""Bulk load of the national price feed (DOMAIN.md §2): all-or-nothing, near COPY speed.

A feed file (CSV in UTF-8 or GB18030, or Excel) has a header row naming four columns — drug code,
province, price, effective date — in any order, in Chinese or English. It is a snapshot: for each
province it contains, it is that province's complete list of current prices, and replaces the
list loaded before (a product a province no longer lists must not keep lowering the "national
lowest"). Provinces absent from the file keep their prices.

Loading a file:

1. streams it into a temporary staging table with ``COPY`` (CSV) or from openpyxl (Excel);
2. checks the drug codes once per distinct code and the provinces once per distinct spelling;
3. inside a savepoint, deletes the previous prices of the file's provinces and inserts every row
   in one ``INSERT … SELECT`` whose casts fail on any bad value (the primary key refuses a
   duplicate); into an empty table (the first load) the key is built after the rows;
4. if anything at all is wrong, rolls the savepoint back, leaving the feed as it was, and runs the
   detailed checks, which name every bad cell: row, column, value and reason (a CSV file is staged
   again for them, each row numbered as the user sees it in the file).

The fast path avoids what costs most per row in PostgreSQL: regular expressions (run once per
distinct code instead), ``INSERT … ON CONFLICT`` (about 2.5 × a plain insert), numbering the rows
(a sequence call each), copies and collation-aware comparisons in the checks of each value; see
``bench/feed_import.py`` and ``bench/README.md``. The checks that name every problem run only when
a file is refused.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from procurement.catalogue.codes import DRUG_CODE_PATTERN
from procurement.core.bulk import indexes_built_after
from procurement.core.money import PRICE_MAX_DIGITS, PRICE_PLACES
from procurement.organisations.choices import PROVINCE_SHORT_NAMES, PROVINCES

FIELDS = ("product_code", "province", "price", "effective_date")

# Header names accepted for each field, compared after removing spaces, brackets and case.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "product_code": (
        "product_code",
        "code",
        "drug_code",
        "医保药品代码",
        "国家医保药品代码",
        "药品代码",
        "医保代码",
        "药品编码",
        "医保药品分类与代码",
    ),
    "province": ("province", "省份", "省份名称", "省份代码", "挂网省份", "省"),
    "price": ("price", "挂网价格", "价格", "挂网价", "现执行挂网价格", "挂网价(元)", "挂网价格(元)"),
    "effective_date": ("effective_date", "date", "执行日期", "生效日期", "价格生效日期", "执行时间"),
}

PRICE_LIMIT = 10 ** (PRICE_MAX_DIGITS - PRICE_PLACES)
STAGE = "feed_stage"
TABLE = "catalogue_nationalprice"
_CHUNK = 1 << 20


class FeedFileError(Exception):
    """The file cannot be read at all (no header, not a workbook): problems at row 1."""

    def __init__(self, problems: list["RowProblem"]):
        self.problems = problems
        super().__init__("; ".join(problem.reason for problem in problems))


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class LoadResult:
    rows_total: int = 0
    rows_replaced: int = 0
    provinces: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _normalise_header(name: object) -> str:
    return re.sub(r"[\s\ufeff（）()]", "", str(name or "")).lower()


_ALIASES = {_normalise_header(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def map_header(header: list[str]) -> dict[str, int]:
    """Which column of the file holds each field; every field must be present exactly once."""
    positions: dict[str, int] = {}
    problems = []
    for index, name in enumerate(header):
        field_name = _ALIASES.get(_normalise_header(name))
        if field_name is None:
            continue
        if field_name in positions:
            problems.append(RowProblem(1, str(name), str(name), _("This column appears twice in the header.")))
        positions[field_name] = index
    for field_name in FIELDS:
        if field_name not in positions:
            reason = _("The header row has no “%(column)s” column (accepted names: %(names)s).") % {
                "column": field_name,
                "names": "、".join(HEADER_ALIASES[field_name]),
            }
            problems.append(RowProblem(1, field_name, "", reason))
    if problems:
        raise FeedFileError(problems)
    return positions


def _detect_encoding(sample: bytes) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


# Every accepted spelling of a province: its code, its name and its short name (11, 北京市, 北京).
_PROVINCE_SPELLINGS = {
    spelling: code for code, name in PROVINCES.items() for spelling in (code, name, PROVINCE_SHORT_NAMES[code])
}


def _province_code(spelling: str | None) -> str | None:
    return _PROVINCE_SPELLINGS.get((spelling or "").strip())


def _provinces_cte() -> tuple[str, list[str]]:
    """``provinces(spelling, code)`` for SQL: every accepted spelling of a province."""
    params = [value for pair in _PROVINCE_SPELLINGS.items() for value in pair]
    return f"provinces(spelling, code) AS (VALUES {', '.join(['(%s, %s)'] * len(_PROVINCE_SPELLINGS))})", params


def _create_stage(cursor, width: int, *, numbered: bool = True) -> None:
    """The staging table: one text column per column of the file, and the row number as the user sees it.

    ``numbered=False`` leaves the row number out: numbering 1.8 million rows by an identity column
    costs ≈ 0.3 s of a 1-second COPY, and only the checks that explain a refused file need it.
    """
    columns = ", ".join(f"c{index} text" for index in range(width))
    row_no = "row_no bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 2), " if numbered else ""
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(f"CREATE TEMP TABLE {STAGE} ({row_no}{columns}) ON COMMIT DROP")


def _copy_csv(cursor, stream: IO[bytes], width: int, encoding: str) -> int:
    """Stream a CSV file into the stage with COPY: the server parses it."""
    columns = ", ".join(f"c{index}" for index in range(width))
    pg_encoding = "UTF8" if encoding == "utf-8" else "GB18030"
    # FREEZE: the stage was created in this subtransaction, so its rows need no later hint-bit writes.
    with cursor.copy(
        f"COPY {STAGE} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true, FREEZE true, ENCODING '{pg_encoding}')"
    ) as copy:
        while chunk := stream.read(_CHUNK):
            copy.write(chunk)
    return cursor.rowcount


def _copy_rows(cursor, rows: Iterable[tuple[int, list[str | None]]], width: int) -> int:
    columns = ", ".join(["row_no"] + [f"c{index}" for index in range(width)])
    count = 0
    with cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
        for row_no, values in rows:
            copy.write_row([row_no, *values])
            count += 1
    return count


def _cell_text(value: object) -> str | None:
    """An Excel cell as the text a user typed: numbers without float noise, dates as ISO dates."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # repr gives the shortest text that reads back as the same float: what the cell shows.
        text = repr(value)
        return f"{Decimal(text):f}" if "e" in text.lower() else text
    return str(value)


def _structured_rows(
    rows: Iterator[Iterable[object]], width: int, problems: list[RowProblem]
) -> Iterator[tuple[int, list[str | None]]]:
    """Rows of a file read in Python, numbered; a row with too many cells is a problem."""
    for row_no, row in enumerate(rows, start=2):
        cells = list(row)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        if not cells:
            continue  # a blank line
        if len(cells) > width:
            reason = _("This row has %(found)d cells; the header has %(width)d.") % {
                "found": len(cells),
                "width": width,
            }
            problems.append(RowProblem(row_no, "", "", reason))
            continue
        cells += [None] * (width - len(cells))
        yield row_no, [_cell_text(cell) for cell in cells]


def _columns(positions: dict[str, int]) -> tuple[str, str, str, str]:
    """The SQL of the four fields of a staged row ``s``, with spaces around the values trimmed."""
    code, province, price, effective = (f"s.c{positions[name]}" for name in FIELDS)
    return f"btrim({code})", f"btrim({province})", f"btrim({price})", f"btrim({effective})"


def _starts_with_digit(text: str) -> str:
    """SQL: the first character of ``text`` after its leading spaces is a digit, as a date's must be.

    The date cast alone would also read 'today', 'epoch' or 'infinity'. ``ascii`` reads the first
    character in place, and the spaces are trimmed only when it is not a digit:
    ``left(btrim(x), 1) BETWEEN '0' AND '9'`` (two copies and two comparisons under the database's
    collation a row) cost 0.5 s over 1.8 million rows, this 0.05 s.
    """
    return f"(ascii({text}) BETWEEN 48 AND 57 OR ascii(ltrim({text})) BETWEEN 48 AND 57)"


def _load(cursor, positions: dict[str, int], batch_id: int, staged: int) -> LoadResult | None:
    """The fast path; returns None as soon as anything is wrong (the caller rolls back and explains)."""
    if staged == 0:
        return None
    code, province, price, effective = (f"s.c{positions[name]}" for name in FIELDS)
    # Codes: a regular expression costs about 1 µs a row in PostgreSQL, so it runs once per distinct
    # code (OFFSET 0 keeps the planner from pushing it below the DISTINCT). Trimming costs too, so the
    # insert trims codes only if some code has spaces around it.
    cursor.execute(
        f"SELECT bool_or(btrim(code) IS NULL OR btrim(code) !~ %s), bool_or(code <> btrim(code)) "
        f"FROM (SELECT DISTINCT {code} AS code FROM {STAGE} s OFFSET 0) d",
        [DRUG_CODE_PATTERN],
    )
    bad_code, code_needs_trim = cursor.fetchone()
    if bad_code:
        return None
    # Provinces: each distinct spelling, as written (spaces and all), is mapped to its code here.
    cursor.execute(f"SELECT DISTINCT {province} FROM {STAGE} s")
    spellings = {row[0]: _province_code(row[0]) for row in cursor.fetchall()}
    if None in spellings.values():
        return None
    provinces = sorted(set(spellings.values()))
    # Dates are read year first whatever the server's DateStyle ('2026/9/1' is 1 September).
    cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
    cursor.execute(f"DELETE FROM {TABLE} WHERE province = ANY(%s)", [provinces])
    replaced = cursor.rowcount
    key_built_after = nullcontext()
    if replaced == 0:
        cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {TABLE})")
        if cursor.fetchone()[0]:
            # The first load: the rows go in first and the key is built from them after, as pg_restore
            # does (1.8 million rows: 0.6 s to build against ≈ 1.7 s to insert one entry at a time). It
            # holds the table against readers until the load commits: they would find it empty anyway.
            # A table with rows keeps its key, so that readers read the previous prices meanwhile.
            key_built_after = indexes_built_after(cursor, TABLE)
    # A value the checks refuse becomes NULL, which the NOT NULL columns refuse; a duplicate breaks
    # the primary key: either way the statement fails and the savepoint rolls back.
    # Each price is parsed once: OFFSET 0 keeps the subquery whole, so its ``price`` is computed once
    # a row, not once for each mention (parsing numbers costs ≈ 0.1 µs a row).
    mapping = ", ".join(["(%s, %s)"] * len(spellings))
    with key_built_after:
        cursor.execute(
            f"""INSERT INTO {TABLE} (product_code, province, price, effective_date, batch_id)
            SELECT s.code, p.code, CASE WHEN scale(s.price) <= %s THEN s.price END,
                   CASE WHEN {_starts_with_digit("s.effective")} THEN s.effective::date END, %s
            FROM (SELECT {f"btrim({code})" if code_needs_trim else code} AS code, {province} AS spelling,
                         {price}::numeric AS price, {effective} AS effective
                  FROM {STAGE} s OFFSET 0) s
            JOIN (VALUES {mapping}) p(spelling, code) ON p.spelling = s.spelling""",
            [PRICE_PLACES, batch_id, *(value for pair in spellings.items() for value in pair)],
        )
        inserted = cursor.rowcount
    if inserted != staged:
        return None
    return LoadResult(rows_total=staged, rows_replaced=replaced, provinces=provinces)


def _explain(cursor, positions: dict[str, int], header: list[str]) -> list[RowProblem]:
    """Every problem of every staged row (run only when the fast path refused the file)."""
    code, province, price, effective = _columns(positions)
    number = f"feed_try_numeric({price})"
    names = {name: str(header[positions[name]]) for name in FIELDS}
    # (field, value shown, condition, reason, parameters of the condition)
    checks = [
        ("product_code", code, f"coalesce({code}, '') = ''", _("The drug code is empty."), []),
        (
            "product_code",
            code,
            f"{code} <> '' AND {code} !~ %s",
            _("Not a national drug code: 23 characters, X or Z followed by 22 capital letters or digits."),
            [DRUG_CODE_PATTERN],
        ),
        ("province", province, f"coalesce({province}, '') = ''", _("The province is empty."), []),
        (
            "province",
            province,
            f"{province} <> '' AND NOT EXISTS (SELECT 1 FROM provinces p WHERE p.spelling = {province})",
            _("Unknown province: write its name (北京市 or 北京) or its two-digit code (11)."),
            [],
        ),
        ("price", price, f"coalesce({price}, '') = ''", _("The price is empty."), []),
        (
            "price",
            price,
            f"{price} <> '' AND ({number} IS NULL OR {number} = 'NaN')",
            _("Not a price: a positive amount in yuan with at most 4 decimal places, e.g. 12.35."),
            [],
        ),
        (
            "price",
            price,
            f"{number} <> 'NaN' AND scale({number}) > %s",
            _("A price has at most 4 decimal places."),
            [PRICE_PLACES],
        ),
        ("price", price, f"{number} <> 'NaN' AND {number} <= 0", _("The price must be greater than zero."), []),
        ("price", price, f"{number} <> 'NaN' AND {number} >= %s", _("The price is too large."), [PRICE_LIMIT]),
        ("effective_date", effective, f"coalesce({effective}, '') = ''", _("The effective date is empty."), []),
        (
            "effective_date",
            effective,
            f"{effective} <> '' AND (NOT {_starts_with_digit(effective)} OR feed_try_date({effective}) IS NULL)",
            _("Not a date: write it as YYYY-MM-DD, e.g. 2026-09-18."),
            [],
        ),
    ]
    selects, params = [], []
    for field_name, shown, condition, reason, condition_params in checks:
        selects.append(f"SELECT s.row_no, %s, left(coalesce({shown}, ''), 200), %s FROM {STAGE} s WHERE {condition}")
        params += [names[field_name], reason, *condition_params]
    # A (code, province) pair twice in one file: which price is current would be ambiguous.
    selects.append(
        f"""SELECT row_no, %s, code || ' / ' || spelling, replace(%s, '{{row}}', first_row::text)
            FROM (SELECT s.row_no, {code} AS code, p.spelling,
                         min(s.row_no) OVER (PARTITION BY {code}, p.code) AS first_row
                  FROM {STAGE} s JOIN provinces p ON p.spelling = {province}) d
            WHERE row_no <> first_row"""
    )
    params += [names["product_code"], _("The same drug code and province already appear in row {row}.")]
    provinces_cte, cte_params = _provinces_cte()
    cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
    cursor.execute(f"WITH {provinces_cte} " + " UNION ALL ".join(selects) + " ORDER BY 1", [*cte_params, *params])
    return [RowProblem(row, column, value, reason) for row, column, value, reason in cursor.fetchall()]


def load_feed(stream: IO[bytes], *, file_name: str, batch_id: int) -> LoadResult:
    """Load one feed file into the national price table, all or nothing.

    Must run inside a transaction (the staging table lives until it commits). The caller records
    the result on the batch.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("load_feed must run inside transaction.atomic()")
    is_excel = file_name.lower().endswith((".xlsx", ".xlsm"))
    problems: list[RowProblem] = []
    with connection.cursor() as cursor:
        # One load at a time: two overlapping loads would each replace the other's provinces.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('catalogue.national_price_feed'))")
        if is_excel:
            header, staged, numbered = *_stage_excel(cursor, stream, problems), True
        else:
            header, staged, numbered = _stage_csv(cursor, stream, problems, numbered=False)
        positions = map_header(header)
        if not problems:
            try:
                with transaction.atomic():
                    result = _load(cursor, positions, batch_id, staged)
                    if result is None:
                        raise _Refused
                return result
            except (_Refused, DatabaseError):
                pass  # the savepoint is rolled back: the feed is as it was; name every problem
        if not numbered:  # staged for the fast path, without row numbers: stage it again, numbered
            stream.seek(0)
            header, staged, numbered = _stage_csv(cursor, stream, problems, numbered=True)
        result = LoadResult(rows_total=staged)
        if staged == 0 and not problems:
            problems.append(RowProblem(2, "", "", _("The file has a header but no data rows.")))
        result.problems = sorted(problems + _explain(cursor, positions, header), key=lambda p: (p.row, p.column))
        if not result.problems:  # pragma: no cover - the load failed for a reason the checks miss
            result.problems = [RowProblem(0, "", "", _("The file could not be loaded; no row was changed."))]
        return result


class _Refused(Exception):
    """The fast path found a problem; raised to roll its savepoint back."""


def _stage_csv(cursor, stream: IO[bytes], problems: list[RowProblem], *, numbered: bool) -> tuple[list[str], int, bool]:
    """Stage a CSV file; returns its header, the number of rows staged and whether they are numbered.

    With ``numbered=False`` the rows are staged without their numbers when COPY can read the file;
    a file COPY cannot read is read in Python, which numbers its rows anyway.
    """
    sample = stream.read(64 * 1024)
    encoding = _detect_encoding(sample)
    text_sample = sample.decode(encoding, errors="ignore")
    header_line = text_sample.lstrip("\ufeff").splitlines()[0] if text_sample.strip() else ""
    header = next(csv.reader([header_line]), [])
    if not any(cell.strip() for cell in header):
        raise FeedFileError([RowProblem(1, "", "", _("The file is empty: the first row must name the columns."))])
    map_header(header)  # refuse an unusable header before reading the rest
    width = len(header)
    stream.seek(0)
    try:
        with transaction.atomic():
            _create_stage(cursor, width, numbered=numbered)
            staged = _copy_csv(cursor, stream, width, encoding)
        return header, staged, numbered
    except (DatabaseError, psycopg.Error):  # COPY's errors come from psycopg directly, unwrapped
        pass  # a malformed line (wrong number of cells, bad quoting): read it in Python to name every one
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")
    reader = csv.reader(text)
    next(reader, None)
    _create_stage(cursor, width)
    staged = _copy_rows(cursor, _structured_rows(reader, width, problems), width)
    text.detach()
    return header, staged, True


def _stage_excel(cursor, stream: IO[bytes], problems: list[RowProblem]) -> tuple[list[str], int]:
    """Stage the first sheet of a workbook; returns its header and the number of rows staged."""
    from openpyxl import load_workbook

    from procurement.core.errors import DomainError
    from procurement.core.tabular import check_workbook_archive

    try:
        # A feed workbook holds up to a province's 1.8 million rows: its sheets may unpack to gigabytes
        # (read as a stream), its shared strings (held in memory) may not.
        check_workbook_archive(stream, max_entries=200, max_shared_strings=128 * 1024 * 1024, max_unpacked=8 * 1024**3)
    except DomainError as error:
        raise FeedFileError([RowProblem(1, "", "", error.message)]) from None
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error for a file that is not a workbook
        reason = _("Not a readable Excel (.xlsx) file: %(error)s") % {"error": error}
        raise FeedFileError([RowProblem(1, "", "", reason)]) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        if not header:
            raise FeedFileError([RowProblem(1, "", "", _("The file is empty: the first row must name the columns."))])
        map_header(header)
        width = len(header)
        _create_stage(cursor, width)
        return header, _copy_rows(cursor, _structured_rows(rows, width, problems), width)
    finally:
        workbook.close()
