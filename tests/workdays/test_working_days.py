"""Working days by the Chinese statutory calendar (DOMAIN.md §2, R-LIST-10's deadline)."""

from datetime import date

import pytest
from django.urls import reverse

from procurement.core.errors import DomainError
from procurement.workdays import services
from procurement.workdays.choices import DayKind
from procurement.workdays.models import CalendarDay, CalendarYear
from procurement.workdays.services import add_working_days, is_working_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("statutory_calendar")]


def test_2026_is_loaded_from_the_library_with_its_adjusted_days():
    assert CalendarYear.objects.get(year=2026).is_published
    assert not is_working_day(date(2026, 10, 1))  # National Day
    assert is_working_day(date(2026, 9, 20))  # Sunday, adjusted working day
    assert is_working_day(date(2026, 10, 10))  # Saturday, adjusted working day
    assert not is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).name == "国庆节"


def test_r_list_10_example_across_the_national_day_holidays():
    """DOMAIN.md: a lower price effective Friday 2026-09-18 → deadline 2026-10-22 (20 working days)."""
    deadline = add_working_days(date(2026, 9, 18), 20)
    assert deadline.date == date(2026, 10, 22)
    assert deadline.provisional is False


def test_the_start_day_itself_is_not_counted():
    assert add_working_days(date(2026, 9, 18), 1).date == date(2026, 9, 20)  # the make-up Sunday
    assert add_working_days(date(2026, 9, 30), 1).date == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 18), 0).date == date(2026, 9, 18)


def test_a_deadline_reaching_into_an_unpublished_year_is_provisional():
    assert not CalendarYear.objects.filter(year=2027).exists()
    deadline = add_working_days(date(2026, 12, 18), 20)
    # 2026-12-21 … 12-31 are 9 working days (no holiday); 2027 counts Monday to Friday: 11 more.
    assert deadline.date == date(2027, 1, 15)
    assert deadline.provisional is True


def test_a_deadline_inside_a_published_year_is_not_provisional_even_near_its_end():
    assert add_working_days(date(2026, 12, 1), 10).provisional is False


def test_publishing_2027_makes_deadlines_final():
    calendar_year = services.calendar_year_draft(2027)
    assert calendar_year.days.count() == 365
    # An administrator enters New Year's Day (Friday 2027-01-01) … and publishes.
    services.calendar_day_set(date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦", reason="国办发明电")
    assert add_working_days(date(2026, 12, 18), 20).provisional is True  # still a draft
    services.calendar_year_publish(2027, notice="国办发明电〔2026〕1号")
    deadline = add_working_days(date(2026, 12, 18), 20)
    assert deadline.provisional is False
    # New Year's Day (a Friday) no longer counts: 9 working days in 2026, then 4–8 and 11–15 January, then the 18th.
    assert deadline.date == date(2027, 1, 18)


def test_a_published_year_can_no_longer_be_edited():
    services.calendar_year_draft(2027)
    services.calendar_year_publish(2027, notice="test")
    with pytest.raises(DomainError):
        services.calendar_day_set(date(2027, 1, 4), kind=DayKind.HOLIDAY, reason="late change")


def test_an_incomplete_year_cannot_be_published():
    services.calendar_year_draft(2027)
    CalendarDay.objects.filter(date=date(2027, 12, 31)).delete()
    with pytest.raises(DomainError) as refused:
        services.calendar_year_publish(2027, notice="test")
    assert refused.value.problems[0].code == "year_incomplete"


def test_the_deadline_api():
    from rest_framework.test import APIClient

    response = APIClient().get(reverse("api:working-days-deadline"), {"start": "2026-09-18", "days": 20})
    assert response.json() == {"start": "2026-09-18", "days": 20, "deadline": "2026-10-22", "provisional": False}
    bad = APIClient().get(reverse("api:working-days-deadline"), {"start": "2026-02-30", "days": 20})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "start"


def test_the_calendar_page_warns_of_the_missing_year(world, client):
    client.force_login(world.user("platform_admin"))
    page = client.get(reverse("workdays:calendar"), {"year": 2026, "start": "2026-09-18", "working_days": 20})
    text = page.content.decode()
    assert 'data-testid="deadline">2026-10-22<' in text
    assert 'data-testid="missing-years"' in text  # 2027 is not published
