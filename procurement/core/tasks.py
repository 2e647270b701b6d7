"""Celery entry points of the nightly jobs (thin: the work is in each app's jobs)."""

from celery import shared_task

from procurement.core import jobs


@shared_task(acks_late=True)
def run_nightly_jobs() -> dict[str, str]:
    runs = jobs.run_jobs(triggered_by="celery-beat")
    return {run.name: run.status for run in runs}


@shared_task(acks_late=True)
def run_nightly_job(name: str) -> str:
    return jobs.run_job(name, triggered_by="celery").status
