"""The monthly report per region (事后通报, 004 §二(三)) on a hand-computed month; R-SUP-2 scoping."""

import json
import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from filings.choices import FilingStatus, WarningPeriod
from filings.models import Filing, FilingWarning
from filings.selectors import monthly_report
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

OCTOBER = date(2026, 10, 1)


def at(month, day, hour=10, minute=0):
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


@pytest.fixture
def october(world):
    """Filings of 2026-10, by hand:

    永宁县人民医院 (银川市 › 永宁县): #1 1,000.00 filed 10-05, approved 10-20; #2 500.00 filed 10-08, rejected
    10-20; #3 200.00 filed 09-28, approved 10-20. Over its monthly line in October.
    自治区人民医院 (银川市 › 金凤区): #4 300.00 filed 10-31 23:30, waiting; #5 900.00 filed 11-01 00:10 (November).
    平罗县人民医院 (石嘴山市 › 平罗县): #6 700.00 filed 10-03, approved 10-20; #7 100.00 filed 08-01, approved
    08-20, flagged not bought 10-19. A warning of October cleared (not counted).
    """
    buyer = world.user("hospital_buyer")

    def make(hospital, amount, filed, status=FilingStatus.SUBMITTED, decided=None, flagged=None):
        product = ProductFactory(manufacturer=world.manufacturer, generic_name=f"报表药{Filing.objects.count()}")
        filing = Filing.objects.create(
            hospital=hospital,
            product=product,
            basis="unlisted",
            reason="临床必需",
            quantity=1,
            months=6,
            price=Decimal(amount),
            amount=Decimal(amount),
            status=status,
            submitted_by=buyer,
            decided_at=decided,
            valid_from=decided.date() if status == FilingStatus.APPROVED else None,
            valid_until=date(2027, 3, 31) if status == FilingStatus.APPROVED else None,
            follow_up_flagged_on=flagged,
        )
        Filing.objects.filter(pk=filing.pk).update(submitted_at=filed)
        return filing

    decided = at(10, 20)
    first = make(world.hospital, "1000.00", at(10, 5), FilingStatus.APPROVED, decided)
    make(world.hospital, "500.00", at(10, 8), FilingStatus.REJECTED, decided)
    make(world.hospital, "200.00", at(9, 28), FilingStatus.APPROVED, decided)
    make(world.city_hospital, "300.00", at(10, 31, 23, 30))
    make(world.city_hospital, "900.00", at(11, 1, 0, 10))
    sixth = make(world.other_hospital, "700.00", at(10, 3), FilingStatus.APPROVED, decided)
    make(world.other_hospital, "100.00", at(8, 1), FilingStatus.APPROVED, at(8, 20), flagged=date(2026, 10, 19))
    common = {"period": WarningPeriod.MONTH, "period_start": OCTOBER, "line": Decimal("1000"), "raised_on": OCTOBER}
    FilingWarning.objects.create(hospital=world.hospital, amount=Decimal("1700"), crossing_filing=first, **common)
    FilingWarning.objects.create(
        hospital=world.other_hospital,
        amount=Decimal("1200"),
        crossing_filing=sixth,
        cleared_on=date(2026, 10, 21),
        **common,
    )


def figures(row):
    return (row.filed, row.filed_amount, row.approved, row.approved_amount, row.rejected, row.over_line, row.not_bought)


def test_the_province_reads_every_city(world, october):
    report = monthly_report(world.user("provincial_supervisor"), OCTOBER)
    assert report.scope is None
    assert [row.region.name for row in report.rows] == ["银川市", "石嘴山市"]
    assert figures(report.rows[0]) == (3, Decimal("1800.00"), 2, Decimal("1200.00"), 1, 1, 0)
    assert figures(report.rows[1]) == (1, Decimal("700.00"), 1, Decimal("700.00"), 0, 0, 1)
    assert figures(report.total) == (4, Decimal("2500.00"), 3, Decimal("1900.00"), 1, 1, 1)


def test_a_city_bureau_reads_its_counties_only(world, october):
    """R-SUP-2: 银川市 sees its counties, nothing of 石嘴山市."""
    report = monthly_report(world.user("city_bureau"), OCTOBER)
    assert report.scope == world.yinchuan
    assert [row.region.name for row in report.rows] == ["金凤区", "永宁县"]
    assert figures(report.rows[0]) == (1, Decimal("300.00"), 0, Decimal("0.00"), 0, 0, 0)
    assert figures(report.rows[1]) == (2, Decimal("1500.00"), 2, Decimal("1200.00"), 1, 1, 0)
    assert figures(report.total) == (3, Decimal("1800.00"), 2, Decimal("1200.00"), 1, 1, 0)


def test_a_county_bureau_reads_its_county(world, october):
    report = monthly_report(world.user("county_bureau"), OCTOBER)
    assert [row.region.name for row in report.rows] == ["永宁县"]
    assert figures(report.total) == (2, Decimal("1500.00"), 2, Decimal("1200.00"), 1, 1, 0)


def test_the_report_page_and_its_excel_hold_the_same_figures(world, october, client):
    client.force_login(world.user("city_bureau"))
    page = client.get(reverse("filings:report"), {"month": "2026-10"}).content.decode()
    assert "¥1,800.00" in page and "金凤区" in page and "石嘴山" not in page and "平罗" not in page
    chart = json.loads(
        re.search(r'<script id="filing-report-data" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    assert chart["regions"] == ["金凤区", "永宁县"]
    assert [series["amounts"] for series in chart["series"]] == [["300.00", "1500.00"], ["0.00", "1200.00"]]
    assert [series["counts"] for series in chart["series"]] == [[1, 2], [0, 2]]
    response = client.get(reverse("filings:report"), {"month": "2026-10", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert rows[0] == ["金凤区", 1, 300, 0, 0, 0, 0, 0]
    assert rows[1] == ["永宁县", 2, 1500, 2, 1200, 1, 1, 0]
    assert rows[2][1:] == [3, 1800, 2, 1200, 1, 1, 0]
    assert all("石嘴山" not in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def test_hospitals_and_companies_do_not_read_the_report(world, client):
    for name in ("hospital_buyer", "manufacturer_clerk"):
        client.force_login(world.user(name))
        assert client.get(reverse("filings:report")).status_code == 403
