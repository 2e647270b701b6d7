"""Seed the statutory calendar from the chinese-calendar package for the years it knows."""

from django.db import migrations
from django.utils import timezone

FIRST_YEAR = 2018


def seed(apps, schema_editor):
    import chinese_calendar

    from procurement.workdays.services import library_days

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    last_year = max(day.year for day in chinese_calendar.holidays)
    for year in range(FIRST_YEAR, last_year + 1):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        calendar_year = CalendarYear.objects.create(
            year=year, source="library", is_published=True, published_at=timezone.now()
        )
        CalendarDay.objects.bulk_create(CalendarDay(year=calendar_year, **day) for day in library_days(year))


class Migration(migrations.Migration):
    dependencies = [("workdays", "0002_workdays_add")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
