"""The registry of nightly jobs (DOMAIN.md §10).

A job is a function registered with ``@nightly_job(name, order=…)`` that does set-based SQL and
returns a dict of counts. Jobs run in ``order`` (linkage before zoning, say), one at a time
across the cluster (an advisory lock), each recorded in a ``JobRun``. They must be idempotent: a
second run the same night changes nothing. Celery beat runs them all nightly
(``procurement.core.tasks.run_nightly_jobs``); ``manage.py run_nightly [job …]`` runs them in-process.
"""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from procurement.core.audit import audit_actor
from procurement.core.models import JobRun, JobStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NightlyJob:
    name: str
    order: int
    func: Callable[[], dict]
    description: str
    label: str = ""  # what people call it (价格联动), in the audit trail and wherever the job acted

    @property
    def shown_name(self) -> str:
        return str(self.label) if self.label else self.name


_registry: dict[str, NightlyJob] = {}


def nightly_job(name: str, *, order: int, label: str = ""):
    """Register a nightly job. ``order`` decides when it runs among the others (lower first); ``label``
    (translatable) is what people call it: the audit trail names the job's changes "夜间任务：价格联动"."""

    def register(func: Callable[[], dict]) -> Callable[[], dict]:
        if name in _registry and _registry[name].func is not func:
            raise ValueError(f"nightly job {name!r} is registered twice")
        description = next(iter((func.__doc__ or "").strip().splitlines()), "")
        _registry[name] = NightlyJob(name, order, func, description, label)
        return func

    return register


def registered_jobs() -> list[NightlyJob]:
    return sorted(_registry.values(), key=lambda job: (job.order, job.name))


def get_job(name: str) -> NightlyJob:
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(job.name for job in registered_jobs())
        raise KeyError(f"unknown nightly job {name!r}; known: {known}") from None


# What the commands that change data are called in the audit trail (``command:<name>``).
COMMAND_LABELS = {"seed_demo": gettext_lazy("demo data")}


def actor_name(actor: str) -> str:
    """A non-human actor as people read it: ``job:national_price_linkage`` is 夜间任务：价格联动,
    ``command:seed_demo`` 命令：演示数据 (issue 12); anything else as it is."""
    kind, _sep, name = actor.partition(":")
    if kind == "job":
        job = _registry.get(name)
        return gettext("Nightly job: %(job)s") % {"job": job.shown_name if job else name}
    if kind == "command":
        return gettext("Command: %(command)s") % {"command": COMMAND_LABELS.get(name, name)}
    return actor


def run_job(name: str, *, triggered_by: str) -> JobRun:
    """Run one job in its own transaction, recorded in a JobRun whatever happens."""
    job = get_job(name)
    run = JobRun.objects.create(name=name, triggered_by=triggered_by)
    try:
        with transaction.atomic(), audit_actor(f"job:{name}", triggered_by=triggered_by):
            with connection.cursor() as cursor:
                # One run of a job at a time, cluster-wide; a second waits, then finds nothing to do.
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"nightly:{name}"])
            counts = job.func() or {}
    except Exception:
        logger.exception("nightly job %s failed", name)
        run.status = JobStatus.FAILED
        run.error = traceback.format_exc()[-4000:]
    else:
        run.status = JobStatus.SUCCEEDED
        run.counts = counts
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "counts", "finished_at"])
    return run


def run_jobs(names: list[str] | None = None, *, triggered_by: str) -> list[JobRun]:
    """Run the named jobs (all, when none are named) in their registered order."""
    jobs = registered_jobs() if not names else sorted((get_job(name) for name in names), key=lambda j: j.order)
    return [run_job(job.name, triggered_by=triggered_by) for job in jobs]
