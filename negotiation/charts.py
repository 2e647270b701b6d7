"""Server-drawn SVG charts (no script, no CDN: hospital intranets are offline).

Each function returns what a template needs to draw: coordinates in a fixed viewBox and labels.
"""

from dataclasses import dataclass
from decimal import Decimal

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
    polyline: str = ""
    x_labels: tuple = ()


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


def series(points: list[tuple], *, as_percent: bool = True) -> Chart | None:
    """A line over time (e.g. the share of red per night)."""
    if not points:
        return None
    y, _ = _scale(Decimal(0), Decimal(1))
    ticks = [(y(Decimal(i) / 4), f"{i * 25}%") for i in range(5)]
    step = (WIDTH - LEFT - RIGHT) / max(len(points) - 1, 1)
    coordinates = [
        (round(LEFT + step * index, 1), y(Decimal(str(share)))) for index, (_day, share) in enumerate(points)
    ]
    dots = [
        Dot(x, y_, ZONE_COLOURS["red"], False, f"{day:%Y-%m-%d} {share:.0%}")
        for (x, y_), (day, share) in zip(coordinates, points, strict=True)
    ]
    labels = ((coordinates[0][0], f"{points[0][0]:%m-%d}"), (coordinates[-1][0], f"{points[-1][0]:%m-%d}"))
    return Chart(WIDTH, HEIGHT, dots, [], ticks, " ".join(f"{x},{y_}" for x, y_ in coordinates), labels)
