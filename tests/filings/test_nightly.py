"""The nightly watch (事中监控): R-FIL-4 follow-up flags and R-FIL-5 warning lines, idempotent and registered."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from filings import services
from filings.choices import WarningPeriod
from filings.jobs import filing_warning_lines, follow_up_filings
from filings.models import Filing, FilingWarning
from procurement.core import jobs
from procurement.core.models import JobRun
from procurement.orders import services as order_services
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(world, level2, unlisted, reviewer, file_for):
    filing = file_for(level2, unlisted, price="38.00", months=12)
    services.filing_batch_confirm(actor=reviewer, decisions=[services.Decision(filing.pk, approve=True)])
    filing.refresh_from_db()
    return filing


# -- R-FIL-4: 凡备案必采购 ---------------------------------------------------------------------------------


def test_a_filing_not_bought_is_flagged_on_its_day_and_not_the_day_before(world, confirmed):
    """R-FIL-4: confirmed on D, not bought: not flagged the night of D+59, flagged the night of D+60."""
    day = confirmed.valid_from + timedelta(days=60)
    assert follow_up_filings(today=day - timedelta(days=1)) == {"flagged": 0}
    assert Filing.objects.get(pk=confirmed.pk).follow_up_flagged_on is None
    assert follow_up_filings(today=day) == {"flagged": 1}
    assert Filing.objects.get(pk=confirmed.pk).follow_up_flagged_on == day
    # a second run, that night or later, changes nothing
    assert follow_up_filings(today=day) == {"flagged": 0}
    assert follow_up_filings(today=day + timedelta(days=3)) == {"flagged": 0}
    assert Filing.objects.get(pk=confirmed.pk).follow_up_flagged_on == day


def test_a_filing_bought_within_the_days_is_not_flagged(world, confirmed, unlisted):
    order_services.order_submit(
        actor=world.user("hospital_buyer"),
        lines=[order_services.LineRequest(unlisted.code, 5, world.distributor.pk)],
    )
    assert follow_up_filings(today=confirmed.valid_from + timedelta(days=60)) == {"flagged": 0}


def test_a_purchase_after_the_days_or_cancelled_does_not_count(world, confirmed, unlisted):
    order = order_services.order_submit(
        actor=world.user("hospital_buyer"),
        lines=[order_services.LineRequest(unlisted.code, 5, world.distributor.pk)],
    ).order
    line = order.lines.get()
    order_services.line_cancel(actor=world.user("hospital_buyer"), line_id=line.pk, reason="下错单")
    assert follow_up_filings(today=confirmed.valid_from + timedelta(days=60)) == {"flagged": 1}


def test_the_follow_up_days_are_a_policy_value(world, confirmed, set_policy):
    set_policy("FILING_FOLLOW_UP_DAYS", 30)
    assert follow_up_filings(today=confirmed.valid_from + timedelta(days=29)) == {"flagged": 0}
    assert follow_up_filings(today=confirmed.valid_from + timedelta(days=30)) == {"flagged": 1}


# -- R-FIL-5: the warning line --------------------------------------------------------------------------


@pytest.fixture
def file_amount(world, level2, file_for):
    """``file_amount(price, quantity)``: the hospital files a new product (no national price) for that amount."""

    def make(price, quantity):
        product = ProductFactory(manufacturer=world.manufacturer, generic_name=f"备案药{Filing.objects.count()}")
        return file_for(level2, product, price=price, quantity=quantity)

    return make


def test_the_warning_line_is_crossed_by_the_filing_that_crosses_it(world, set_policy, file_amount):
    """R-FIL-5: at the line, no warning; one fen over it, a warning naming the filing that crossed it."""
    set_policy("FILING_WARNING_LINE_MONTH", "10000")
    today = timezone.localdate()
    file_amount("60.00", 100)
    file_amount("40.00", 100)  # 10,000.00: at the line, not over it
    assert filing_warning_lines(today=today)["warnings_raised"] == 0
    assert not FilingWarning.objects.exists()
    crossing = file_amount("0.01", 1)  # 10,000.01
    file_amount("5.00", 10)  # after it: adds to the amount, does not cross
    assert filing_warning_lines(today=today) == {"warnings_raised": 1, "warnings_changed": 0, "warnings_cleared": 0}
    warning = FilingWarning.objects.get()
    assert (warning.hospital, warning.period, warning.period_start) == (
        world.hospital,
        WarningPeriod.MONTH,
        today.replace(day=1),
    )
    assert warning.crossing_filing == crossing
    assert (warning.line, warning.amount) == (Decimal("10000.00"), Decimal("10050.01"))
    # a second run changes nothing
    assert filing_warning_lines(today=today) == {"warnings_raised": 0, "warnings_changed": 0, "warnings_cleared": 0}


def test_the_yearly_line_and_a_rejection_that_clears_it(world, set_policy, file_amount, reviewer):
    set_policy("FILING_WARNING_LINE_YEAR", "500")
    today = timezone.localdate()
    first = file_amount("300.00", 1)
    second = file_amount("300.00", 1)
    filing_warning_lines(today=today)
    warning = FilingWarning.objects.get(period=WarningPeriod.YEAR)
    assert warning.crossing_filing == second and warning.period_start == today.replace(month=1, day=1)
    services.filing_batch_confirm(
        actor=reviewer,
        decisions=[services.Decision(first.pk, True), services.Decision(second.pk, False, reason="重复备案")],
    )
    assert filing_warning_lines(today=today)["warnings_cleared"] == 1
    assert FilingWarning.objects.get(period=WarningPeriod.YEAR).cleared_on == today
    assert filing_warning_lines(today=today) == {"warnings_raised": 0, "warnings_changed": 0, "warnings_cleared": 0}


def test_the_jobs_are_registered_for_celery_beat_and_run_nightly(world, confirmed):
    """DOMAIN §10: registered (beat runs every registered job; ``run_nightly`` too); a second run changes nothing."""
    names = {job.name for job in jobs.registered_jobs()}
    assert {"follow_up_filings", "filing_warning_lines"} <= names
    assert settings.CELERY_BEAT_SCHEDULE["nightly-jobs"]["task"] == "procurement.core.tasks.run_nightly_jobs"
    Filing.objects.filter(pk=confirmed.pk).update(valid_from=confirmed.valid_from - timedelta(days=61))
    first = jobs.run_jobs(["follow_up_filings", "filing_warning_lines"], triggered_by="test")
    second = jobs.run_jobs(["follow_up_filings", "filing_warning_lines"], triggered_by="test")
    assert first[0].counts == {"flagged": 1}
    assert all(value == 0 for run in second for value in run.counts.values())
    # the management command runs them too, and changes nothing more
    call_command("run_nightly", "follow_up_filings", "filing_warning_lines", stdout=io.StringIO())
    third = JobRun.objects.order_by("-pk")[:2]
    assert {run.name for run in third} == {"follow_up_filings", "filing_warning_lines"}
    assert all(value == 0 for run in third for value in run.counts.values())
