"""The supervision files (R-SUP-1, R-SUP-7): the indicator tables as Excel, and the monthly report of a region
as Excel and as PDF — the same figures as the pages, for the region the reader may see (R-SUP-2).

The PDF is drawn by ReportLab (the platform's PDF library) with a Chinese font embedded (WenQuanYi Micro Hei,
Debian's fonts-wqy-microhei), its text real text; its chart (the indicators' last twelve months) is drawn by
ReportLab's graphics. Every text cell of a workbook goes through ``safe_row`` (never a formula)."""

import io
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from procurement.core.demo.reports import _chinese_font
from procurement.core.exports import safe_row
from procurement.core.indicators import COUNT, registered_indicators
from procurement.organisations.models import Region
from supervision import indicator_selectors as selectors

RED = PatternFill("solid", fgColor="FFCDD2")


@dataclass
class Monthly:
    """The monthly report of one region: its figures with the month before, its sub-regions, its hospitals
    needing attention, the twelve months' trends."""

    region: Region
    month: date
    trends: list
    rows: list
    hospitals: list
    made_at: object


def monthly(user, month: date, region: Region) -> Monthly:
    trends = selectors.trends(user, month, region)
    hospitals = [row for row in selectors.hospital_table(user, month, region) if row.red]
    hospitals.sort(key=lambda row: (-len(row.red), row.name))
    return Monthly(
        region=region,
        month=month,
        trends=trends,
        rows=selectors.region_table(user, month, region),
        hospitals=hospitals,
        made_at=timezone.localtime(),
    )


def _figure_cells(figure) -> list:
    value = figure.value
    shown = None if value is None else (value if figure.indicator.unit == COUNT else figure.percent)
    return [figure.numerator if figure.present else None, figure.denominator if figure.present else None, shown]


def _figure_headers() -> list[str]:
    headers = []
    for indicator in registered_indicators():
        if indicator.unit == COUNT:
            headers += [f"{indicator.label}: {indicator.numerator_label}", "", str(indicator.label)]
        else:
            headers += [
                f"{indicator.label}: {indicator.numerator_label}",
                f"{indicator.label}: {indicator.denominator_label}",
                f"{indicator.label} (%)",
            ]
    return headers


def _mark_red(sheet, row_index: int, first_column: int, figures) -> None:
    for offset, figure in enumerate(figures):
        if figure.red:
            sheet.cell(row=row_index, column=first_column + offset * 3 + 2).fill = RED


def _title(sheet, text: str) -> None:
    sheet.append(safe_row([text]))
    sheet["A1"].font = Font(bold=True)


def _region_sheet(sheet, month: date, region: Region, rows) -> None:
    _title(
        sheet, _("Indicators by region, %(month)s — %(region)s") % {"month": f"{month:%Y-%m}", "region": region.name}
    )
    sheet.append(safe_row([_("region"), _("hospitals"), *_figure_headers()]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        cells = []
        for figure in row.figures:
            cells += _figure_cells(figure)
        sheet.append(safe_row(["  " * row.depth + row.region.name, row.hospitals, *cells]))
        _mark_red(sheet, sheet.max_row, 3, row.figures)
    sheet.column_dimensions["A"].width = 24


def _hospital_sheet(sheet, month: date, region: Region, rows) -> None:
    _title(
        sheet, _("Indicators by hospital, %(month)s — %(region)s") % {"month": f"{month:%Y-%m}", "region": region.name}
    )
    sheet.append(safe_row([_("medical institution"), _("region"), *_figure_headers()]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        cells = []
        for figure in row.figures:
            cells += _figure_cells(figure)
        sheet.append(safe_row([row.name, row.region_name, *cells]))
        _mark_red(sheet, sheet.max_row, 3, row.figures)
    sheet.column_dimensions["A"].width = 32


def _save(book: Workbook) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def region_workbook(month: date, region: Region, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{month:%Y-%m}"
    _region_sheet(sheet, month, region, rows)
    return _save(book)


def hospital_workbook(month: date, region: Region, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{month:%Y-%m}"
    _hospital_sheet(sheet, month, region, rows)
    return _save(book)


def monthly_workbook(report: Monthly) -> bytes:
    """The monthly report: the headline figures with the month before, the regions, the hospitals needing
    attention, the twelve months of each indicator."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("summary")
    _title(
        sheet,
        _("Supervision monthly report, %(month)s — %(region)s")
        % {"month": f"{report.month:%Y-%m}", "region": report.region.name},
    )
    sheet.append(
        safe_row([_("indicator"), _("numerator"), _("denominator"), _("figure"), _("month before"), _("change")])
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for trend in report.trends:
        now = trend.current
        sheet.append(
            safe_row(
                [
                    str(trend.indicator.label),
                    now.numerator if now.present else None,
                    now.denominator if now.present else None,
                    now.shown,
                    trend.previous.shown,
                    trend.change,
                ]
            )
        )
        if now.red:
            sheet.cell(row=sheet.max_row, column=4).fill = RED
    sheet.column_dimensions["A"].width = 28
    _region_sheet(book.create_sheet(_("regions")), report.month, report.region, report.rows)
    _hospital_sheet(book.create_sheet(_("needing attention")), report.month, report.region, report.hospitals)
    months = book.create_sheet(_("trends"))
    months.append(safe_row([_("month"), *[str(trend.indicator.label) for trend in report.trends]]))
    for index, month in enumerate(report.trends[0].months if report.trends else []):
        months.append(safe_row([f"{month:%Y-%m}", *[trend.figures[index].shown for trend in report.trends]]))
    return _save(book)


def _trend_drawing(report: Monthly, font: str, width: float):
    """The rates of the last twelve months as lines (ReportLab graphics), with a legend."""
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    rates = [trend for trend in report.trends if trend.indicator.unit != COUNT]
    drawing = Drawing(width, 230)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 70, width - 60, 140
    data = [
        [float(figure.percent) if figure.percent is not None else None for figure in trend.figures] for trend in rates
    ]
    chart.data = data or [[0]]
    chart.categoryAxis.categoryNames = [f"{month:%m}" for month in report.trends[0].months] if report.trends else []
    chart.categoryAxis.labels.fontName = font
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = "%d %%"
    palette = [
        colors.HexColor(code) for code in ("#1565c0", "#6a1b9a", "#ef6c00", "#2e7d32", "#00838f", "#c62828", "#5d4037")
    ]
    for index in range(len(rates)):
        chart.lines[index].strokeColor = palette[index % len(palette)]
        chart.lines[index].strokeWidth = 1.5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 40, 40
    legend.fontName, legend.fontSize = font, 7
    legend.columnMaximum = 2
    legend.dx, legend.dy, legend.deltax = 8, 6, 150
    legend.alignment = "right"
    legend.colorNamePairs = [
        (palette[index % len(palette)], str(trend.indicator.label)) for index, trend in enumerate(rates)
    ]
    drawing.add(legend)
    return drawing


def monthly_pdf(report: Monthly) -> bytes:
    """The monthly report as a PDF: title with the region and month, the headline table (numerator,
    denominator, figure, the month before), the twelve months' chart, the sub-regions, the hospitals
    needing attention."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _chinese_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=8)
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=11)
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Supervision monthly report"),
        author=report.region.name,
    )
    width = A4[0] - 30 * mm
    story = [
        Paragraph(
            _("Supervision monthly report, %(month)s — %(region)s")
            % {"month": f"{report.month:%Y-%m}", "region": report.region.name},
            title,
        ),
        Paragraph(_("Made on %(when)s.") % {"when": f"{report.made_at:%Y-%m-%d %H:%M}"}, body),
        Spacer(1, 4 * mm),
        Paragraph(_("Headline figures"), heading),
    ]

    def table(rows, widths, red_cells=()):
        found = Table([[Paragraph(str(cell), body) for cell in row] for row in rows], colWidths=widths, repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3f2fd")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        style += [("BACKGROUND", cell, cell, colors.HexColor("#ffcdd2")) for cell in red_cells]
        found.setStyle(TableStyle(style))
        return found

    rows = [[_("indicator"), _("numerator"), _("denominator"), _("figure"), _("month before"), _("change")]]
    red = []
    for index, trend in enumerate(report.trends, start=1):
        now = trend.current
        rows.append(
            [
                trend.indicator.label,
                f"{now.numerator:,}" if now.present else "—",
                f"{now.denominator:,}" if now.present and trend.indicator.unit != COUNT else "—",
                now.shown,
                trend.previous.shown,
                trend.change,
            ]
        )
        if now.red:
            red.append((3, index))
    story.append(table(rows, [width * share for share in (0.26, 0.18, 0.18, 0.12, 0.12, 0.14)], red))
    story += [Paragraph(_("The last twelve months (rates, %)"), heading), _trend_drawing(report, font, width)]
    indicators = registered_indicators()
    rows = [[_("region"), _("hospitals"), *[indicator.label for indicator in indicators]]]
    red = []
    for index, row in enumerate(report.rows, start=1):
        rows.append(["\u3000" * row.depth + row.region.name, row.hospitals, *[f.shown for f in row.figures]])
        red += [(2 + column, index) for column, figure in enumerate(row.figures) if figure.red]
    story += [Paragraph(_("By region"), heading)]
    story.append(
        table(rows, [width * 0.16, width * 0.08] + [width * 0.76 / max(1, len(indicators))] * len(indicators), red)
    )
    story += [Paragraph(_("Hospitals needing attention"), heading)]
    if report.hospitals:
        rows = [[_("medical institution"), _("region"), _("why")]]
        for hospital in report.hospitals[:100]:
            why = "；".join(
                f"{figure.indicator.label} {figure.shown}（{figure.threshold_shown}）" for figure in hospital.red
            )
            rows.append([hospital.name, hospital.region_name, why])
        story.append(table(rows, [width * 0.3, width * 0.15, width * 0.55]))
    else:
        story.append(Paragraph(_("None this month."), body))
    document.build(story)
    return output.getvalue()
