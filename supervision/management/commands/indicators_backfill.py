"""Fill the supervision indicators of past months (R-SUP-1): ``manage.py indicators_backfill --months 24``.

For a new installation, or after a channel registered a new indicator: the same statement as the nightly
job, for the months asked; past months arrive frozen, and a month frozen already is never rewritten."""

from dateutil.relativedelta import relativedelta
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from procurement.core.audit import audit_actor
from supervision.indicator_jobs import compute_indicators, next_month


class Command(BaseCommand):
    help = "Compute the supervision indicators of the last N months (frozen months are left as they are)."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=12)

    def handle(self, *args, **options):
        today = timezone.localdate()
        until = next_month(today)
        since = until - relativedelta(months=max(1, options["months"]))
        with transaction.atomic(), audit_actor("command:indicators_backfill"):
            counts = compute_indicators(since=since, until=until, today=today)
        self.stdout.write(f"{since:%Y-%m} … {today:%Y-%m}: {counts}")
