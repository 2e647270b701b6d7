"""Pages of supervision for bureau staff (R-SUP-1, R-SUP-2, R-SUP-7): the cockpit, the indicator tables by
region and by hospital with their trends, one hospital's figures, the monthly report (Excel, PDF). A city or
county bureau reads its region only, on every page and in every file."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from procurement.core.indicators import get_indicator, registered_indicators
from procurement.credit.services import can_record_credit
from procurement.web.drill import parse_month
from supervision import charts, report
from supervision import indicator_selectors as selectors
from supervision.selectors import flags_with_cases
from supervision.services import can_supervise


def _require(user) -> None:
    if not selectors.sees_supervision(user):
        raise DjangoPermissionDenied


def _month(request) -> date:
    return parse_month(request.GET.get("month")) or timezone.localdate().replace(day=1)


def _links(month, *, hospital_id=None, region_code=None) -> dict:
    return {
        indicator.key: selectors.links_for(indicator, month, hospital_id=hospital_id, region_code=region_code)
        for indicator in registered_indicators()
    }


@login_required
def cockpit(request):
    """The bureau's cockpit: the month's headline figures of its region with their trend, the hospitals and
    companies needing attention (with why), and the way into every list."""
    _require(request.user)
    month = _month(request)
    region = selectors.region_of(request.user)
    trends = selectors.trends(request.user, month, region)
    hospitals = [row for row in selectors.hospital_table(request.user, month, region) if row.red]
    hospitals.sort(key=lambda row: (-len(row.red), row.name))
    return render(
        request,
        "supervision/cockpit.html",
        {
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "region": region,
            "trends": trends,
            "links": _links(month, region_code=region.code),
            "chart": charts.trend_chart(trends),
            "hospitals": hospitals[:20],
            "hospitals_more": max(0, len(hospitals) - 20),
            "companies": selectors.companies_needing_attention(request.user, month, region),
            "can_record_credit": can_record_credit(request.user),
            # R-SUP-5: today's flags of every channel (the core's registry), an interview case a click away
            "flags": flags_with_cases(request.user, timezone.localdate()),
            "can_supervise": can_supervise(request.user),
        },
    )


@login_required
def by_region(request):
    """R-SUP-1 by region: county → city → province, each row the subtotal of the hospitals below it."""
    _require(request.user)
    month = _month(request)
    region = selectors.region_within(request.user, request.GET.get("region"))
    rows = selectors.region_table(request.user, month, region)
    if request.GET.get("format") == "xlsx":
        return _xlsx(report.region_workbook(month, region, rows), f"indicators-regions-{month:%Y-%m}.xlsx")
    return render(
        request,
        "supervision/by_region.html",
        {
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "region": region,
            "rows": rows,
            "indicators": registered_indicators(),
        },
    )


@login_required
def by_hospital(request):
    """R-SUP-1 by hospital: every hospital of the region (or only those needing attention)."""
    _require(request.user)
    month = _month(request)
    region = selectors.region_within(request.user, request.GET.get("region"))
    rows = selectors.hospital_table(request.user, month, region)
    red_only = bool(request.GET.get("red"))
    if red_only:
        rows = [row for row in rows if row.red]
    if request.GET.get("format") == "xlsx":
        return _xlsx(report.hospital_workbook(month, region, rows), f"indicators-hospitals-{month:%Y-%m}.xlsx")
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/by_hospital.html",
        {
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "region": region,
            "red_only": red_only,
            "indicators": registered_indicators(),
            "page_obj": page,
            "object_list": page.object_list,
            "is_paginated": page.has_other_pages(),
            "query_without_page": query.urlencode(),
        },
    )


@login_required
def hospital(request, pk):
    """One hospital's figures of the month, each with its numerator, denominator, trend and the rows behind."""
    _require(request.user)
    found = selectors.hospital_named(request.user, pk)
    month = _month(request)
    trends = selectors.trends(request.user, month, found.region, hospital_id=found.pk)
    return render(
        request,
        "supervision/hospital.html",
        {
            "hospital": found,
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "trends": trends,
            "links": _links(month, hospital_id=found.pk),
            "chart": charts.trend_chart(trends),
        },
    )


@login_required
def indicator(request, key):
    """One indicator: its trend for the region, and this month by region."""
    _require(request.user)
    try:
        found = get_indicator(key)
    except KeyError:
        raise Http404 from None
    month = _month(request)
    region = selectors.region_within(request.user, request.GET.get("region"))
    trend = next(t for t in selectors.trends(request.user, month, region) if t.indicator.key == key)
    rows = selectors.region_table(request.user, month, region)
    index = [i.key for i in registered_indicators()].index(key)
    return render(
        request,
        "supervision/indicator.html",
        {
            "indicator": found,
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "region": region,
            "trend": trend,
            "rows": [(row, row.figures[index]) for row in rows],
            "chart": charts.trend_chart([trend]),
        },
    )


@login_required
def monthly_report(request):
    """R-SUP-7: the region's monthly report, on screen and as Excel and PDF (R-SUP-2: the user's region)."""
    _require(request.user)
    month = _month(request)
    region = selectors.region_within(request.user, request.GET.get("region"))
    found = report.monthly(request.user, month, region)
    kind = request.GET.get("format")
    if kind == "xlsx":
        return _xlsx(report.monthly_workbook(found), f"supervision-{region.code}-{month:%Y-%m}.xlsx")
    if kind == "pdf":
        response = HttpResponse(report.monthly_pdf(found), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="supervision-{region.code}-{month:%Y-%m}.pdf"'
        return response
    return render(
        request,
        "supervision/report.html",
        {"report": found, "month_value": f"{month:%Y-%m}", "region": region, "chart": charts.trend_chart(found.trends)},
    )


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
