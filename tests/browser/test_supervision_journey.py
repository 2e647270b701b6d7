"""Issue 16 (R-SUP-1, R-SUP-2, R-SUP-7): a city bureau opens the supervision cockpit in a real Chromium, sees its
region only, drills from a red indicator to the hospital's orders of the month, opens an interview case from a flag
(R-SUP-5) and downloads the monthly PDF."""

import io
from datetime import date

import pypdf
import pytest
from playwright.sync_api import expect

from supervision.indicator_jobs import supervision_indicators
from supervision.models import Case
from tests.supervision.conftest import build, october  # noqa: F401  (fixtures: the hand-computed October)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_bureau_cockpit_drill_down_and_monthly_pdf(world, october, session, tmp_path):  # noqa: F811
    supervision_indicators(today=date(2026, 11, 5))
    context, page = session("city_bureau")

    # The cockpit of 银川市: its figures, its trend drawn by ECharts, nothing of 石嘴山市.
    page.goto("/supervision/?month=2026-10")
    assert page.inner_text("[data-testid=cockpit-region]") == "银川市"
    body = page.inner_text("main")
    assert "平罗县人民医院" not in body and "石嘴山市" not in body
    assert page.inner_text("[data-testid=figure-online_rate]") == "80.00 %"
    expect(page.locator("[data-testid=trend-chart][data-chart-ready=true] canvas")).to_have_count(1)

    # A red indicator of a hospital needing attention → the hospital's figures → the orders behind it.
    red = page.locator(f"[data-testid=red-{world.hospital.pk}-online_rate]")
    expect(red).to_have_class("status status-danger")
    page.click(f"[data-testid=attention-{world.hospital.pk}] a")
    assert "永宁县人民医院" in page.inner_text("[data-testid=hospital-name]")
    row = page.locator("[data-testid=figure-row-online_rate]")
    assert "200.00" in row.inner_text() and "250.00" in row.inner_text()
    expect(page.locator("[data-testid=figure-online_rate]")).to_have_class("status status-danger")
    page.click("[data-testid=drill-online_rate]")
    page.wait_for_selector("[data-testid=drill-filter]")
    assert "永宁县人民医院" in page.inner_text("[data-testid=drill-filter]")
    assert "2026-10" in page.inner_text("[data-testid=drill-filter]")
    expect(page.locator("[data-testid=order-state]")).to_have_count(5)
    assert "平罗县人民医院" not in page.inner_text("[data-testid=orders]")

    # Today's flags on the cockpit: the hospital's payable unpaid since 31 October → an interview case.
    page.goto("/supervision/?month=2026-10")
    flag = page.locator(f"[data-testid=flag-overdue_payments-{world.hospital.pk}]")
    assert "永宁县人民医院" in flag.inner_text()
    assert "平罗县人民医院" not in page.inner_text("[data-testid=cockpit-flags]")
    page.click(f"[data-testid=open-case-overdue_payments-{world.hospital.pk}]")
    page.wait_for_selector("[data-testid=case-status]")
    case = Case.objects.get(subject=world.hospital, flag_key="overdue_payments")
    assert page.inner_text("[data-testid=explanation]") == case.explanation
    assert "2026-10-31" in case.explanation  # the oldest payable due

    # The monthly report of 银川市 as a PDF, its text extractable.
    page.goto("/supervision/?month=2026-10")
    page.click("[data-testid=report-link]")
    with page.expect_download() as download:
        page.click("[data-testid=report-pdf]")
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "银川市" in text and "2026-10" in text and "石嘴山市" not in text
    context.close()
