"""Drill-downs into list pages (R-SUP-1): "the rows behind this figure" as filters in the URL.

A supervision figure (a hospital's or a region's month) links to the list page of the channel that owns its
rows — orders, payables, contracts — with ``hospital=<id>``, ``region=<code>`` and ``month=YYYY-MM`` in the
query. ``drill_filter`` narrows the page's queryset, which the page fetched through ``visible_to`` first:
a filter narrows what the reader may see, it never widens it (a city bureau asking for another city's
hospital gets an empty list). ``drill_url`` builds such a link; ``DrillFilter.describe`` says on the page
what is filtered, with a link back to the whole list.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from procurement.core.scoping import visible_to
from procurement.organisations.models import Organisation, Region


def month_bounds(month: date) -> tuple[date, date]:
    """The first and the last day of ``month``'s calendar month."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def parse_month(text: str | None) -> date | None:
    """``YYYY-MM`` as the month's first day; None when it is not one."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else None
    except ValueError:
        return None


def drill_url(url_name: str, *, hospital_id=None, region_code=None, month: date | None = None, **extra) -> str:
    query = {key: value for key, value in extra.items() if value not in (None, "")}
    if hospital_id:
        query["hospital"] = hospital_id
    if region_code:
        query["region"] = region_code
    if month:
        query["month"] = f"{month:%Y-%m}"
    return reverse(url_name) + ("?" + urlencode(query) if query else "")


@dataclass
class DrillFilter:
    hospital: Organisation | None = None
    region: Region | None = None
    month: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.hospital or self.region or self.month)


def drill_filter(
    request, queryset: QuerySet, *, hospital_field: str = "hospital", date_field: str | None = None
) -> tuple[QuerySet, DrillFilter]:
    """Narrow ``queryset`` (already scoped) by the drill-down parameters of ``request.GET``.

    ``date_field`` names a date or datetime field: ``month`` keeps the rows of that calendar month
    (datetimes in the platform's time zone). The hospital and region are looked up through the reader's
    scope: one outside it is simply not found, and the list comes out empty."""
    found = DrillFilter()
    user = request.user
    hospital = request.GET.get("hospital", "")
    if hospital:
        if hospital.isascii() and hospital.isdigit() and len(hospital) < 19:
            found.hospital = visible_to(user, Organisation).filter(pk=int(hospital)).first()
        queryset = queryset.filter(**{f"{hospital_field}_id": found.hospital.pk if found.hospital else None})
        if found.hospital is None:
            queryset = queryset.none()
    code = request.GET.get("region", "")
    if code:
        found.region = Region.objects.filter(code=code).first() if code.isascii() and code.isdigit() else None
        if found.region is None:
            queryset = queryset.none()
        else:
            queryset = queryset.filter(**{f"{hospital_field}__region__path__startswith": found.region.path})
    month = parse_month(request.GET.get("month"))
    if month and date_field:
        found.month = month
        first, last = month_bounds(month)
        field = queryset.model._meta.get_field(date_field)
        if field.get_internal_type() == "DateTimeField":
            zone = timezone.get_current_timezone()
            start = timezone.make_aware(datetime.combine(first, time.min), zone)
            end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), zone)
            queryset = queryset.filter(**{f"{date_field}__gte": start, f"{date_field}__lt": end})
        else:
            queryset = queryset.filter(**{f"{date_field}__gte": first, f"{date_field}__lte": last})
    return queryset, found
