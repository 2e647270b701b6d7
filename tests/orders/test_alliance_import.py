"""R-ORD-6: alliance-platform prices of four-same products are imported in the background, all rows or
none, in short batches (issue 11 #5): an upload broken as a whole is refused at once with a 4xx naming
what is wrong (issue 11 #5, part of #9); a bad row refuses the file and nothing is loaded; a later file
replaces the prices it names. (The HIS pull during an import: test_alliance_import_pull.py.)"""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from procurement.catalogue.choices import ImportStatus
from procurement.core.errors import DomainError, PermissionDenied
from procurement.orders import alliance
from procurement.orders.models import AlliancePrice, AlliancePriceImport
from procurement.orders.selectors import cheaper_on_alliance

pytestmark = pytest.mark.django_db

HEADER = "联盟平台,通用名,剂型,规格,生产企业,包装数量,价格,执行日期\n"
ROW = "吉林联盟,阿托伐他汀钙片,片剂,20mg,某药业,7,9.10,2026-10-01\n"


def rows(n: int, price: str = "9.10") -> str:
    """``n`` rows of distinct four-same products (specifications 1mg … n mg)."""
    return "".join(ROW.replace("20mg", f"{i}mg").replace("9.10", price) for i in range(1, n + 1))


def upload(world, content: bytes, name="a.csv", user="provincial_reviewer", **run) -> AlliancePriceImport:
    """Upload through the service and run the load as its Celery task would."""
    batch = alliance.alliance_price_import_create(
        user=world.user(user), uploaded_file=SimpleUploadedFile(name, content)
    )
    return alliance.alliance_price_import_run(batch_id=batch.pk, **run)


def problems(batch) -> list[tuple]:
    return [(p.row, p.column, p.rule, p.message) for p in batch.problems.all()]


def prices() -> dict[str, tuple]:
    return {p.specification: (p.price, p.effective_date) for p in AlliancePrice.objects.all()}


def workbook(*rows_) -> bytes:
    book = Workbook()
    for row in rows_:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_a_file_uploaded_on_the_page_is_loaded_in_the_background_and_followed_there(
    world, listed, client, django_capture_on_commit_callbacks
):
    """R-ORD-6: the upload answers at once with the import's page; the task loads it (eagerly here, as
    without Redis); the page shows the outcome, and the buyer's cart the cheaper four-same price."""
    product = listed[0]
    client.force_login(world.user("provincial_reviewer"))
    content = HEADER + (
        f"吉林联盟,{product.generic_name},{product.dosage_form},{product.specification},{world.manufacturer.name},"
        "14,22.40,2026-10-01\n"
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orders:alliance"), {"file": SimpleUploadedFile("a.csv", content.encode())})
    # then
    batch = AlliancePriceImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("orders:alliance-import", args=[batch.pk])
    assert (batch.status, batch.rows_total, batch.rows_added, batch.uploaded_by.username) == (
        ImportStatus.SUCCEEDED,
        1,
        1,
        "provincial_reviewer",
    )
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-status"' in page and "hx-get" not in page  # finished: no more polling
    listing = client.get(reverse("orders:alliance")).content.decode()
    assert "a.csv" in listing and "20000" in listing and "10 MB" in listing  # the limits are said
    # 22.40 for 14 tablets is 11.20 for our pack of 7, against our 12.60 (the four-same comparison)
    comparison = cheaper_on_alliance(product, Decimal("12.60"))
    assert (comparison.platform, comparison.price) == ("吉林联盟", Decimal("11.2000"))


def test_while_it_waits_or_runs_its_page_polls_and_shows_how_far_it_has_come(world, client):
    batch = alliance.alliance_price_import_create(
        user=world.user("provincial_reviewer"), uploaded_file=SimpleUploadedFile("a.csv", (HEADER + ROW).encode())
    )
    client.force_login(world.user("provincial_reviewer"))
    url = reverse("orders:alliance-import", args=[batch.pk])
    assert f'hx-get="{url}"' in client.get(url).content.decode()
    AlliancePriceImport.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING, rows_total=10, rows_written=4)
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    dsn = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"] or None, "port": db["PORT"] or None}
    with psycopg.connect(**{k: v for k, v in dsn.items() if v}, autocommit=True) as worker:
        # a worker still loading holds the import's lock: the page shows its progress, and polls
        worker.execute("SELECT pg_advisory_lock(%s)", [alliance.import_lock_key(batch.pk)])
        partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert '<progress value="4" max="10">' in partial and 'id="import-status"' in partial
        assert "<html" not in partial
    # the worker is gone, its lock with it: the next look ends the import as failed, to be loaded again
    client.get(url)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and alliance.can_retry(batch)


def test_any_bad_row_refuses_the_file_and_every_problem_is_named_by_row_and_column(world, client):
    """R-ORD-6: all rows or none. The bad row is the last of many, written two a batch: still nothing is
    loaded, because every row is checked before the first is written."""
    # given
    bad = HEADER + rows(9) + "吉林联盟,阿托伐他汀钙片,片剂,20mg,,x,abc,昨天\n"
    # when
    batch = upload(world, bad.encode(), batch_rows=2)
    # then
    assert batch.status == ImportStatus.FAILED and batch.error_count == 1
    assert problems(batch) == [
        (11, "生产企业", "", "该单元格为空。"),
        (11, "包装数量", "", "“x”不是大于零的整数。"),
        (11, "价格", "", "“abc”不是有效价格：请填写大于零的金额（元），最多 4 位小数。"),
        (11, "执行日期", "", "“昨天”不是有效日期：请按 YYYY-MM-DD 填写，例如 2026-09-18。"),
    ]
    assert not AlliancePrice.objects.exists() and batch.rows_written == 0 and not alliance.can_retry(batch)
    client.force_login(world.user("provincial_reviewer"))
    page = client.get(reverse("orders:alliance-import", args=[batch.pk])).content.decode()
    assert 'data-testid="problem-table"' in page and "“昨天”不是有效日期" in page
    csv_text = client.get(reverse("orders:alliance-import-problems-csv", args=[batch.pk])).content.decode("utf-8-sig")
    assert "11,执行日期,昨天" in csv_text


def test_the_same_product_twice_in_a_file_is_refused(world):
    """R-ORD-6: one price per four-same product and platform; a second row would silently replace the first."""
    batch = upload(world, (HEADER + ROW + ROW.replace("9.10", "8.80")).encode())
    assert problems(batch) == [(3, "通用名", "R-ORD-6", "同一产品已在第 2 行。")]
    assert not AlliancePrice.objects.exists()


def test_a_text_too_long_or_holding_a_nul_is_a_problem_of_its_cell_not_a_database_error(world):
    """Issue 11 #5/#9: the rows are written by SQL, not by save(): the reader checks what the columns hold."""
    long_name = "某" * 201
    content = (
        HEADER
        + rows(300)
        + ROW.replace("某药业", long_name)
        + ROW.replace("20mg", "5mg").replace("某药业", "某\x00药业")
    )
    batch = upload(world, content.encode())
    assert [(p.row, p.column, p.code) for p in batch.problems.all()] == [
        (302, "生产企业", "max_length"),
        (303, "生产企业", "nul"),
    ]
    assert batch.status == ImportStatus.FAILED and not AlliancePrice.objects.exists()


def test_a_later_file_replaces_the_prices_it_names_and_keeps_the_others(world):
    """R-ORD-6: a price is loaded, or replaced, by its four-same product and platform; the prices of
    products not in the file stay; loading the same file again changes nothing."""
    # given: three prices
    first = upload(world, (HEADER + rows(3)).encode(), batch_rows=2)
    assert (first.status, first.rows_added, first.rows_replaced) == (ImportStatus.SUCCEEDED, 3, 0)
    # when: a file changes the first price, repeats the second, and adds a fourth
    second_file = HEADER + rows(1, price="8.75") + rows(2)[len(rows(1)) :] + rows(4)[len(rows(3)) :]
    second = upload(world, second_file.encode(), batch_rows=2)
    # then
    assert (second.rows_total, second.rows_added, second.rows_replaced, second.rows_unchanged) == (3, 1, 1, 1)
    assert prices() == {
        "1mg": (Decimal("8.7500"), date(2026, 10, 1)),
        "2mg": (Decimal("9.1000"), date(2026, 10, 1)),
        "3mg": (Decimal("9.1000"), date(2026, 10, 1)),  # not in the file: kept
        "4mg": (Decimal("9.1000"), date(2026, 10, 1)),
    }
    again = upload(world, second_file.encode())
    assert (again.rows_added, again.rows_replaced, again.rows_unchanged) == (0, 0, 3)
    assert again.message == "已载入 3 行：新增价格 0 条，替换 0 条，未变 3 条。"


def test_a_gb18030_csv_and_an_xlsx_with_english_headers_load_alike(world):
    batch = upload(world, (HEADER + ROW).encode("gb18030"))
    assert AlliancePrice.objects.get().generic_name == "阿托伐他汀钙片" and batch.status == ImportStatus.SUCCEEDED
    content = workbook(
        [
            "platform",
            "generic_name",
            "dosage_form",
            "specification",
            "manufacturer",
            "pack_quantity",
            "price",
            "effective_date",
        ],
        ["吉林联盟", "阿托伐他汀钙片", "片剂", "20mg", "某药业", 7, 8.75, date(2026, 11, 1)],
    )
    batch = upload(world, content, name="a.xlsx")
    price = AlliancePrice.objects.get()  # the same four-same product on the same platform: replaced
    assert (price.price, price.effective_date, batch.rows_replaced) == (Decimal("8.7500"), date(2026, 11, 1), 1)


def _zip(files: dict[str, bytes]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return stream.getvalue()


def _damaged_sheet() -> bytes:
    """A real workbook whose worksheet's XML is cut in half: it opens, and fails when its rows are read."""
    source = zipfile.ZipFile(io.BytesIO(workbook(HEADER.strip().split(","))))
    files = {item.filename: source.read(item.filename) for item in source.infolist()}
    sheet = files["xl/worksheets/sheet1.xml"]
    files["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]
    return _zip(files)


BROKEN_UPLOADS = {
    # name: (file name, content, the problem's code)
    "empty": ("a.csv", b"", "empty"),
    "only blank lines": ("a.csv", b"\n \n\n", "empty"),
    "header only": ("a.csv", HEADER.encode(), "no_rows"),
    "header and blank rows": ("a.xlsx", workbook(HEADER.strip().split(","), [None] * 8, []), "no_rows"),
    "neither UTF-8 nor GB18030": ("a.csv", (HEADER + ROW).encode() + b"\xff\xfe\xff", "encoding"),
    "an .xlsx that is not a zip": ("a.xlsx", b"hello, world\n", "format"),
    "a zip that is not a workbook": ("a.xlsx", _zip({"hello.txt": b"hi"}), "format"),
    "a workbook damaged inside": ("a.xlsx", _damaged_sheet(), "format"),
    "an old .xls": ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "file_type"),
    "a wrong extension": ("a.pdf", b"%PDF-1.4\n", "file_type"),
    "a wrong extension with CSV inside": ("prices.exe", (HEADER + ROW).encode(), "file_type"),
    "binary named .csv": ("a.csv", b"MZ\x90\x00\x03\x00\x00\x00", "format"),
    "a column missing": ("a.csv", (HEADER.replace(",价格", "") + ROW).encode(), "missing_column"),
    "a cell past csv's limit": (
        "a.csv",
        (HEADER + ROW.replace("某药业", '"' + "某" * 200_000 + '"')).encode(),
        "format",
    ),
    "too large": ("a.csv", (HEADER + ROW).encode() + b" " * (10 * 1024 * 1024), "too_large"),
}


@pytest.mark.parametrize("kind", list(BROKEN_UPLOADS))
def test_an_upload_broken_as_a_whole_is_refused_at_once_naming_what_is_wrong(world, client, kind):
    """Issue 11 #5 (and #9: never a 500): each answered 400 with its problem; nothing kept, nothing loaded."""
    name, content, code = BROKEN_UPLOADS[kind]
    client.raise_request_exception = False
    client.force_login(world.user("provincial_reviewer"))
    response = client.post(reverse("orders:alliance"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    found = response.context["problems"]
    assert [p.code for p in found][:1] == [code] and all(str(p.message) for p in found)
    assert 'data-testid="import-problems"' in response.content.decode()
    assert not AlliancePriceImport.objects.exists() and not AlliancePrice.objects.exists()


def test_a_file_broken_past_its_first_rows_is_refused_by_the_load_naming_the_row(world):
    """What only reading the whole file shows — a cell past csv's limit at row 302 — refuses it there."""
    content = HEADER + rows(300) + ROW.replace("某药业", '"' + "某" * 200_000 + '"')
    batch = upload(world, content.encode())
    assert batch.status == ImportStatus.FAILED
    assert [(p.row, p.code) for p in batch.problems.all()] == [(302, "format")]
    assert not AlliancePrice.objects.exists()


def test_more_rows_than_the_limit_refuse_the_file(world, monkeypatch):
    import dataclasses

    monkeypatch.setattr(alliance, "SHEET", dataclasses.replace(alliance.SHEET, max_rows=3))
    batch = upload(world, (HEADER + rows(4)).encode())
    assert [(p.row, p.code, p.message) for p in batch.problems.all()] == [(5, "too_many_rows", "每个文件最多 3 行。")]
    assert not AlliancePrice.objects.exists()


@pytest.mark.parametrize("reader", ["hospital_buyer", "manufacturer_clerk", "distributor_clerk", "city_bureau"])
def test_only_the_provincial_bureau_imports_alliance_prices(world, client, reader):
    batch = upload(world, (HEADER + ROW).encode())  # one loaded by the bureau
    client.force_login(world.user(reader))
    assert client.get(reverse("orders:alliance")).status_code == 403
    response = client.post(reverse("orders:alliance"), {"file": SimpleUploadedFile("a.csv", (HEADER + ROW).encode())})
    assert response.status_code == 403
    for name in ("orders:alliance-import", "orders:alliance-import-problems-csv"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 403
    assert client.post(reverse("orders:alliance-import-retry", args=[batch.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        alliance.alliance_price_import_create(
            user=world.user(reader), uploaded_file=SimpleUploadedFile("a.csv", (HEADER + ROW).encode())
        )
    assert AlliancePriceImport.objects.count() == 1


class TestAnImportNeverStaysRunning:
    """An import that stops for any reason but its file ends as failed, saying how far it came, and can
    be loaded again: prices written twice are written once."""

    def test_a_fault_in_its_second_batch_ends_it_and_loading_it_again_finishes(self, world, monkeypatch):
        # given: a good file of five rows, written two a batch, and a fault in the second batch
        batch = alliance.alliance_price_import_create(
            user=world.user("provincial_supervisor"),
            uploaded_file=SimpleUploadedFile("a.csv", (HEADER + rows(5)).encode()),
        )

        def fault(event, written):
            if (event, written) == ("written", 4):
                raise RuntimeError("connection to the database lost")

        # when
        batch = alliance.alliance_price_import_run(batch_id=batch.pk, batch_rows=2, on_batch=fault)
        # then: the first batch is written, the second not; it says so and may be loaded again
        assert batch.status == ImportStatus.FAILED and "connection to the database lost" in batch.message
        assert (batch.rows_written, batch.rows_total) == (2, 5) and "2" in batch.message
        assert sorted(prices()) == ["1mg", "2mg"] and alliance.can_retry(batch)
        alliance.alliance_price_import_retry(user=world.user("provincial_supervisor"), batch_id=batch.pk)
        batch = alliance.alliance_price_import_run(batch_id=batch.pk, batch_rows=2)
        assert batch.status == ImportStatus.SUCCEEDED and len(prices()) == 5
        assert (batch.rows_added, batch.rows_unchanged) == (3, 2)

    def test_a_refused_file_is_not_loaded_again_as_it_is(self, world):
        from procurement.core.errors import Conflict

        batch = upload(world, (HEADER + ROW.replace("9.10", "abc")).encode())
        assert batch.status == ImportStatus.FAILED and not alliance.can_retry(batch)
        with pytest.raises(Conflict):
            alliance.alliance_price_import_retry(user=world.user("provincial_supervisor"), batch_id=batch.pk)

    def test_the_run_refuses_to_be_nested_in_a_callers_transaction(self, world):
        """Issue 11 #5: a caller's transaction around the run would hold every batch until it commits."""
        from django.db import transaction

        batch = alliance.alliance_price_import_create(
            user=world.user("provincial_supervisor"), uploaded_file=SimpleUploadedFile("a.csv", (HEADER + ROW).encode())
        )
        with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
            alliance.alliance_price_import_run(batch_id=batch.pk)


def test_domain_error_is_what_a_broken_upload_raises(world):
    with pytest.raises(DomainError) as refused:
        alliance.alliance_price_import_create(
            user=world.user("provincial_reviewer"), uploaded_file=SimpleUploadedFile("a.csv", HEADER.encode())
        )
    assert refused.value.problems[0].field == "file" and refused.value.problems[0].code == "no_rows"
