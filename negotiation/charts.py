"""The charts of the price alerts.

``zone_shares``: the data of the red / yellow / blue shares over time, drawn in the browser by Apache
ECharts (vendored in static/vendor/echarts, no CDN: hospital intranets are offline) through
static/js/charts.js, from a ``json_script`` block (no inline script: the CSP forbids it).
``distribution``: a server-drawn SVG of one product's prices (coordinates in a fixed viewBox).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 56, 16, 16, 36
ZONE_COLOURS = {"red": "#c62828", "yellow": "#f9a825", "blue": "#1565c0", "none": "#2e7d32", "unzoned": "#9e9e9e"}


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    colour: str
    own: bool
    label: str


@dataclass(frozen=True)
class Line:
    x1: float
    x2: float
    y: float
    label: str
    colour: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    dots: list
    lines: list
    ticks: list  # (y, label)


def _scale(low: Decimal, high: Decimal):
    if high == low:
        low, high = low * Decimal("0.9"), high * Decimal("1.1") or Decimal(1)
    span = float(high - low)

    def y(value) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - (float(value) - float(low)) / span), 1)

    ticks = [(y(low + (high - low) * Decimal(i) / 4), f"{low + (high - low) * Decimal(i) / 4:.2f}") for i in range(5)]
    return y, ticks


def distribution(points, lines: list[tuple[str, Decimal | None, str]]) -> Chart | None:
    """Agreed unit prices of one product, one dot per hospital left to right by price, coloured by zone,
    with horizontal lines (national lowest, the marked hospital's peer lines)."""
    if not points:
        return None
    values = [point.unit_price for point in points] + [value for _label, value, _c in lines if value is not None]
    y, ticks = _scale(min(values), max(values))
    step = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    dots = [
        Dot(
            round(LEFT + step * (index + 0.5), 1),
            y(point.unit_price),
            ZONE_COLOURS[point.zone],
            point.own,
            f"{point.hospital.name if point.hospital else ''} {point.unit_price}",
        )
        for index, point in enumerate(points)
    ]
    drawn = [
        Line(LEFT, WIDTH - RIGHT, y(value), f"{label} {value:.4f}", colour)
        for label, value, colour in lines
        if value is not None
    ]
    return Chart(WIDTH, HEIGHT, dots, drawn, ticks)


def zone_shares(days: list[dict]) -> dict | None:
    """R-NEG-6: the share of the zoned agreements in red, yellow and blue, night by night, in per cent
    (one decimal), with the counts behind each share and the chart's words in the page's language."""
    if not days:
        return None

    def share(count: int, zoned: int) -> float | None:
        # a float for the chart only: a share of a count, never money
        return round(count * 100 / zoned, 1) if zoned else None

    return {
        "days": [f"{day['day']:%Y-%m-%d}" for day in days],
        "zoned": [day["agreements"] for day in days],
        "series": [
            {
                "zone": zone,
                "name": str(label),
                "colour": ZONE_COLOURS[zone],
                "shares": [share(day[zone], day["agreements"]) for day in days],
                "counts": [day[zone] for day in days],
            }
            for zone, label in (("red", _("red")), ("yellow", _("yellow")), ("blue", _("blue")))
        ],
        "x_name": str(_("night of the zoning")),
        "y_name": str(_("share of zoned agreements (%)")),
        "count_label": str(_("agreements")),
        "zoned_label": str(_("zoned")),
    }
