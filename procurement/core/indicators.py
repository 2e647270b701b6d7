"""The registry of supervision indicators (R-SUP-1): what each channel declares about a hospital's month.

Supervision may not import the channels (import-linter ``channels-independent``), and the core never does:
as price sources, order events and contract sources do, each channel declares what it knows from its own
``indicators.py`` (found at start-up by the core's ``ready()``, as contract sources are):

- ``register_indicator(Indicator(...))``: one figure bureau staff read — its key, its label, the rule it
  implements, what its numerator and denominator are, its unit (a rate, or a count) and which direction is
  good. Declared once, by the channel that owns its data (the core's for a figure several channels feed).
- ``register_indicator_part(IndicatorPart(...))``: a set-based SQL query giving one channel's share of an
  indicator's figures, one row per hospital and month with the columns of ``PART_COLUMNS``; and how to
  show the rows behind a figure (``drill``: the URL of the channel's own list page, with its filters).

An indicator's figure for a hospital and month is the sum of its parts' numerators over the sum of their
denominators; a region's is the sum over its hospitals (rates are never averaged). ``indicator_rows_sql``
is the union of every part, for supervision's nightly job to compose.

A part's SQL reads the parameters ``%(since)s`` and ``%(until)s`` (dates: the first day of the first month,
the first day after the last month), ``%(today)s`` (a date) and ``%(tz)s`` (the platform's time zone name),
plus its own ``params()``; a part may only write nothing. Months are calendar months in Asia/Shanghai.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

PART_COLUMNS = ("hospital_id", "month", "numerator", "denominator")

RATE, COUNT = "rate", "count"
HIGHER, LOWER = "higher", "lower"  # which direction is good


@dataclass(frozen=True)
class Indicator:
    """One indicator of R-SUP-1 as bureau staff read it."""

    key: str
    label: Any  # translatable
    rule: str
    numerator_label: Any
    denominator_label: Any = ""
    unit: str = RATE  # RATE: numerator ÷ denominator; COUNT: the numerator (the denominator is unused)
    better: str = HIGHER
    order: int = 50
    description: Any = ""

    def value(self, numerator, denominator):
        """The figure: the rate (a Decimal, 0.1234 = 12.34 %) or the count; None with nothing to divide by."""
        if self.unit == COUNT:
            return numerator
        if not denominator:
            return None
        return numerator / denominator


@dataclass(frozen=True)
class Drill:
    """Whose rows a drill-down shows: one hospital, or the hospitals of a region; one month."""

    month: date
    hospital_id: int | None = None
    region_code: str | None = None


@dataclass(frozen=True)
class IndicatorPart:
    """One channel's share of an indicator's figures: ``sql`` gives rows of ``PART_COLUMNS``."""

    indicator: str
    name: str
    sql: str | Callable[[], str] = field(compare=False)  # a callable when it composes other registries' SQL
    label: Any = ""  # what its rows are (订单, 应付款 …): the drill-down link's words
    drill: Callable[[Drill], str | None] | None = field(default=None, compare=False)
    params: Callable[[], dict] | None = field(default=None, compare=False)

    @property
    def query(self) -> str:
        return self.sql() if callable(self.sql) else self.sql


_indicators: dict[str, Indicator] = {}
_parts: dict[tuple[str, str], IndicatorPart] = {}


def register_indicator(indicator: Indicator) -> Indicator:
    if indicator.key in _indicators and _indicators[indicator.key] != indicator:
        raise ValueError(f"indicator {indicator.key!r} is registered twice")
    _indicators[indicator.key] = indicator
    return indicator


def register_indicator_part(part: IndicatorPart) -> IndicatorPart:
    key = (part.indicator, part.name)
    if key in _parts and _parts[key] != part:
        raise ValueError(f"indicator part {key!r} is registered twice")
    _parts[key] = part
    return part


def unregister_indicator(key: str) -> None:
    _indicators.pop(key, None)
    for part_key in [part_key for part_key in _parts if part_key[0] == key]:
        _parts.pop(part_key)


def unregister_indicator_part(indicator: str, name: str) -> None:
    _parts.pop((indicator, name), None)


def registered_indicators() -> list[Indicator]:
    """Every indicator with at least one part, in their order."""
    fed = {part.indicator for part in _parts.values()}
    return sorted((i for i in _indicators.values() if i.key in fed), key=lambda i: (i.order, i.key))


def get_indicator(key: str) -> Indicator:
    try:
        return _indicators[key]
    except KeyError:
        raise KeyError(f"unknown indicator {key!r}; known: {', '.join(sorted(_indicators))}") from None


def parts_of(key: str) -> list[IndicatorPart]:
    return [_parts[part_key] for part_key in sorted(_parts) if part_key[0] == key]


def all_parts() -> list[IndicatorPart]:
    return [_parts[part_key] for part_key in sorted(_parts) if part_key[0] in _indicators]


def part_params() -> dict:
    """The parameters every part's SQL reads besides the common ones (each part names its own)."""
    values: dict = {}
    for part in all_parts():
        if part.params is not None:
            values.update(part.params())
    return values


def indicator_rows_sql() -> str:
    """Every part's rows as ``(indicator, hospital_id, month, numerator, denominator)``; an empty typed set
    when nothing is registered. A hospital and month may come several times (one row per part)."""
    columns = ", ".join(PART_COLUMNS)
    parts = [
        f"SELECT %(key_{index})s::text AS indicator, {columns} FROM ({part.query}) AS part_{index}({columns})"
        for index, part in enumerate(all_parts())
    ]
    parts.append("SELECT NULL::text, NULL::bigint, NULL::date, NULL::numeric, NULL::numeric WHERE false")
    return "\nUNION ALL\n".join(parts)


def indicator_keys_params() -> dict:
    """The ``key_<n>`` parameters of ``indicator_rows_sql``."""
    return {f"key_{index}": part.indicator for index, part in enumerate(all_parts())}


def drill_links(key: str, drill: Drill) -> list[tuple[Any, str]]:
    """(words, URL) of the pages listing the rows behind one figure, one per part that has a page."""
    links = []
    for part in parts_of(key):
        if part.drill is None:
            continue
        url = part.drill(drill)
        if url:
            links.append((part.label, url))
    return links
