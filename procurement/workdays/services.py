"""Working days: deadlines, seeding from the library, publishing a year (DOMAIN.md §2)."""

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.core import tabular
from procurement.core.audit import audit_reason
from procurement.core.errors import Conflict, DomainError
from procurement.workdays.choices import CalendarSource, DayKind
from procurement.workdays.models import CalendarDay, CalendarYear, DeadlineFields


@dataclass(frozen=True)
class Deadline:
    date: date
    provisional: bool


def add_working_days(start: date, working_days: int) -> Deadline:
    """The ``working_days``-th working day after ``start`` (``start`` itself not counted).

    Days of published years follow the statutory calendar with its adjusted working days; days of
    any other year count Monday to Friday, and the deadline is then provisional: nothing may be
    suspended or penalised on it until the year is published and it is recomputed. The rule lives
    in the SQL function ``workdays_add`` so that nightly jobs apply it set-based; this is its
    Python entry point.
    """
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    with connection.cursor() as cursor:
        cursor.execute("SELECT deadline, provisional FROM workdays_add(%s, %s)", [start, working_days])
        deadline, provisional = cursor.fetchone()
    return Deadline(deadline, provisional)


def working_days_left(deadline: date, today: date) -> int:
    """Working days after ``today`` up to and including ``deadline`` (0 on the deadline day and after)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT workdays_count(%s, %s)", [today, deadline])
        return cursor.fetchone()[0]


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day (weekdays where the year is not published)."""
    known = CalendarDay.objects.filter(date=day, year__is_published=True).values_list("is_working_day", flat=True)
    for value in known:
        return value
    return day.weekday() < 5


def _days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def library_days(year: int) -> list[dict] | None:
    """Every day of ``year`` as the ``chinese-calendar`` package knows it, or None if it does not."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return None
    days = []
    for day in _days_of(year):
        on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        working = chinese_calendar.is_workday(day)
        if working:
            kind = DayKind.ADJUSTED_WORKDAY if day.weekday() >= 5 else DayKind.WORKDAY
        else:
            kind = DayKind.HOLIDAY if (on_holiday and holiday) else DayKind.WEEKEND
        name = HOLIDAY_NAMES.get(str(holiday), str(holiday)) if holiday else ""
        days.append({"date": day, "kind": str(kind), "is_working_day": working, "name": name})
    return days


def calendar_year_seed_from_library(year: int) -> CalendarYear | None:
    """Publish ``year`` from the ``chinese-calendar`` package, if it knows the year and it is not loaded.

    Returns the year, or None when the library does not know it (version 1.11 knows 2004–2026).
    """
    existing = CalendarYear.objects.filter(year=year).first()
    if existing is not None:
        return existing
    days = library_days(year)
    if days is None:
        return None
    with (
        transaction.atomic(),
        audit_reason(_("Calendar of %(year)d loaded from the chinese-calendar library") % {"year": year}),
    ):
        calendar_year = CalendarYear.objects.create(
            year=year,
            source=CalendarSource.LIBRARY,
            is_published=True,
            published_at=timezone.now(),
        )
        CalendarDay.objects.bulk_create(CalendarDay(year=calendar_year, **day) for day in days)
    return calendar_year


def calendar_year_draft(year: int) -> CalendarYear:
    """Start a year an administrator will fill in: every day, weekends off, not yet published."""
    if CalendarYear.objects.filter(year=year).exists():
        raise Conflict(_("The calendar of %(year)d already exists.") % {"year": year}, code="year_exists", field="year")
    with transaction.atomic(), audit_reason(_("Calendar of %(year)d started") % {"year": year}):
        calendar_year = CalendarYear.objects.create(year=year, source=CalendarSource.ADMINISTRATOR)
        CalendarDay.objects.bulk_create(
            CalendarDay(
                date=day,
                year=calendar_year,
                is_working_day=day.weekday() < 5,
                kind=DayKind.WORKDAY if day.weekday() < 5 else DayKind.WEEKEND,
            )
            for day in _days_of(year)
        )
    return calendar_year


# -- the official notice of a year's holidays, as the administrator uploads it -----------------------

EXCEPTION_KINDS = {
    "放假": DayKind.HOLIDAY,
    "休息": DayKind.HOLIDAY,
    "holiday": DayKind.HOLIDAY,
    "调休上班": DayKind.ADJUSTED_WORKDAY,
    "上班": DayKind.ADJUSTED_WORKDAY,
    "adjusted": DayKind.ADJUSTED_WORKDAY,
}

NOTICE_SHEET = tabular.Sheet(
    (
        tabular.Column("date", ("日期", "date"), tabular.a_date),
        tabular.Column(
            "kind",
            ("类型", "kind"),
            tabular.Choice(EXCEPTION_KINDS, options=("放假", "调休上班")),
        ),
        tabular.Column("name", ("名称", "节日", "name"), required=False),
    ),
    max_rows=400,
    no_rows=gettext_lazy("The file lists no holiday or adjusted working day."),
)


@dataclass(frozen=True)
class NoticeDay:
    day: date
    kind: str
    name: str


def read_notice(year: int, stream) -> list[NoticeDay]:
    """The holidays and adjusted working days of ``year`` in an uploaded notice (Excel or CSV: 日期,
    类型 放假 / 调休上班, 名称); every problem named by row and column, nothing read if any."""
    table = NOTICE_SHEET.read(stream)
    found, seen = [], set()
    for row in table.rows:
        if not row.ok:
            continue
        day = row["date"]
        if day.year != year:
            table.problem(
                row,
                "date",
                _("%(day)s is not in %(year)d.") % {"day": day.isoformat(), "year": year},
                code="other_year",
            )
        elif day in seen:
            table.problem(row, "date", _("%(day)s is listed twice.") % {"day": day.isoformat()}, code="duplicate")
        else:
            seen.add(day)
            found.append(NoticeDay(day, row["kind"], (row["name"] or "")[:30]))
    table.raise_problems()
    return found


def calendar_year_add(year: int, *, notice: str = "", exceptions: list[NoticeDay] | None = None) -> CalendarYear:
    """Start a year the administrator reviews and then publishes: its days from the library when it
    knows the year and no notice is given, else weekends off with the notice's exceptions."""
    with transaction.atomic():
        calendar_year = calendar_year_draft(year)
        calendar_year.notice = notice
        calendar_year.save(update_fields=["notice"])
        known = library_days(year) if exceptions is None else None
        if known is not None:
            with audit_reason(_("Calendar of %(year)d loaded from the chinese-calendar library") % {"year": year}):
                for day in known:
                    CalendarDay.objects.filter(date=day["date"]).update(
                        kind=day["kind"], is_working_day=day["is_working_day"], name=day["name"]
                    )
        elif exceptions:
            calendar_year_set_exceptions(year, exceptions, notice=notice)
    return calendar_year


def calendar_year_set_exceptions(year: int, exceptions: list[NoticeDay], *, notice: str) -> CalendarYear:
    """Replace a draft year's holidays and adjusted working days with those of a notice (set-based)."""
    with (
        transaction.atomic(),
        audit_reason(_("Calendar of %(year)d: holidays of %(notice)s") % {"year": year, "notice": notice}),
    ):
        calendar_year = CalendarYear.objects.select_for_update().get(year=year)
        if calendar_year.is_published:
            raise Conflict(
                _("The calendar of %(year)d is published; it can no longer be edited.") % {"year": year},
                code="year_published",
                field="exceptions",
            )
        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE workdays_calendarday d
                   SET kind = COALESCE(n.kind, CASE WHEN extract(isodow FROM n.date) < 6 THEN %(workday)s
                                                    ELSE %(weekend)s END),
                       is_working_day = COALESCE(n.kind IN (%(workday)s, %(adjusted)s), extract(isodow FROM n.date) < 6),
                       name = COALESCE(n.name, '')
                   FROM (SELECT base.date, x.kind, x.name FROM workdays_calendarday base
                         LEFT JOIN unnest(%(days)s::date[], %(kinds)s::text[], %(names)s::text[]) AS x(day, kind, name)
                                ON x.day = base.date
                         WHERE base.year = %(year)s) n
                   WHERE d.date = n.date""",
                {
                    "workday": DayKind.WORKDAY,
                    "weekend": DayKind.WEEKEND,
                    "adjusted": DayKind.ADJUSTED_WORKDAY,
                    "days": [item.day for item in exceptions],
                    "kinds": [str(item.kind) for item in exceptions],
                    "names": [item.name for item in exceptions],
                    "year": year,
                },
            )
        calendar_year.notice = notice
        calendar_year.save(update_fields=["notice"])
    return calendar_year


def calendar_day_set(day: date, *, kind: str, name: str = "", reason: str) -> CalendarDay:
    """Mark one day of a draft year as a holiday, an adjusted working day, or back to normal."""
    with transaction.atomic(), audit_reason(reason):
        calendar_day = CalendarDay.objects.select_for_update().select_related("year").get(date=day)
        if calendar_day.year.is_published:
            raise Conflict(
                _("The calendar of %(year)d is published; it can no longer be edited.") % {"year": day.year},
                code="year_published",
                field="date",
            )
        calendar_day.kind = kind
        calendar_day.is_working_day = DayKind.is_working(kind)
        calendar_day.name = name
        calendar_day.save()
    return calendar_day


def calendar_year_publish(year: int, *, notice: str) -> int:
    """Publish a complete year and recompute every provisional deadline; returns how many changed."""
    with (
        transaction.atomic(),
        audit_reason(_("Calendar of %(year)d published: %(notice)s") % {"year": year, "notice": notice}),
    ):
        calendar_year = CalendarYear.objects.select_for_update().get(year=year)
        if calendar_year.is_published:
            raise Conflict(
                _("The calendar of %(year)d is already published.") % {"year": year},
                code="year_published",
                field="year",
            )
        expected = 366 if stdlib_calendar.isleap(year) else 365
        if calendar_year.days.count() != expected:
            raise DomainError(
                _("The calendar of %(year)d does not have all its days.") % {"year": year},
                code="year_incomplete",
                field="year",
            )
        calendar_year.is_published = True
        calendar_year.notice = notice
        calendar_year.published_at = timezone.now()
        calendar_year.save()
        return recompute_provisional_deadlines()


def deadline_models() -> list[type[DeadlineFields]]:
    return [model for model in apps.get_models() if issubclass(model, DeadlineFields)]


def recompute_provisional_deadlines() -> int:
    """Recompute, set-based, every provisional deadline of every model that holds one."""
    changed = 0
    with connection.cursor() as cursor:
        for model in deadline_models():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                f"""UPDATE {table} t SET deadline = w.deadline, deadline_provisional = w.provisional
                    FROM (SELECT x.id, f.deadline, f.provisional
                          FROM {table} x
                          CROSS JOIN LATERAL workdays_add(x.deadline_start, x.deadline_working_days) f
                          WHERE x.deadline_provisional) w
                    WHERE t.id = w.id
                      AND (t.deadline, t.deadline_provisional) IS DISTINCT FROM (w.deadline, w.provisional)"""
            )
            changed += cursor.rowcount
    return changed


def provisional_deadline_counts() -> dict[str, int]:
    """How many provisional deadlines each kind of record holds (shown to administrators)."""
    return {
        str(model._meta.verbose_name_plural): count
        for model in deadline_models()
        if (count := model._default_manager.filter(deadline_provisional=True).count())
    }


def unpublished_years_ahead(today: date | None = None) -> list[int]:
    """This year and next, where not published: an administrator must load them."""
    today = today or timezone.localdate()
    wanted = {today.year, today.year + 1}
    published = set(CalendarYear.objects.filter(year__in=wanted, is_published=True).values_list("year", flat=True))
    return sorted(wanted - published)
