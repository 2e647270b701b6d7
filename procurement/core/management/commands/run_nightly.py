"""Run nightly jobs now, in this process: ``manage.py run_nightly [job …]`` (all when none named)."""

from django.core.management.base import BaseCommand, CommandError

from procurement.core import jobs
from procurement.core.models import JobStatus


class Command(BaseCommand):
    help = "Run the nightly jobs in-process, in their registered order (all when none is named)."

    def add_arguments(self, parser):
        parser.add_argument("jobs", nargs="*", help="job names; --list shows them")
        parser.add_argument("--list", action="store_true", help="list the registered jobs and exit")

    def handle(self, *args, **options):
        if options["list"]:
            for job in jobs.registered_jobs():
                self.stdout.write(f"{job.order:>4}  {job.name:<40} {job.description}")
            return
        try:
            runs = jobs.run_jobs(options["jobs"] or None, triggered_by="manage.py run_nightly")
        except KeyError as error:
            raise CommandError(str(error.args[0])) from None
        failed = False
        for run in runs:
            counts = ", ".join(f"{key}={value}" for key, value in run.counts.items())
            self.stdout.write(f"{run.name}: {run.status} in {run.seconds:.2f}s {counts}")
            if run.status == JobStatus.FAILED:
                failed = True
                self.stderr.write(run.error)
        if failed:
            raise CommandError("a nightly job failed")
