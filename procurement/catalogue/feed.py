"""Bulk load of the national price feed (DOMAIN.md §2): all-or-nothing, at COPY speed.

A feed file (CSV in UTF-8 or GB18030, or Excel) has a header row naming four columns — drug code,
province, price, effective date — in any order, in Chinese or English. Loading it:

1. streams the file into a temporary staging table with ``COPY`` (CSV) or row by row from
   openpyxl (Excel), each row numbered as the user sees it in the file;
2. upserts every row into ``catalogue_nationalprice`` in one ``INSERT … SELECT … ON CONFLICT``,
   with casts that fail on any bad value, inside a savepoint;
3. if anything at all is wrong, rolls the savepoint back, leaving the feed as it was, and runs
   the detailed checks in SQL, which list every bad cell: row, column, value and reason.

Valid files, the common case, pay for one COPY into an unindexed temporary table and one
insert; the checks that name every problem run only when a file is refused.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from procurement.catalogue.codes import DRUG_CODE_PATTERN
from procurement.core.money import PRICE_MAX_DIGITS, PRICE_PLACES
from procurement.organisations.choices import PROVINCE_SHORT_NAMES, PROVINCES

FIELDS = ("product_code", "province", "price", "effective_date")

# Header names accepted for each field, compared after removing spaces and case.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "product_code": ("product_code", "code", "drug_code", "医保药品代码", "国家医保药品代码", "药品代码",
                     "医保代码", "药品编码", "医保药品分类与代码"),
    "province": ("province", "省份", "省份名称", "省份代码", "挂网省份", "省"),
    "price": ("price", "挂网价格", "价格", "挂网价", "现执行挂网价格", "挂网价(元)", "挂网价格(元)"),
    "effective_date": ("effective_date", "date", "执行日期", "生效日期", "价格生效日期", "执行时间"),
}  # fmt: skip

PRICE_PATTERN = rf"^[0-9]{{1,{PRICE_MAX_DIGITS - PRICE_PLACES}}}(\.[0-9]{{1,{PRICE_PLACES}}})?$"
DATE_PATTERN = r"^[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}$"
STAGE = "feed_stage"
_CHUNK = 1 << 20


class FeedFileError(Exception):
    """The file cannot be read at all (no header, unknown format): one problem, at row 1."""

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
    rows_inserted: int = 0
    rows_updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows_unchanged(self) -> int:
        return self.rows_total - self.rows_inserted - self.rows_updated

    @property
    def ok(self) -> bool:
        return not self.problems


def _normalise_header(name: object) -> str:
    return re.sub(r"[\s\ufeff（）()]", "", str(name or "")).lower()


_ALIASES = {_normalise_header(alias): field_name for field_name, aliases in HEADER_ALIASES.items() for alias in aliases}


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
            problems.append(
                RowProblem(
                    1,
                    field_name,
                    "",
                    _("The header row has no “%(column)s” column (accepted names: %(names)s).")
                    % {"column": field_name, "names": "、".join(HEADER_ALIASES[field_name])},
                )
            )
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


def _province_values_sql() -> tuple[str, list[str]]:
    """A VALUES list mapping every accepted spelling of a province (code, name, short name) to its code."""
    pairs = {}
    for code, name in PROVINCES.items():
        pairs[code] = code
        pairs[name] = code
        pairs[PROVINCE_SHORT_NAMES[code]] = code
    params: list[str] = []
    for spelling, code in pairs.items():
        params += [spelling, code]
    return ", ".join(["(%s, %s)"] * len(pairs)), params


def _create_stage(cursor, width: int) -> None:
    columns = ", ".join(f"c{index} text" for index in range(width))
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(
        f"CREATE TEMP TABLE {STAGE} (row_no bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 2), {columns})"
        " ON COMMIT DROP"
    )


def _copy_csv(cursor, stream: IO[bytes], width: int, encoding: str) -> None:
    """Stream a CSV file into the stage with COPY; the server parses it."""
    columns = ", ".join(f"c{index}" for index in range(width))
    pg_encoding = "UTF8" if encoding == "utf-8" else "GB18030"
    with cursor.copy(
        f"COPY {STAGE} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING '{pg_encoding}')"
    ) as copy:
        while chunk := stream.read(_CHUNK):
            copy.write(chunk)


def _copy_rows(cursor, rows: Iterable[tuple[int, list[str | None]]], width: int) -> None:
    columns = ", ".join(["row_no"] + [f"c{index}" for index in range(width)])
    with cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
        for row_no, values in rows:
            copy.write_row([row_no, *values])


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
    rows: Iterator[list[object]], width: int, header: list[str], problems: list[RowProblem]
) -> Iterator[tuple[int, list[str | None]]]:
    """Rows of a file read in Python, numbered; a row with the wrong number of cells is a problem."""
    for row_no, row in enumerate(rows, start=2):
        cells = list(row)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        if not cells:
            continue  # a blank line
        if len(cells) > width:
            problems.append(
                RowProblem(
                    row_no,
                    "",
                    "",
                    _("This row has %(found)d cells; the header has %(width)d.")
                    % {"found": len(cells), "width": width},
                )
            )
            continue
        cells += [None] * (width - len(cells))
        yield row_no, [_cell_text(cell) for cell in cells]


def _upsert(cursor, positions: dict[str, int], batch_id: int) -> tuple[int, int, int]:
    """Insert or update every staged row in one statement; any bad value raises (and rolls back)."""
    code, province, price, effective = (f"s.c{positions[name]}" for name in FIELDS)
    values_sql, params = _province_values_sql()
    cursor.execute(
        f"""
        WITH provinces(spelling, code) AS (VALUES {values_sql}),
        written AS (
            INSERT INTO catalogue_nationalprice AS np (product_code, province, price, effective_date, batch_id)
            SELECT upper(btrim({code})),
                   p.code,
                   CASE WHEN btrim({price}) ~ %s THEN btrim({price})::numeric END,
                   CASE WHEN btrim({effective}) ~ %s
                        THEN regexp_replace(btrim({effective}), '[/.]', '-', 'g')::date END,
                   %s
            FROM {STAGE} s LEFT JOIN provinces p ON p.spelling = btrim({province})
            ON CONFLICT (product_code, province) DO UPDATE
                SET price = EXCLUDED.price, effective_date = EXCLUDED.effective_date, batch_id = EXCLUDED.batch_id
                WHERE (np.price, np.effective_date) IS DISTINCT FROM (EXCLUDED.price, EXCLUDED.effective_date)
            RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
               (SELECT count(*) FROM {STAGE})
        FROM written
        """,
        [*params, PRICE_PATTERN, DATE_PATTERN, batch_id],
    )
    inserted, updated, total = cursor.fetchone()
    return total, inserted, updated


def _explain(cursor, positions: dict[str, int], header: list[str]) -> list[RowProblem]:
    """Every problem of every staged row, in row order (run only when the upsert failed)."""
    code, province, price, effective = (f"btrim(s.c{positions[name]})" for name in FIELDS)
    names = {name: str(header[positions[name]]) for name in FIELDS}
    # (field, value shown, condition, reason, parameters of the condition)
    checks = [
        ("product_code", code, f"coalesce({code}, '') = ''", _("The drug code is empty."), []),
        ("product_code", code, f"{code} <> '' AND upper({code}) !~ %s",
         _("Not a national drug code: 23 characters, X or Z followed by 22 capital letters or digits."),
         [DRUG_CODE_PATTERN]),
        ("province", province, f"coalesce({province}, '') = ''", _("The province is empty."), []),
        ("province", province,
         f"{province} <> '' AND NOT EXISTS (SELECT 1 FROM provinces p WHERE p.spelling = {province})",
         _("Unknown province: write its name (北京市 or 北京) or its two-digit code (11)."), []),
        ("price", price, f"coalesce({price}, '') = ''", _("The price is empty."), []),
        ("price", price, f"{price} <> '' AND {price} !~ %s",
         _("Not a price: a positive amount in yuan with at most 4 decimal places, e.g. 12.35."), [PRICE_PATTERN]),
        ("price", price, f"CASE WHEN {price} ~ %s THEN {price}::numeric = 0 ELSE false END", _("The price must be greater than zero."),
         [PRICE_PATTERN]),
        ("effective_date", effective, f"coalesce({effective}, '') = ''", _("The effective date is empty."), []),
        ("effective_date", effective,
         f"{effective} <> '' AND ({effective} !~ %s OR feed_try_date({effective}) IS NULL)",
         _("Not a date: write it as YYYY-MM-DD, e.g. 2026-09-18."), [DATE_PATTERN]),
    ]  # fmt: skip
    selects, params = [], []
    for field_name, shown, condition, reason, condition_params in checks:
        selects.append(f"SELECT s.row_no, %s, left(coalesce({shown}, ''), 200), %s FROM {STAGE} s WHERE {condition}")
        params += [names[field_name], reason, *condition_params]
    # A (code, province) pair twice in one file: which price is current would be ambiguous.
    selects.append(
        f"""SELECT row_no, %s, code_key || ' / ' || spelling, replace(%s, '{{row}}', first_row::text)
            FROM (SELECT s.row_no, upper({code}) AS code_key, p.spelling,
                         min(s.row_no) OVER (PARTITION BY upper({code}), p.code) AS first_row
                  FROM {STAGE} s JOIN provinces p ON p.spelling = {province}) d
            WHERE row_no <> first_row"""
    )
    params += [names["product_code"], _("The same drug code and province already appear in row {row}.")]
    values_sql, values_params = _province_values_sql()
    cursor.execute(
        f"WITH provinces(spelling, code) AS (VALUES {values_sql}) " + " UNION ALL ".join(selects) + " ORDER BY 1",
        [*values_params, *params],
    )
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
        # One load at a time: two overlapping loads would each see the other's rows half-written.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('catalogue.national_price_feed'))")
        header = _stage_excel(cursor, stream, problems) if is_excel else _stage_csv(cursor, stream, problems)
        positions = map_header(header)
        result = LoadResult()
        if not problems:
            try:
                with transaction.atomic():
                    result.rows_total, result.rows_inserted, result.rows_updated = _upsert(cursor, positions, batch_id)
            except DatabaseError:
                pass  # the savepoint is rolled back; _explain names every problem
            else:
                if result.rows_total == 0:
                    problems.append(RowProblem(2, "", "", _("The file has a header but no data rows.")))
                else:
                    return result
        cursor.execute(f"SELECT count(*) FROM {STAGE}")
        result = LoadResult(rows_total=cursor.fetchone()[0])
        result.problems = sorted(problems + _explain(cursor, positions, header), key=lambda p: (p.row, p.column))
        if not result.problems:  # pragma: no cover - the upsert failed for a reason the checks miss
            result.problems = [RowProblem(0, "", "", _("The file could not be loaded; no row was changed."))]
        return result


def _stage_csv(cursor, stream: IO[bytes], problems: list[RowProblem]) -> list[str]:
    sample = stream.read(64 * 1024)
    encoding = _detect_encoding(sample)
    text_sample = sample.decode(encoding, errors="ignore")
    header_line = text_sample.lstrip("\ufeff").splitlines()[0] if text_sample.strip() else ""
    header = next(csv.reader([header_line]), [])
    if not any(cell.strip() for cell in header):
        raise FeedFileError([RowProblem(1, "", "", _("The file is empty: the first row must name the columns."))])
    map_header(header)  # refuse an unusable header before reading the rest
    width = len(header)
    _create_stage(cursor, width)
    stream.seek(0)
    try:
        with transaction.atomic():
            _copy_csv(cursor, stream, width, encoding)
        return header
    except (DatabaseError, psycopg.Error):  # COPY's errors come from psycopg directly, unwrapped
        pass  # a malformed line (wrong number of cells, bad quoting): read it in Python to name every one
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")
    reader = csv.reader(text)
    next(reader, None)
    _create_stage(cursor, width)
    _copy_rows(cursor, _structured_rows(reader, width, header, problems), width)
    text.detach()
    return header


def _stage_excel(cursor, stream: IO[bytes], problems: list[RowProblem]) -> list[str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise FeedFileError(
            [RowProblem(1, "", "", _("Not a readable Excel (.xlsx) file: %(error)s") % {"error": error})]
        ) from None
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
        _copy_rows(cursor, _structured_rows(rows, width, header, problems), width)
        return header
    finally:
        workbook.close()
