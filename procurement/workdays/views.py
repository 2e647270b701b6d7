"""The working-day calendar page: published years, each year's days, a deadline calculator."""

import calendar as stdlib_calendar
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.workdays.forms import DeadlineForm
from procurement.workdays.models import CalendarDay, CalendarYear
from procurement.workdays.services import (
    add_working_days,
    provisional_deadline_counts,
    unpublished_years_ahead,
)

FIRST_YEAR, LAST_YEAR = 2004, 2099  # the statutory calendar's years (chinese-calendar knows 2004 on)


def _year(value: str | None, default: int) -> int:
    """The year asked for: ASCII digits within the calendar's years, else a 400 naming the field."""
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR):
        raise BadRequest(_("year: a year from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return int(value)


@login_required
def calendar_page(request):
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    days = {day.date: day for day in CalendarDay.objects.filter(year_id=year)}
    months = []
    for month in range(1, 13):
        weeks = [
            [(day, days.get(day)) if day.month == month else (None, None) for day in week]
            for week in stdlib_calendar.Calendar().monthdatescalendar(year, month)
        ]
        months.append({"first": date(year, month, 1), "weeks": weeks})
    form = DeadlineForm(request.GET if "start" in request.GET else None)
    deadline = (
        add_working_days(form.cleaned_data["start"], form.cleaned_data["working_days"])
        if (form.is_bound and form.is_valid())
        else None
    )
    return render(
        request,
        "workdays/calendar.html",
        {
            "year": year,
            "calendar_year": CalendarYear.objects.filter(year=year).first(),
            "years": CalendarYear.objects.all(),
            "months": months,
            "form": form,
            "deadline": deadline,
            "missing_years": unpublished_years_ahead(today),
            "provisional": provisional_deadline_counts(),
            "today": today,
            "weekday_labels": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        },
    )
