"""Issue 12: the demo's inspection reports are real PDFs with Chinese text (procurement.core.demo.reports)."""

import io
from datetime import date

import pypdf
import pytest

from procurement.core.demo import reports

REPORT = reports.InspectionReport(
    report_number="JY20260801-26121234",
    product="阿托伐他汀钙片 20mg×7片/盒",
    manufacturer="北京嘉林药业股份有限公司",
    approval_number="国药准字H19990258",
    batch_number="26121234",
    quantity="20 盒",
    production_date=date(2026, 8, 1),
    expiry_date=date(2028, 7, 31),
    inspected_on=date(2026, 8, 8),
)


@pytest.mark.parametrize("font", ["embedded WenQuanYi Micro Hei", "the viewer's STSong-Light"])
def test_an_inspection_report_is_a_one_page_pdf_whose_chinese_text_reads_back(font, monkeypatch):
    # given: the machine's Chinese font, or none
    if font.startswith("the viewer"):
        monkeypatch.setattr(reports, "FONT_FILES", [])
    elif not any(path.exists() for path in reports.FONT_FILES):
        pytest.skip("fonts-wqy-microhei is not installed")
    # when
    pdf = reports.inspection_report_pdf(REPORT)
    # then: a PDF a reader opens, whose text is the report's
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    document = pypdf.PdfReader(io.BytesIO(pdf))
    text = document.pages[0].extract_text()
    assert len(document.pages) == 1
    for expected in (
        "药品检验报告书",
        "阿托伐他汀钙片",
        "北京嘉林药业股份有限公司",
        "26121234",
        "2028年07月31日",
        "符合规定",
    ):
        assert expected in text, expected
    assert document.metadata.title == "药品检验报告书 JY20260801-26121234"
