"""Demo seeder of supervision: the indicators of the demo's history (twelve months, past ones frozen) and the
open months, so that the cockpit has its figures and trends on the first visit (R-SUP-1)."""

from dateutil.relativedelta import relativedelta

from procurement.core.seeding import SeedContext, demo_seeder
from supervision.indicator_jobs import compute_indicators, next_month


@demo_seeder("supervision", after=("orders", "settlement", "vbp", "filings", "credit"))
def seed_supervision(context: SeedContext) -> None:
    """Twelve months of indicators for every hospital, the months past their freezing day frozen."""
    until = next_month(context.today)
    counts = compute_indicators(since=until - relativedelta(months=12), until=until, today=context.today)
    context.write(f"supervision: {counts['inserted']} indicator figures")
