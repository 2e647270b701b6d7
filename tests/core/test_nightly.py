"""``manage.py run_nightly``: the nightly jobs run in-process, recorded, and re-runnable."""

import pytest
from django.core.management import CommandError, call_command

from procurement.core import jobs
from procurement.core.models import JobRun, JobStatus

pytestmark = pytest.mark.django_db


def test_run_nightly_runs_every_registered_job_and_records_it(capsys):
    call_command("run_nightly")
    names = {job.name for job in jobs.registered_jobs()}
    assert "recompute_provisional_deadlines" in names
    assert set(JobRun.objects.values_list("name", flat=True)) == names
    assert set(JobRun.objects.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}
    assert "recompute_provisional_deadlines: succeeded" in capsys.readouterr().out


def test_a_second_run_changes_nothing():
    call_command("run_nightly", "recompute_provisional_deadlines")
    call_command("run_nightly", "recompute_provisional_deadlines")
    assert [run.counts for run in JobRun.objects.order_by("started_at")] == [{"deadlines_recomputed": 0}] * 2


def test_an_unknown_job_is_refused_with_the_known_ones():
    with pytest.raises(CommandError, match="recompute_provisional_deadlines"):
        call_command("run_nightly", "no_such_job")


def test_a_failing_job_is_recorded_and_reported():
    @jobs.nightly_job("test_failing_job", order=999)
    def failing():
        raise RuntimeError("boom")

    try:
        with pytest.raises(CommandError):
            call_command("run_nightly", "test_failing_job")
        run = JobRun.objects.get(name="test_failing_job")
        assert run.status == JobStatus.FAILED
        assert "boom" in run.error
    finally:
        jobs._registry.pop("test_failing_job")
