"""The administrator maintains the statutory calendar in the back office (DOMAIN.md §2, issue 10 #13):
adds a year, loads its holidays and adjusted working days (from the library for a year it knows, from
an Excel of the official notice otherwise), reviews them and publishes the year."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook

from procurement.workdays.choices import DayKind
from procurement.workdays.models import CalendarDay, CalendarYear
from procurement.workdays.services import add_working_days

pytestmark = pytest.mark.django_db

# 2027's notice, as an administrator would type it (a made-up but plausible calendar).
NOTICE_2027 = [
    ("日期", "类型", "名称"),
    (date(2027, 1, 1), "放假", "元旦"),
    (date(2027, 2, 6), "调休上班", "春节"),
    (date(2027, 2, 8), "放假", "春节"),
    (date(2027, 2, 9), "放假", "春节"),
    (date(2027, 2, 10), "放假", "春节"),
    (date(2027, 2, 11), "放假", "春节"),
    (date(2027, 2, 12), "放假", "春节"),
    ("2027-10-01", "放假", "国庆节"),
]


def workbook(rows) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    stream.name = "2027年节假日安排.xlsx"
    return stream


@pytest.fixture
def admin_client(world, client):
    client.force_login(world.user("platform_admin"))
    return client


def test_a_year_the_library_does_not_know_is_added_from_the_notice_reviewed_and_published(world, admin_client):
    # when: the administrator adds 2027 with the notice's holidays
    response = admin_client.post(
        reverse("admin:workdays_calendaryear_add"),
        {"year": 2027, "notice": "国办发明电〔2026〕15号", "exceptions": workbook(NOTICE_2027)},
    )
    # then: a draft with every day, the notice's exceptions applied, weekends off otherwise
    assert response.status_code == 302, response.content.decode()[:3000]
    year = CalendarYear.objects.get(year=2027)
    assert not year.is_published and year.days.count() == 365
    assert CalendarDay.objects.get(date=date(2027, 2, 6)).kind == DayKind.ADJUSTED_WORKDAY  # a Saturday, worked
    assert CalendarDay.objects.get(date=date(2027, 2, 8)).kind == DayKind.HOLIDAY
    assert CalendarDay.objects.get(date=date(2027, 3, 6)).kind == DayKind.WEEKEND
    # the year's page lists the exceptions to review, and posts a handful of fields (not one per day)
    page = admin_client.get(reverse("admin:workdays_calendaryear_change", args=[2027]))
    text = page.content.decode()
    assert "2027-02-06" in text and "春节" in text and text.count('name="days-') == 0
    # publishing makes the deadlines that reach into 2027 final
    assert add_working_days(date(2026, 12, 25), 10).provisional
    admin_client.post(
        reverse("admin:workdays_calendaryear_changelist"), {"action": "publish", "_selected_action": [2027]}
    )
    assert CalendarYear.objects.get(year=2027).is_published
    assert not add_working_days(date(2026, 12, 25), 10).provisional


def test_a_year_the_library_knows_is_loaded_from_it_as_a_draft(world, admin_client):
    response = admin_client.post(reverse("admin:workdays_calendaryear_add"), {"year": 2017, "notice": ""})
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2017, 10, 4)).kind == DayKind.HOLIDAY  # National Day week
    assert not CalendarYear.objects.get(year=2017).is_published


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("日期", "类型", "名称"), (date(2028, 1, 1), "放假", "元旦")], "2027"),  # another year's day
        (
            [("日期", "类型", "名称"), (date(2027, 1, 1), "放假", "元旦"), (date(2027, 1, 1), "放假", "元旦")],
            "3 · 日期",
        ),
        ([("日期", "类型", "名称"), (date(2027, 1, 1), "休假", "元旦")], "休假"),  # not a kind
        ([("日期", "类型"), ("not a date", "放假")], "not a date"),
    ],
)
def test_a_broken_notice_adds_nothing_and_names_the_row(world, admin_client, rows, message):
    response = admin_client.post(
        reverse("admin:workdays_calendaryear_add"), {"year": 2027, "notice": "x", "exceptions": workbook(rows)}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["exceptions"])
    assert message in errors
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_draft_years_exceptions_are_replaced_by_a_new_notice_and_a_published_year_is_locked(world, admin_client):
    admin_client.post(
        reverse("admin:workdays_calendaryear_add"),
        {"year": 2027, "notice": "v1", "exceptions": workbook(NOTICE_2027)},
    )
    corrected = [("日期", "类型", "名称"), (date(2027, 1, 1), "放假", "元旦")]
    admin_client.post(
        reverse("admin:workdays_calendaryear_change", args=[2027]),
        {"notice": "v2", "exceptions": workbook(corrected)},
    )
    assert CalendarDay.objects.get(date=date(2027, 2, 8)).kind == DayKind.WORKDAY  # no longer a holiday
    assert CalendarDay.objects.get(date=date(2027, 2, 6)).kind == DayKind.WEEKEND
    assert CalendarYear.objects.get(year=2027).notice == "v2"
    # 2026 is published: its page accepts no new notice
    response = admin_client.post(
        reverse("admin:workdays_calendaryear_change", args=[2026]), {"notice": "x", "exceptions": workbook(corrected)}
    )
    assert response.status_code == 200 and response.context["adminform"].form.non_field_errors()
