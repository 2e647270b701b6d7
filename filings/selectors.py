"""Scoped reads of filed purchases: lists, alerts, and the monthly report per region (事后通报)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from filings.choices import FilingStatus, WarningPeriod
from filings.models import Filing, FilingDocument, FilingWarning
from procurement.core.scoping import visible_to
from procurement.organisations.choices import RegionLevel
from procurement.organisations.models import Region, User


def filings_for(user: User) -> QuerySet[Filing]:
    return visible_to(user, Filing).select_related("hospital", "product__manufacturer", "submitted_by")


def documents_of(user: User, filing: Filing) -> QuerySet[FilingDocument]:
    return visible_to(user, FilingDocument).filter(filing=filing)


def warnings_for(user: User) -> QuerySet[FilingWarning]:
    """R-FIL-5: the warnings in force the user may see (its hospital's, or its region's)."""
    return (
        visible_to(user, FilingWarning)
        .filter(cleared_on__isnull=True)
        .select_related("hospital", "crossing_filing__product")
        .order_by("-period_start", "period", "hospital__name")
    )


def current_warnings_for(user: User, today: date) -> QuerySet[FilingWarning]:
    """The warnings of this month and this year."""
    return warnings_for(user).filter(
        Q(period=WarningPeriod.MONTH, period_start=today.replace(day=1))
        | Q(period=WarningPeriod.YEAR, period_start=today.replace(month=1, day=1))
    )


def flagged_for(user: User) -> QuerySet[Filing]:
    """R-FIL-4: confirmed filings flagged as not bought in time."""
    return filings_for(user).filter(follow_up_flagged_on__isnull=False)


# -- the monthly report per region (事后通报) ------------------------------------------------------------


@dataclass
class ReportRow:
    region: Region | None
    filed: int = 0
    filed_amount: Decimal = Decimal("0.00")
    approved: int = 0
    approved_amount: Decimal = Decimal("0.00")
    rejected: int = 0
    hospitals_over_line: set = field(default_factory=set)
    not_bought: int = 0

    @property
    def over_line(self) -> int:
        return len(self.hospitals_over_line)

    def add(self, other: "ReportRow") -> None:
        self.filed += other.filed
        self.filed_amount += other.filed_amount
        self.approved += other.approved
        self.approved_amount += other.approved_amount
        self.rejected += other.rejected
        self.hospitals_over_line |= other.hospitals_over_line
        self.not_bought += other.not_bought


@dataclass(frozen=True)
class Report:
    month: date
    scope: Region | None  # the bureau's region; None: the whole province
    rows: list[ReportRow]
    total: ReportRow


def _group_level(region: Region | None) -> int:
    """How many codes of a hospital's region path name its row: the level below the reader's own."""
    if region is None or region.level == RegionLevel.PROVINCE:
        return 2
    return 3


def report_scope(user: User) -> Region | None:
    if user.is_superuser or user.organisation is None or user.is_provincial_bureau:
        return None
    return user.organisation.region


def monthly_report(user: User, month: date) -> Report:
    """事后通报 for ``month``, per region — cities for the province, counties for a city, the county itself —
    of the filings the user may see (a city or county bureau its region only):
    filed (submitted in the month, any outcome) and their amount; approved (decided in the month) and their
    amount; rejected (decided in the month); hospitals over the monthly warning line (R-FIL-5) of the month;
    filings flagged not bought (R-FIL-4) in the month."""
    month = month.replace(day=1)
    start = timezone.make_aware(datetime.combine(month, time.min))
    end = timezone.make_aware(datetime.combine(month + relativedelta(months=1), time.min))
    next_month = month + relativedelta(months=1)
    scope = report_scope(user)
    depth = _group_level(scope)
    filings = visible_to(user, Filing)
    by_region: dict[int, ReportRow] = {}

    def row_of(region_id: int) -> ReportRow:
        return by_region.setdefault(region_id, ReportRow(None))

    filed = (
        filings.filter(submitted_at__gte=start, submitted_at__lt=end)
        .values("hospital__region")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    for entry in filed:
        row = row_of(entry["hospital__region"])
        row.filed, row.filed_amount = entry["n"], entry["amount"]
    decided = (
        filings.filter(decided_at__gte=start, decided_at__lt=end)
        .values("hospital__region")
        .annotate(
            approved=Count("id", filter=Q(status=FilingStatus.APPROVED)),
            approved_amount=Sum("amount", filter=Q(status=FilingStatus.APPROVED)),
            rejected=Count("id", filter=Q(status=FilingStatus.REJECTED)),
        )
    )
    for entry in decided:
        row = row_of(entry["hospital__region"])
        row.approved, row.rejected = entry["approved"], entry["rejected"]
        row.approved_amount = entry["approved_amount"] or Decimal("0.00")
    flagged = (
        filings.filter(follow_up_flagged_on__gte=month, follow_up_flagged_on__lt=next_month)
        .values("hospital__region")
        .annotate(n=Count("id"))
    )
    for entry in flagged:
        row_of(entry["hospital__region"]).not_bought = entry["n"]
    over = (
        visible_to(user, FilingWarning)
        .filter(period=WarningPeriod.MONTH, period_start=month, cleared_on__isnull=True)
        .values_list("hospital__region", "hospital")
    )
    for region_id, hospital_id in over:
        row_of(region_id).hospitals_over_line.add(hospital_id)

    regions = {region.pk: region for region in Region.objects.filter(pk__in=by_region)}
    groups: dict[str, ReportRow] = {}
    for region_id, row in by_region.items():
        codes = [code for code in regions[region_id].path.split("/") if code]
        groups.setdefault(codes[min(depth, len(codes)) - 1], ReportRow(None)).add(row)
    names = {region.code: region for region in Region.objects.filter(code__in=groups)}
    rows = []
    for code in sorted(groups):
        groups[code].region = names.get(code)
        rows.append(groups[code])
    total = ReportRow(scope)
    for row in rows:
        total.add(row)
    return Report(month, scope, rows, total)
