"""The demo's inspection reports (药品检验报告书): real one-page PDFs with Chinese text, made at seeding.

A distributor attaches the manufacturer's inspection report of each batch it ships (R-ORD-7); the demo
ships batches, so it needs reports a person can open in a PDF viewer and read. ReportLab writes them.
The Chinese font is WenQuanYi Micro Hei when the machine has it (Debian's fonts-wqy-microhei, which
bin/test installs), embedded as a subset; without it, Adobe's standard Chinese font STSong-Light,
which PDF viewers supply themselves — either way the text is real text (searchable, copyable).
"""

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

FONT_FILES = [
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
]


@dataclass(frozen=True)
class InspectionReport:
    report_number: str
    product: str  # generic name with strength and pack
    manufacturer: str
    approval_number: str
    batch_number: str
    quantity: str
    production_date: date
    expiry_date: date
    inspected_on: date


def _chinese_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    for path in FONT_FILES:
        if path.exists():
            if "WenQuanYiMicroHei" not in registered:
                pdfmetrics.registerFont(TTFont("WenQuanYiMicroHei", str(path), subfontIndex=0))
            return "WenQuanYiMicroHei"
    if "STSong-Light" not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def inspection_report_pdf(report: InspectionReport) -> bytes:
    """One A4 page: the title, the batch's facts in a table, the items tested and the conclusion."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = _chinese_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)  # invariant: the same bytes for the same report
    page.setTitle(f"药品检验报告书 {report.report_number}")
    page.setAuthor(report.manufacturer)
    page.setSubject(f"{report.product} 批号 {report.batch_number}")
    width, height = A4
    left, right = 22 * mm, width - 22 * mm

    page.setFont(font, 20)
    page.drawCentredString(width / 2, height - 30 * mm, "药品检验报告书")
    page.setFont(font, 10)
    page.drawCentredString(width / 2, height - 37 * mm, f"报告编号：{report.report_number}")

    facts = [
        ("检品名称", report.product),
        ("生产企业", report.manufacturer),
        ("批准文号", report.approval_number),
        ("批号", report.batch_number),
        ("检品数量", report.quantity),
        ("生产日期", f"{report.production_date:%Y年%m月%d日}"),
        ("有效期至", f"{report.expiry_date:%Y年%m月%d日}"),
        ("检验依据", "《中华人民共和国药典》2025年版二部"),
        ("报告日期", f"{report.inspected_on:%Y年%m月%d日}"),
    ]
    top, row = height - 48 * mm, 9 * mm
    page.setStrokeColor(colors.HexColor("#555555"))
    for index, (label, value) in enumerate(facts):
        y = top - index * row
        page.rect(left, y - row, right - left, row)
        page.line(left + 32 * mm, y - row, left + 32 * mm, y)
        page.setFont(font, 11)
        page.drawString(left + 3 * mm, y - 6 * mm, label)
        page.drawString(left + 35 * mm, y - 6 * mm, value)

    results = [
        ("性状", "应符合规定", "符合规定"),
        ("鉴别", "应呈正反应", "符合规定"),
        ("有关物质", "不得过 0.5%", "0.12%"),
        ("溶出度", "不得少于标示量的 80%", "93%"),
        ("含量测定", "应为标示量的 93.0%～107.0%", "99.6%"),
    ]
    y = top - len(facts) * row - 12 * mm
    page.setFont(font, 12)
    page.drawString(left, y, "检验项目")
    y -= 3 * mm
    columns = (left, left + 45 * mm, left + 120 * mm, right)
    for cells in (("检验项目", "标准规定", "检验结果"), *results):
        page.rect(left, y - row, right - left, row)
        for column, text in zip(columns, cells, strict=False):
            if column != left:
                page.line(column, y - row, column, y)
            page.setFont(font, 11)
            page.drawString(column + 3 * mm, y - 6 * mm, text)
        y -= row

    page.setFont(font, 12)
    page.drawString(left, y - 12 * mm, "检验结论：本品按《中华人民共和国药典》2025年版二部检验，结果符合规定。")
    page.setFont(font, 10)
    page.drawString(left, y - 24 * mm, "（演示数据：本报告由演示环境生成，仅供试用平台。）")
    page.drawRightString(right, y - 36 * mm, f"{report.manufacturer} 质量检验部门")
    page.showPage()
    page.save()
    return buffer.getvalue()
