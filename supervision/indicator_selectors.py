"""Scoped reads of the indicators (R-SUP-1, R-SUP-2): by region with subtotals, by hospital, month by month.

Every read starts from ``visible_to(user, IndicatorValue)``: a city or county bureau sees its region's
hospitals only, the provincial bureau all. A region's figure is the sum of its hospitals' numerators over the
sum of their denominators (never an average of rates): county → city → province, each a subtotal of what is
below it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.http import Http404

from procurement.core.indicators import COUNT, HIGHER, Drill, Indicator, drill_links, registered_indicators
from procurement.core.policy import policy
from procurement.core.scoping import visible_to
from procurement.credit.models import CreditEvent
from procurement.organisations.choices import OrganisationKind, RegionLevel
from procurement.organisations.models import Region
from supervision.models import IndicatorValue
from supervision.policies import THRESHOLDS

ZERO = Decimal("0")


def sees_supervision(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.kind == OrganisationKind.BUREAU)


def region_of(user) -> Region:
    """The region whose figures ``user`` reads: its bureau's, or the province for administrators."""
    if not user.is_superuser and user.organisation is not None:
        return user.organisation.region
    return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()


def region_within(user, code: str | None) -> Region:
    """The region ``code`` names if it lies inside the user's own (R-SUP-2), else a 404; the user's own
    region when none is named."""
    own = region_of(user)
    if not code:
        return own
    found = Region.objects.filter(code=code).first() if code.isascii() and code.isdigit() else None
    if found is None or own is None or not found.path.startswith(own.path):
        raise Http404
    return found


def threshold(indicator: Indicator) -> Decimal | None:
    entry = THRESHOLDS.get(indicator.key)
    return policy(entry[0]) if entry else None


@dataclass
class Figure:
    """One indicator's figure: numerator, denominator, the rate (or count) and whether it needs attention."""

    indicator: Indicator
    numerator: Decimal = ZERO
    denominator: Decimal = ZERO
    present: bool = False

    @property
    def value(self):
        return self.indicator.value(self.numerator, self.denominator) if self.present else None

    @property
    def percent(self) -> Decimal | None:
        value = self.value
        if value is None or self.indicator.unit == COUNT:
            return None
        return (value * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def shown(self) -> str:
        value = self.value
        if value is None:
            return "—"
        if self.indicator.unit == COUNT:
            return f"{value:,.0f}"
        return f"{self.percent} %"

    @property
    def red(self) -> bool:
        value, line = self.value, threshold(self.indicator)
        if value is None or line is None:
            return False
        return value < line if self.indicator.better == HIGHER else value > line

    @property
    def threshold_shown(self) -> str:
        line = threshold(self.indicator)
        if line is None:
            return ""
        return f"{line:,.0f}" if self.indicator.unit == COUNT else f"{(line * 100).normalize():f} %"


def _figures(indicators, sums: dict) -> list[Figure]:
    figures = []
    for indicator in indicators:
        found = sums.get(indicator.key)
        figures.append(Figure(indicator, found[0], found[1], True) if found else Figure(indicator))
    return figures


@dataclass
class RegionRow:
    region: Region
    depth: int
    figures: list[Figure]
    hospitals: int = 0


@dataclass
class HospitalRow:
    hospital_id: int
    name: str
    region_name: str
    region_code: str
    figures: list[Figure] = field(default_factory=list)

    @property
    def red(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.red]


def values_for(user, month: date):
    return visible_to(user, IndicatorValue).filter(month=month)


def region_table(user, month: date, region: Region) -> list[RegionRow]:
    """R-SUP-1 by region: ``region`` first (the total), then each city with its subtotal followed by its
    counties — every row the sum of the hospitals below it."""
    indicators = registered_indicators()
    sums: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    hospitals: dict[str, set] = defaultdict(set)
    rows = (
        values_for(user, month)
        .filter(hospital__region__path__startswith=region.path)
        .values("hospital__region__path", "indicator", "hospital_id")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    for row in rows:
        codes = [code for code in row["hospital__region__path"].split("/") if code]
        below = codes[codes.index(region.code) :] if region.code in codes else []
        for code in below:
            total = sums[code][row["indicator"]]
            total[0] += row["n"]
            total[1] += row["d"]
            hospitals[code].add(row["hospital_id"])
    regions = {r.code: r for r in Region.objects.filter(path__startswith=region.path)}
    ordered = sorted((regions[code] for code in sums if code in regions), key=lambda r: r.path)
    base = region.path.count("/")
    return [
        RegionRow(r, r.path.count("/") - base, _figures(indicators, sums[r.code]), len(hospitals[r.code]))
        for r in ordered
    ]


def hospital_table(user, month: date, region: Region) -> list[HospitalRow]:
    """R-SUP-1 by hospital: each hospital of ``region`` (within the user's scope) with its figures."""
    indicators = registered_indicators()
    table: dict[int, HospitalRow] = {}
    sums: dict[int, dict] = defaultdict(dict)
    for row in (
        values_for(user, month)
        .filter(hospital__region__path__startswith=region.path)
        .values(
            "hospital_id",
            "hospital__name",
            "hospital__region__name",
            "hospital__region__code",
            "indicator",
            "numerator",
            "denominator",
        )
    ):
        table.setdefault(
            row["hospital_id"],
            HospitalRow(
                row["hospital_id"], row["hospital__name"], row["hospital__region__name"], row["hospital__region__code"]
            ),
        )
        sums[row["hospital_id"]][row["indicator"]] = (row["numerator"], row["denominator"])
    for hospital_id, found in table.items():
        found.figures = _figures(indicators, sums[hospital_id])
    return sorted(table.values(), key=lambda row: (row.region_code, row.name))


def hospital_named(user, hospital_id: int):
    """The hospital, if ``user`` may read its figures (a 404 otherwise)."""
    from procurement.organisations.models import Organisation

    found = visible_to(user, Organisation).filter(pk=hospital_id, kind=OrganisationKind.HOSPITAL).first()
    if found is None:
        raise Http404
    return found


def months_back(month: date, count: int) -> list[date]:
    months = [month]
    while len(months) < count:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


@dataclass
class Trend:
    indicator: Indicator
    months: list[date]
    figures: list[Figure]

    @property
    def current(self) -> Figure:
        return self.figures[-1]

    @property
    def previous(self) -> Figure:
        return self.figures[-2] if len(self.figures) > 1 else Figure(self.indicator)

    @property
    def change(self) -> str:
        """The change on the month before, in percentage points (or in counts)."""
        now, before = self.current.value, self.previous.value
        if now is None or before is None:
            return ""
        if self.indicator.unit == COUNT:
            return f"{now - before:+,.0f}"
        points = ((now - before) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{points:+} pp"


def trends(user, month: date, region: Region, *, count: int = 12, hospital_id: int | None = None) -> list[Trend]:
    """Each indicator month by month, the ``count`` months up to ``month``: the region's (or one hospital's)
    sums."""
    indicators = registered_indicators()
    months = months_back(month, count)
    queryset = visible_to(user, IndicatorValue).filter(month__gte=months[0], month__lte=month)
    if hospital_id is not None:
        queryset = queryset.filter(hospital_id=hospital_id)
    else:
        queryset = queryset.filter(hospital__region__path__startswith=region.path)
    sums: dict[date, dict] = defaultdict(dict)
    for row in queryset.values("month", "indicator").annotate(n=Sum("numerator"), d=Sum("denominator")):
        sums[row["month"]][row["indicator"]] = (row["n"], row["d"])
    return [
        Trend(
            indicator,
            months,
            [
                Figure(indicator, *sums[m][indicator.key], True) if indicator.key in sums[m] else Figure(indicator)
                for m in months
            ],
        )
        for indicator in indicators
    ]


def links_for(indicator: Indicator, month: date, *, hospital_id=None, region_code=None):
    return drill_links(indicator.key, Drill(month=month, hospital_id=hospital_id, region_code=region_code))


def companies_needing_attention(user, month: date, region: Region, limit: int = 20) -> list[dict]:
    """Companies of the region with credit events recorded in the month (R-SUP-3), the most first."""
    end = (month + timedelta(days=32)).replace(day=1)
    rows = (
        visible_to(user, CreditEvent)
        .filter(occurred_on__gte=month, occurred_on__lt=end, organisation__region__path__startswith=region.path)
        .values("organisation_id", "organisation__name", "kind")
        .annotate(count=Count("id"))
    )
    found: dict[int, dict] = {}
    kinds = dict(CreditEvent._meta.get_field("kind").choices)
    for row in rows:
        entry = found.setdefault(row["organisation_id"], {"name": row["organisation__name"], "count": 0, "why": []})
        entry["count"] += row["count"]
        entry["why"].append(f"{kinds.get(row['kind'], row['kind'])} × {row['count']}")
    return sorted(found.values(), key=lambda entry: -entry["count"])[:limit]
