"""Server-drawn completion chart (R-VBP-5): units bought over the contract year against the pace line.
No script and no CDN: the template draws the SVG from these coordinates (``templates/vbp/_progress.html``)."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 64, 16, 16, 36


@dataclass(frozen=True)
class ProgressChart:
    width: int
    height: int
    bought: str  # polyline points
    pace: str  # polyline points
    ticks: list  # (y, label)
    x_labels: list  # (x, label)
    last: tuple  # (x, y, label) of the last month


def progress_chart(volume: int, year_start: date, year_end: date, months: dict[date, int], today: date):
    """Cumulative units bought at each month's end of the contract year, and the pace line from 0 to the agreed
    volume at the year's end."""
    if volume <= 0:
        return None
    days = (year_end - year_start).days + 1
    top = max(volume, sum(months.values())) or 1

    def x(day: date) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * ((day - year_start).days + 1) / days, 1)

    def y(units: float) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - units / top), 1)

    points, total, month = [(x(year_start) - 1, y(0))], 0, year_start.replace(day=1)
    labels = []
    while month <= min(today, year_end):
        total += months.get(month, 0)
        end = min(month + relativedelta(months=1) - relativedelta(days=1), today, year_end)
        points.append((x(end), y(total)))
        labels.append((x(end), f"{month:%m}"))
        month += relativedelta(months=1)
    ticks = [(y(top * i / 4), f"{round(top * i / 4):,}") for i in range(5)]
    return ProgressChart(
        WIDTH,
        HEIGHT,
        " ".join(f"{a},{b}" for a, b in points),
        f"{LEFT},{y(0)} {x(year_end)},{y(volume)}",
        ticks,
        labels,
        (points[-1][0], points[-1][1], f"{total:,}"),
    )
