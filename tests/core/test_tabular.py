"""The core's tabular reader: .xlsx and CSV (UTF-8 with BOM, GB18030), header aliases, typed cells,
every problem with its row (as Excel shows it) and column (as the file writes it), in one DomainError."""

import io
from datetime import date, datetime
from decimal import Decimal
from zipfile import ZIP_DEFLATED, ZipFile

import pytest
from django.utils import translation
from openpyxl import Workbook

from procurement.api.errors import exception_handler
from procurement.core import tabular
from procurement.core.errors import DomainError

SHEET = tabular.Sheet(
    (
        tabular.Column("code", ("医保药品代码", "product_code", "code")),
        tabular.Column("quantity", ("包装数量", "pack_quantity"), tabular.positive_integer),
        tabular.Column("price", ("申报价格（元/包装）", "申报价格", "price"), tabular.price),
        tabular.Column("effective", ("执行日期", "effective_date"), tabular.a_date),
        tabular.Column("action", ("应答", "action"), tabular.Choice({"接受": "accept", "accept": "accept"})),
        tabular.Column("note", ("备注", "note"), required=False),
    ),
    max_rows=3,
)
HEADER = ["医保药品代码", "包装数量", "申报价格（元/包装）", "执行日期", "应答", "备注"]
GOOD = ["XA01", "7", "9.10", "2026-10-01", "接受", "年用量大"]


def xlsx(*rows) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


def csv_file(*rows, encoding="utf-8-sig") -> io.BytesIO:
    return io.BytesIO("".join(",".join(row) + "\r\n" for row in rows).encode(encoding))


def refused(sheet, stream) -> list[tuple]:
    with pytest.raises(DomainError) as error:
        table = sheet.read(stream)
        table.raise_problems()
    assert all(problem.field == "file" for problem in error.value.problems)
    return [(problem.params.get("row"), problem.params.get("column"), problem.code) for problem in error.value.problems]


def test_an_xlsx_is_read_into_typed_rows_numbered_as_excel_shows_them():
    # given: Excel's own types (a whole number as a float, a price as a float, a date cell), a blank row
    stream = xlsx(
        HEADER,
        ["XA01", 7.0, 9.1, datetime(2026, 10, 1), "接受", None],
        [None] * 6,
        ["XA02", 14, 12, date(2026, 9, 18), "ACCEPT", "备注"],
    )
    # when
    table = SHEET.read(stream)
    table.raise_problems()
    # then: the blank row 3 is skipped, the next one keeps its number
    assert [row.number for row in table.rows] == [2, 4]
    assert table.rows[0].values == {
        "code": "XA01",
        "quantity": 7,
        "price": Decimal("9.1"),
        "effective": date(2026, 10, 1),
        "action": "accept",
        "note": "",
    }
    assert (table.rows[1]["quantity"], table.rows[1]["price"], table.rows[1]["action"]) == (14, Decimal(12), "accept")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_a_csv_is_read_in_utf8_with_or_without_bom_or_in_gb18030(encoding):
    table = SHEET.read(csv_file(HEADER, GOOD, encoding=encoding))
    table.raise_problems()
    assert table.rows[0].values == {
        "code": "XA01",
        "quantity": 7,
        "price": Decimal("9.10"),
        "effective": date(2026, 10, 1),
        "action": "accept",
        "note": "年用量大",
    }
    assert table.column("price") == "申报价格（元/包装）"


def test_headers_match_their_aliases_in_any_order_and_bracket_width_and_unknown_columns_are_ignored():
    # given: English names, half-width brackets, another order, an extra column, no optional note column
    header = ["Effective_Date", "通用名", "申报价格(元/包装)", "action", "code", "PACK_QUANTITY"]
    table = SHEET.read(csv_file(header, ["2026/10/1", "阿托伐他汀钙片", "9.1", "accept", "XA01", "7"]))
    table.raise_problems()
    assert table.rows[0].values["effective"] == date(2026, 10, 1)
    assert table.rows[0].values["note"] == ""
    # then: problems name the header the user wrote
    assert table.column("price") == "申报价格(元/包装)" and table.column("note") == "备注"


def test_a_missing_required_column_refuses_the_file_at_the_header_row():
    header = ["医保药品代码", "包装数量", "执行日期", "应答"]
    with pytest.raises(DomainError) as error:
        SHEET.read(csv_file(header, ["XA01", "7", "2026-10-01", "接受"]))
    [problem] = error.value.problems
    assert (problem.code, problem.params["row"], problem.params["column"]) == (
        "missing_column",
        1,
        "申报价格（元/包装）",
    )
    assert str(problem.message).startswith("表头缺少“申报价格（元/包装）”列")  # Chinese by default
    assert "申报价格、price" in str(problem.message)  # the names it would accept


def test_a_column_twice_in_the_header_is_refused():
    assert refused(SHEET, csv_file([*HEADER, "price"], [*GOOD, "1"])) == [(1, "price", "duplicate_column")]


@pytest.mark.parametrize(
    ("column", "value", "code", "message"),
    [
        (0, "", "required", "该单元格为空。"),
        (1, "x", "invalid", "“x”不是大于零的整数。"),
        (1, "0", "invalid", "“0”不是大于零的整数。"),
        (1, "2.5", "invalid", "“2.5”不是大于零的整数。"),
        (1, "99999999999", "invalid", "“99999999999”过大。"),
        (2, "abc", "invalid", "“abc”不是有效价格：请填写大于零的金额（元），最多 4 位小数。"),
        (2, "-1", "invalid", "“-1”不是有效价格：请填写大于零的金额（元），最多 4 位小数。"),
        (2, "1.00001", "invalid", "“1.00001”不是有效价格：请填写大于零的金额（元），最多 4 位小数。"),
        (3, "昨天", "invalid", "“昨天”不是有效日期：请按 YYYY-MM-DD 填写，例如 2026-09-18。"),
        (3, "2026-02-29", "invalid", "“2026-02-29”不是有效日期：请按 YYYY-MM-DD 填写，例如 2026-09-18。"),
        (4, "同意", "invalid", "“同意”不是可填写的值，可选：接受、accept。"),
    ],
)
def test_each_types_bad_value_is_named_with_its_row_and_column(column, value, code, message):
    # given: a good row 2, the bad cell in row 3
    bad = list(GOOD)
    bad[column] = value
    with pytest.raises(DomainError) as error:
        SHEET.read(csv_file(HEADER, GOOD, bad)).raise_problems()
    # then
    [problem] = error.value.problems
    assert (problem.params["row"], problem.params["column"], problem.code) == (3, HEADER[column], code)
    assert str(problem.message) == message


def test_the_last_day_of_february_is_a_date_in_a_leap_year():
    good = list(GOOD)
    good[3] = "2028-02-29"
    assert SHEET.read(csv_file(HEADER, good)).rows[0]["effective"] == date(2028, 2, 29)


def test_messages_follow_the_language():
    bad = list(GOOD)
    bad[1] = "x"
    with translation.override("en"), pytest.raises(DomainError) as error:
        SHEET.read(csv_file(HEADER, bad)).raise_problems()
    assert str(error.value.problems[0].message) == "“x” is not a whole number above zero."


def test_every_problem_of_the_file_is_raised_at_once_by_row_then_left_to_right():
    # given: two bad cells in row 3, one in row 2, and a problem the importer adds (a rule it checks)
    first, second = list(GOOD), list(GOOD)
    first[3] = "someday"
    second[2], second[0] = "abc", ""
    table = SHEET.read(xlsx(HEADER, first, second))
    table.problem(table.rows[0], "price", "above the cap", code="above_cap", rule="R-LIST-2", params={"cap": "10"})
    assert not table.rows[0].ok and not table.rows[1].ok
    with pytest.raises(DomainError) as error:
        table.raise_problems()
    problems = error.value.problems
    assert [(p.params["row"], p.params["column"], p.rule) for p in problems] == [
        (2, "申报价格（元/包装）", "R-LIST-2"),
        (2, "执行日期", None),
        (3, "医保药品代码", None),
        (3, "申报价格（元/包装）", None),
    ]
    assert problems[0].params["cap"] == "10"
    assert problems[3].params["value"] == "abc"


def test_the_api_handler_renders_the_problems_in_the_one_error_format():
    bad = list(GOOD)
    bad[2] = "abc"
    with pytest.raises(DomainError) as error:
        SHEET.read(csv_file(HEADER, bad)).raise_problems()
    response = exception_handler(error.value, {})
    assert response.status_code == 400
    assert response.data["errors"] == [
        {
            "field": "file",
            "rule": None,
            "code": "invalid",
            "message": "“abc”不是有效价格：请填写大于零的金额（元），最多 4 位小数。",
            "params": {"value": "abc", "row": 2, "column": "申报价格（元/包装）"},
        }
    ]


def test_as_many_rows_as_the_maximum_are_read_and_one_more_refuses_the_file():
    assert len(SHEET.read(csv_file(HEADER, GOOD, GOOD, GOOD)).rows) == 3
    # blank rows do not count
    assert len(SHEET.read(csv_file(HEADER, GOOD, [""] * 6, GOOD, GOOD)).rows) == 3
    with pytest.raises(DomainError) as error:
        SHEET.read(csv_file(HEADER, GOOD, GOOD, GOOD, GOOD))
    [problem] = error.value.problems
    assert (problem.code, problem.params["row"], str(problem.message)) == ("too_many_rows", 5, "每个文件最多 3 行。")


def test_rows_blank_in_the_key_columns_are_skipped():
    # given: a sheet whose rows are answered only where the action is filled (the negotiation download)
    sheet = tabular.Sheet(SHEET.columns, skip_blank=("action",))
    unanswered = list(GOOD)
    unanswered[4] = " "
    table = sheet.read(csv_file(HEADER, unanswered, GOOD))
    assert [row.number for row in table.rows] == [3]


def test_a_file_without_data_rows_is_refused_with_the_importers_message():
    sheet = tabular.Sheet(SHEET.columns, no_rows="The file has no price rows.")
    assert refused(sheet, csv_file(HEADER, [""] * 6)) == [(2, None, "no_rows")]
    with translation.override("zh-hans"):
        assert refused(SHEET, xlsx(HEADER)) == [(2, None, "no_rows")]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (b"PK\x03\x04 not really a workbook", "format"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "format"),
        (b"\x00\x01\x02binary", "format"),
        (b"\x81\x30", "encoding"),  # cut short: neither UTF-8 nor GB18030
    ],
)
def test_a_file_that_cannot_be_read_is_refused(content, code):
    with pytest.raises(DomainError) as error:
        SHEET.read(io.BytesIO(content))
    assert [problem.code for problem in error.value.problems] == [code]
    assert error.value.problems[0].field == "file"


def test_an_xlsx_that_declares_a_wrong_size_is_read_in_full():
    # given: a workbook whose dimension says A1:A1, as some exporters write it
    stream = xlsx(HEADER, GOOD)
    source, patched = ZipFile(stream), io.BytesIO()
    with ZipFile(patched, "w", ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<dimension ref="A1:F2" />', b'<dimension ref="A1:A1" />')
                assert b'ref="A1:A1"' in content
            target.writestr(item, content)
    patched.seek(0)
    # when
    table = SHEET.read(patched)
    # then
    assert table.rows[0]["note"] == "年用量大"


# -- issue 11 #5 (and #9): what broke an import with a 500 is a problem of the file, or of its cell ------------


def _damaged(stream: io.BytesIO, keep: float) -> io.BytesIO:
    """The workbook with its sheet's XML cut short: it opens; reading its rows fails."""
    source, patched = ZipFile(stream), io.BytesIO()
    with ZipFile(patched, "w", ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: int(len(content) * keep)]
            target.writestr(item, content)
    patched.seek(0)
    return patched


def test_a_workbook_damaged_inside_is_refused_at_the_row_it_breaks():
    with pytest.raises(DomainError) as error:
        SHEET.read(_damaged(xlsx(HEADER, GOOD, GOOD), keep=0.8))
    [problem] = error.value.problems
    assert (problem.code, problem.field) == ("format", "file") and problem.params["row"] >= 1


def test_a_csv_cell_past_the_csv_modules_limit_is_refused_naming_its_row():
    # given: a cell of 200,000 characters in the third row (the csv module stops at 131,072)
    stream = csv_file(HEADER, GOOD, ["XA02", "7", "9.10", "2026-10-01", "接受", '"' + "x" * 200_000 + '"'])
    with pytest.raises(DomainError) as error:
        SHEET.read(stream)
    assert [(p.code, p.params["row"]) for p in error.value.problems] == [("format", 3)]


def test_a_nul_character_past_the_first_bytes_is_a_problem_of_its_cell():
    # given: the first 8 KB are text (the whole-file check looks there), a NUL later in a cell
    sheet = tabular.Sheet(SHEET.columns, max_rows=500)
    filler = [[f"XA{i:03d}", "7", "9.10", "2026-10-01", "接受", "x" * 50] for i in range(200)]
    stream = csv_file(HEADER, *filler, ["XA\x0099", "7", "9.10", "2026-10-01", "接受", ""])
    assert refused(sheet, stream) == [(202, "医保药品代码", "nul")]


def test_a_text_longer_than_its_column_is_a_problem_of_its_cell():
    sheet = tabular.Sheet(
        (tabular.Column("code", ("code",), max_length=4), tabular.Column("note", ("note",), required=False)),
    )
    assert refused(sheet, csv_file(["code", "note"], ["XA01", "a" * 9], ["XA012", ""])) == [(3, "code", "max_length")]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (csv_file(HEADER), "no_rows"),
        (csv_file(HEADER, [""] * 6, [" "] * 6), "no_rows"),
        (csv_file(HEADER[:2]), "missing_column"),
        (io.BytesIO(b"\x81\x30"), "encoding"),
        (io.BytesIO(b""), "empty"),
    ],
)
def test_check_refuses_what_is_wrong_with_the_file_as_a_whole(content, code):
    with pytest.raises(DomainError) as error:
        SHEET.check(content)
    assert [problem.code for problem in error.value.problems][:1] == [code]


def test_check_reads_no_further_than_the_first_data_row():
    # given: a good first row, then one that would be refused, and more rows than the maximum
    stream = csv_file(HEADER, GOOD, ["XA02", "x", "abc", "昨天", "?", ""], *[GOOD] * 10)
    SHEET.check(stream)  # nothing raised: the rows are for read()
    assert stream.tell() == 0  # and the stream is rewound for whoever keeps it
