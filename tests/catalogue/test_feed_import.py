"""Bulk import of the national price feed (DOMAIN.md §2): all or nothing, every bad row named."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from procurement.catalogue import services
from procurement.catalogue.choices import ImportStatus
from procurement.catalogue.models import NationalPrice, NationalPriceImport
from procurement.catalogue.selectors import national_lowest
from procurement.core.errors import Conflict, PermissionDenied

pytestmark = pytest.mark.django_db

CODE_A = "XC10AAA001A0001001" + "00483"
CODE_B = "ZA12BAA002G0001001" + "00007"
HEADER = "医保药品代码,省份,挂网价格,执行日期\n"


def upload(world, content: bytes, name="feed.csv", user="provincial_supervisor", capture=None):
    batch = services.national_price_import_create(
        user=world.user(user), uploaded_file=SimpleUploadedFile(name, content)
    )
    return services.national_price_import_run(batch_id=batch.pk)


def prices():
    return {(p.product_code, p.province): (p.price, p.effective_date) for p in NationalPrice.objects.all()}


def test_a_good_file_loads_every_row(world):
    content = (
        HEADER + f"{CODE_A},北京市,12.35,2026-09-18\n{CODE_A},江苏,11.80,2026/9/1\n{CODE_B},44,0.0325,2025-01-02\n"
    )
    batch = upload(world, content.encode())
    assert batch.status == ImportStatus.SUCCEEDED
    assert (batch.rows_total, batch.provinces, batch.rows_replaced) == (3, ["11", "32", "44"], 0)
    assert prices() == {
        (CODE_A, "11"): (Decimal("12.3500"), date(2026, 9, 18)),
        (CODE_A, "32"): (Decimal("11.8000"), date(2026, 9, 1)),
        (CODE_B, "44"): (Decimal("0.0325"), date(2025, 1, 2)),
    }


def test_the_national_lowest_leaves_out_the_home_province(world, settings):
    settings.HOME_PROVINCE = "64"
    content = (
        HEADER + f"{CODE_A},宁夏,9.00,2026-01-01\n{CODE_A},北京,12.35,2026-01-01\n{CODE_A},上海,11.80,2026-02-01\n"
    )
    upload(world, content.encode())
    lowest = national_lowest(CODE_A)
    assert (lowest.price, lowest.province, lowest.effective_date) == (Decimal("11.80"), "31", date(2026, 2, 1))
    assert national_lowest(CODE_B) is None


def test_gb18030_with_english_headers_in_another_order(world):
    content = f"price,effective_date,province,product_code\n8.5,2026-03-01,广东省,{CODE_A}\n".encode("gb18030")
    batch = upload(world, content)
    assert batch.status == ImportStatus.SUCCEEDED
    assert prices() == {(CODE_A, "44"): (Decimal("8.5000"), date(2026, 3, 1))}


def test_an_excel_file_loads_like_a_csv(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["医保药品代码", "省份", "挂网价格", "执行日期"])
    sheet.append([CODE_A, "浙江省", 12.35, datetime(2026, 9, 18)])
    sheet.append([CODE_B, "33", 7, "2026-09-19"])
    stream = io.BytesIO()
    workbook.save(stream)
    batch = upload(world, stream.getvalue(), name="全国挂网价.xlsx")
    assert batch.status == ImportStatus.SUCCEEDED, list(batch.errors.values_list("reason", flat=True))
    assert prices() == {
        (CODE_A, "33"): (Decimal("12.3500"), date(2026, 9, 18)),
        (CODE_B, "33"): (Decimal("7.0000"), date(2026, 9, 19)),
    }


def test_a_file_with_bad_rows_changes_nothing_and_names_every_problem(world):
    upload(world, (HEADER + f"{CODE_A},北京,12.35,2026-09-18\n").encode())
    before = prices()
    content = (
        HEADER
        + "\n".join(
            [
                f"{CODE_A},北京,10.00,2026-10-01",  # row 2: fine on its own
                "XA01,上海,10.00,2026-10-01",  # row 3: code too short
                f"{CODE_A},火星,10.00,2026-10-01",  # row 4: unknown province
                f"{CODE_A},天津,12.34567,2026-10-01",  # row 5: five decimals
                f"{CODE_A},河北,0,2026-10-01",  # row 6: zero
                f"{CODE_A},山西,-3,2026-10-01",  # row 7: negative
                f"{CODE_A},辽宁,10.00,2026-02-30",  # row 8: no such day
                f"{CODE_A},吉林,10.00,",  # row 9: empty date
                f"{CODE_A},北京市,9.00,2026-10-02",  # row 10: 北京 again (row 2)
                f"{CODE_A},黑龙江,NaN,2026-10-01",  # row 11: not a number
                f"{CODE_A},湖南,12,today",  # row 12: not a date
                f" {CODE_B} ,湖北 , 3.5 , 2026-10-01 ",  # row 13: fine, spaces are trimmed
            ]
        )
        + "\n"
    )
    batch = upload(world, content.encode())
    assert batch.status == ImportStatus.FAILED
    problems = {(error.row, error.column): error.reason for error in batch.errors.all()}
    assert sorted(problems) == [
        (3, "医保药品代码"),
        (4, "省份"),
        (5, "挂网价格"),
        (6, "挂网价格"),
        (7, "挂网价格"),
        (8, "执行日期"),
        (9, "执行日期"),
        (10, "医保药品代码"),
        (11, "挂网价格"),
        (12, "执行日期"),
    ]
    assert "23" in problems[(3, "医保药品代码")]
    assert "4" in problems[(5, "挂网价格")]
    assert "row 2" in problems[(10, "医保药品代码")] or "第 2 行" in problems[(10, "医保药品代码")]
    assert batch.error_count == 10
    assert prices() == before  # all or nothing: row 2 was not loaded either


def test_a_row_with_too_many_cells_is_named_with_the_others(world):
    content = HEADER + f"{CODE_A},北京,10,2026-10-01,extra\n{CODE_A},上海,abc,2026-10-01\n{CODE_B},广东,1,2026-10-01\n"
    batch = upload(world, content.encode())
    assert batch.status == ImportStatus.FAILED
    assert sorted((error.row, error.column) for error in batch.errors.all()) == [(2, ""), (3, "挂网价格")]
    assert not NationalPrice.objects.exists()


def test_a_missing_column_refuses_the_file_at_the_header(world):
    batch = upload(world, f"医保药品代码,省份,挂网价格\n{CODE_A},北京,10\n".encode())
    assert batch.status == ImportStatus.FAILED
    error = batch.errors.get()
    assert (error.row, error.column) == (1, "effective_date")
    assert "执行日期" in error.reason


def test_an_excel_file_with_a_broken_row(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["医保药品代码", "省份", "挂网价格", "执行日期"])
    sheet.append([CODE_A, "浙江省", "十二元", datetime(2026, 9, 18)])
    sheet.append([CODE_B, "浙江省", 3.5, "明天"])
    stream = io.BytesIO()
    workbook.save(stream)
    batch = upload(world, stream.getvalue(), name="feed.xlsx")
    assert sorted((e.row, e.column, e.value) for e in batch.errors.all()) == [
        (2, "挂网价格", "十二元"),
        (3, "执行日期", "明天"),
    ]
    assert not NationalPrice.objects.exists()


def test_loading_the_same_file_again_changes_nothing(world):
    content = (HEADER + f"{CODE_A},北京,12.35,2026-09-18\n{CODE_B},上海,3.10,2026-09-18\n").encode()
    upload(world, content)
    before = prices()
    batch = upload(world, content)
    assert (batch.rows_total, batch.rows_replaced) == (2, 2)
    assert prices() == before


def test_a_file_replaces_the_price_list_of_each_province_it_contains(world):
    upload(
        world,
        (
            HEADER + f"{CODE_A},北京,12.35,2026-09-18\n{CODE_B},北京,3.10,2026-09-18\n{CODE_B},上海,3.20,2026-09-18\n"
        ).encode(),
    )
    # 北京's new list no longer has CODE_B (delisted there); 上海 is not in the file.
    batch = upload(world, (HEADER + f"{CODE_A},北京,11.00,2026-11-01\n").encode())
    assert (batch.provinces, batch.rows_replaced) == (["11"], 2)
    assert prices() == {
        (CODE_A, "11"): (Decimal("11.0000"), date(2026, 11, 1)),
        (CODE_B, "31"): (Decimal("3.2000"), date(2026, 9, 18)),
    }


def test_only_the_provincial_bureau_loads_the_feed(world):
    with pytest.raises(PermissionDenied):
        upload(world, HEADER.encode(), user="city_bureau")
    with pytest.raises(PermissionDenied):
        upload(world, HEADER.encode(), user="manufacturer_clerk")
    assert not NationalPriceImport.objects.exists()


def test_upload_through_the_page(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.user("provincial_reviewer"))
    content = (HEADER + f"{CODE_A},北京,12.35,2026-09-18\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalogue:import-list"), {"file": SimpleUploadedFile("f.csv", content)})
    batch = NationalPriceImport.objects.get()
    assert response.status_code == 302
    assert batch.status == ImportStatus.SUCCEEDED
    page = client.get(reverse("catalogue:import-detail", args=[batch.pk])).content.decode()
    assert 'data-testid="import-status"' in page


def test_upload_through_the_api_and_read_the_errors(world, api_as, django_capture_on_commit_callbacks):
    client = api_as(world.user("provincial_supervisor"))
    content = (HEADER + f"{CODE_A},北京,abc,2026-09-18\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("api:national-price-import-list"),
            {"file": SimpleUploadedFile("f.csv", content)},
            format="multipart",
        )
    assert response.status_code == 202
    batch_id = response.json()["id"]
    assert client.get(reverse("api:national-price-import-detail", args=[batch_id])).json()["status"] == "failed"
    errors = client.get(reverse("api:national-price-import-errors", args=[batch_id])).json()
    assert errors["results"] == [
        {"row": 2, "column": "挂网价格", "value": "abc", "reason": errors["results"][0]["reason"]}
    ]


def test_a_file_of_the_wrong_type_is_refused(world):
    from procurement.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        upload(world, b"%PDF-1.4", name="feed.pdf")
    assert refused.value.problems[0].field == "file"


def test_spaces_around_values_are_trimmed(world):
    batch = upload(world, (HEADER + f" {CODE_A} , 湖北 , 3.5 , 2026-10-01 \n").encode())
    assert batch.status == ImportStatus.SUCCEEDED
    assert prices() == {(CODE_A, "42"): (Decimal("3.5000"), date(2026, 10, 1))}


def primary_key() -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'catalogue_nationalprice'::regclass AND contype = 'p'"
        )
        return cursor.fetchall()


def key_drops(world, content: bytes) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert upload(world, content).status == ImportStatus.SUCCEEDED
    return [query["sql"] for query in queries if "DROP CONSTRAINT" in query["sql"]]


def test_only_a_first_load_builds_the_key_after_the_rows(world):
    # given an empty feed
    key = primary_key()
    assert not NationalPrice.objects.exists()
    # when a file is loaded into it, then the key is dropped for the load and built again after the rows
    assert key_drops(world, (HEADER + f"{CODE_A},北京,12.35,2026-09-18\n{CODE_B},北京,3.10,2026-09-18\n").encode())
    assert primary_key() == key == [(key[0][0], "PRIMARY KEY (product_code, province)")]
    assert len(prices()) == 2
    # when the next file comes (the table has rows: readers keep reading them), then the key stays in place
    assert not key_drops(world, (HEADER + f"{CODE_A},上海,11.00,2026-09-18\n").encode())
    assert len(prices()) == 3


def test_a_duplicate_in_a_first_load_is_named_and_nothing_is_loaded(world):
    # given an empty feed, when a file names one code and province twice (the key, built after the rows, refuses it)
    key = primary_key()
    content = (
        HEADER + f"{CODE_A},北京,12.35,2026-09-18\n{CODE_B},上海,3.10,2026-09-18\n{CODE_A},北京市,12.00,2026-09-18\n"
    )
    batch = upload(world, content.encode())
    # then the second row is named with the first, nothing is loaded and the key is as it was
    assert batch.status == ImportStatus.FAILED
    error = batch.errors.get()
    assert (error.row, error.column, error.value) == (4, "医保药品代码", f"{CODE_A} / 北京市")
    assert not NationalPrice.objects.exists()
    assert primary_key() == key


@pytest.mark.parametrize("value", ["today", " tomorrow", "epoch", "infinity", "-infinity", "２０２６-０９-１８"])
def test_a_date_is_digits_not_a_word_the_database_would_read(world, value):
    # given a date cell PostgreSQL alone would read ('today' is a date to it), when the file is loaded
    batch = upload(world, (HEADER + f"{CODE_A},北京,12.35,{value}\n{CODE_B},北京,3.10, 2026-09-18\n").encode())
    # then it is refused and that cell named; the date with a space before it is fine
    assert batch.status == ImportStatus.FAILED
    assert [(e.row, e.column, e.value) for e in batch.errors.all()] == [(2, "执行日期", value.strip())]


class TestAnImportNeverStaysRunning:
    """Issue 10 #12: an import that stops for any reason but its file ends as failed, with its error,
    and can be retried; one whose worker died is found and ended too."""

    def test_an_unexpected_error_ends_it_as_failed_and_it_can_be_retried(self, world, monkeypatch):
        # given: a good file, and a fault that is not the file's (the database, a bug)
        batch = services.national_price_import_create(
            user=world.user("provincial_supervisor"),
            uploaded_file=SimpleUploadedFile("feed.csv", (HEADER + f"{CODE_A},11,9.80,2026-09-18\n").encode()),
        )

        def broken(*args, **kwargs):
            raise RuntimeError("connection to the file store lost")

        monkeypatch.setattr(services.feed, "load_feed", broken)
        # when
        batch = services.national_price_import_run(batch_id=batch.pk)
        # then: failed, saying why, nothing loaded; it may be retried
        assert batch.status == ImportStatus.FAILED and "connection to the file store lost" in batch.message
        assert not NationalPrice.objects.exists() and services.can_retry(batch)
        monkeypatch.undo()
        services.national_price_import_retry(user=world.user("provincial_supervisor"), batch_id=batch.pk)
        batch = services.national_price_import_run(batch_id=batch.pk)
        assert batch.status == ImportStatus.SUCCEEDED and len(prices()) == 1

    def test_a_refused_file_is_not_retried_as_it_is(self, world):
        batch = upload(world, (HEADER + "bad,11,9.80,2026-09-18\n").encode())
        assert batch.status == ImportStatus.FAILED and not services.can_retry(batch)
        with pytest.raises(Conflict):
            services.national_price_import_retry(user=world.user("provincial_supervisor"), batch_id=batch.pk)

    def test_one_whose_worker_died_is_ended_as_failed_while_a_live_one_is_not(self, world, client):
        import psycopg
        from django.conf import settings

        batch = services.national_price_import_create(
            user=world.user("provincial_supervisor"),
            uploaded_file=SimpleUploadedFile("feed.csv", (HEADER + f"{CODE_A},11,9.80,2026-09-18\n").encode()),
        )
        NationalPriceImport.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
        client.force_login(world.user("provincial_supervisor"))
        db = settings.DATABASES["default"]
        dsn = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"] or None, "port": db["PORT"] or None}
        with psycopg.connect(**{k: v for k, v in dsn.items() if v}, autocommit=True) as worker:
            # a worker still loading holds the batch's lock: the page leaves it running
            worker.execute("SELECT pg_advisory_lock(%s)", [services.import_lock_key(batch.pk)])
            client.get(reverse("catalogue:import-detail", args=[batch.pk]))
            assert NationalPriceImport.objects.get(pk=batch.pk).status == ImportStatus.RUNNING
        # the worker is gone (its connection closed, its lock with it): the next look ends the batch
        client.get(reverse("catalogue:import-detail", args=[batch.pk]))
        batch.refresh_from_db()
        assert batch.status == ImportStatus.FAILED and services.can_retry(batch)
