"""Hostile uploads are refused with bounded memory (issue 11 #4): a workbook whose shared strings
unpack to far more than its size, a zip that is no workbook, a file over the limit, too many rows.
What each refusal costs is measured by the memory it takes (tracemalloc), which a loaded machine does
not change; speed belongs to bench/."""

import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from procurement.core import tabular
from procurement.core.errors import DomainError

SHEET = tabular.Sheet((tabular.Column("code", ("code",)),), max_rows=1000, max_bytes=2 * 1024 * 1024)


def workbook_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def bomb(unpacked_mb: int) -> bytes:
    """A valid small workbook whose shared strings are replaced by ``unpacked_mb`` MB of one letter."""
    honest = zipfile.ZipFile(io.BytesIO(workbook_bytes([["code"], ["X"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as hostile:
        for entry in honest.infolist():
            if entry.filename == "xl/sharedStrings.xml":
                continue
            hostile.writestr(entry, honest.read(entry.filename))
        with hostile.open("xl/sharedStrings.xml", "w") as strings:
            strings.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            chunk = b"a" * (1024 * 1024)
            for _ in range(unpacked_mb):
                strings.write(chunk)
            strings.write(b"</t></si></sst>")
    return out.getvalue()


def refused(data: bytes) -> tuple[DomainError, int]:
    """The refusal of ``data`` and the peak memory reading it took."""
    tracemalloc.start()
    try:
        with pytest.raises(DomainError) as error:
            SHEET.read(io.BytesIO(data))
        return error.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_decompression_bomb_is_refused_from_its_directory():
    data = bomb(unpacked_mb=40)
    assert len(data) < 200 * 1024  # it travels small
    error, peak = refused(data)
    assert error.problems[0].code == "archive_too_large"
    assert peak < 5 * 1024 * 1024  # nothing was unpacked


def test_a_zip_that_is_no_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    error, _peak = refused(out.getvalue())
    assert error.problems[0].code == "format"


def test_a_file_over_the_limit_is_refused_without_reading_it_all():
    data = b"code\n" + b"X" * (3 * 1024 * 1024)
    error, peak = refused(data)
    assert error.problems[0].code == "too_large" and peak < 4 * 1024 * 1024


def test_too_many_rows_are_refused_at_the_first_row_over():
    data = ("code\n" + "X\n" * 200_000).encode()
    error, peak = refused(data)
    assert error.problems[0].code == "too_many_rows" and error.problems[0].params["row"] == 1002
    assert peak < 8 * 1024 * 1024  # the text decoded, not 200,000 rows held (≈ 21 MB as csv rows)
