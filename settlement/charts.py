"""Server-drawn bars of on-time payment rates (no script, no CDN: hospital intranets are offline)."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, ROW, LEFT, RIGHT = 640, 26, 140, 60


@dataclass(frozen=True)
class Bar:
    y: int
    label: str
    count_width: float
    amount_width: float
    count_text: str
    amount_text: str


@dataclass(frozen=True)
class Bars:
    width: int
    height: int
    bars: list
    scale: int


def _percent(share: Decimal | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def bars(rates) -> Bars | None:
    """One pair of bars a rate: the share by amount above, by count below, 100 % the full width."""
    if not rates:
        return None
    scale = WIDTH - LEFT - RIGHT
    rows = [
        Bar(
            y=10 + index * ROW * 2,
            label=rate.label,
            count_width=round(float(rate.by_count or 0) * scale, 1),
            amount_width=round(float(rate.by_amount or 0) * scale, 1),
            count_text=_percent(rate.by_count),
            amount_text=_percent(rate.by_amount),
        )
        for index, rate in enumerate(rates)
    ]
    return Bars(WIDTH, 20 + len(rows) * ROW * 2, rows, scale)
