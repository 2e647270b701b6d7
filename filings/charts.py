"""The monthly report's chart, drawn on the server as SVG (no script, no CDN: hospital intranets are
offline): per region, the filed amount and the approved amount side by side."""

from dataclasses import dataclass
from decimal import Decimal

from filings.selectors import Report

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 72, 16, 16, 40
FILED, APPROVED = "#1565c0", "#2e7d32"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list
    ticks: list  # (y, label)
    x_labels: list  # (x, label)
    baseline: float


def report_bars(report: Report) -> BarChart | None:
    rows = [row for row in report.rows if row.filed_amount or row.approved_amount]
    if not rows:
        return None
    top = max(max(row.filed_amount, row.approved_amount) for row in rows) or Decimal(1)
    plot = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / len(rows)
    bar = min(28.0, slot / 3)

    def y(value: Decimal) -> float:
        return round(TOP + plot * (1 - float(value) / float(top)), 1)

    bars, labels = [], []
    for index, row in enumerate(rows):
        centre = LEFT + slot * index + slot / 2
        name = row.region.name if row.region else "—"
        for offset, value, colour in ((-bar, row.filed_amount, FILED), (0, row.approved_amount, APPROVED)):
            top_y = y(value)
            bars.append(
                Bar(
                    round(centre + offset, 1),
                    top_y,
                    round(bar, 1),
                    round(TOP + plot - top_y, 1),
                    colour,
                    f"{name} {value:,}",
                )
            )
        labels.append((round(centre, 1), name))
    ticks = [(y(top * Decimal(i) / 4), f"{top * Decimal(i) / 4:,.0f}") for i in range(5)]
    return BarChart(WIDTH, HEIGHT, bars, ticks, labels, TOP + plot)
