"""Demo seeder of supervision: the indicators of the demo's history (twelve months, past ones frozen) and the
open months, so that the cockpit has its figures and trends on the first visit (R-SUP-1); the nightly jobs on
the demo province (its abnormal prices and purchases, the interview cases its credit grades call for), an
interview case opened from a flag by the provincial bureau's supervisor, and the demo distributor's stock of
the month."""

from dateutil.relativedelta import relativedelta

from procurement.core.errors import DomainError
from procurement.core.flags import flags_for
from procurement.core.seeding import SeedContext, demo_seeder
from procurement.orders.models import OrderLine
from procurement.organisations.models import User
from supervision import jobs, services
from supervision.indicator_jobs import compute_indicators, next_month


@demo_seeder("supervision", after=("orders", "credit", "settlement", "filings", "vbp", "negotiation"))
def seed_supervision(context: SeedContext) -> None:
    """Twelve months of indicators for every hospital (the months past their freezing day frozen), findings to
    review, cases to follow, a month of stock."""
    until = next_month(context.today)
    counts = compute_indicators(since=until - relativedelta(months=12), until=until, today=context.today)
    context.write(f"supervision: {counts['inserted']} indicator figures")
    jobs.detect_abnormal(context.today)
    jobs.credit_interview_cases(context.today)
    supervisor = User.objects.get(username="bureau.supervisor")
    for flag in flags_for(supervisor, context.today):
        if flag.source.subject == "hospital":
            try:
                services.case_open_from_flag(
                    actor=supervisor,
                    flag_key=flag.key,
                    subject_id=flag.subject.pk,
                    day=context.today,
                    detail=flag.found.detail,
                )
            except DomainError:  # a case already open: the next flag
                continue
            break
    clerk = User.objects.get(username="distributor.clerk")
    products = (
        OrderLine.objects.filter(distributor_id=clerk.organisation_id)
        .order_by()
        .values_list("product__code", flat=True)
        .distinct()[:5]
    )
    for index, code in enumerate(products):
        services.stock_report_file(actor=clerk, product_code=code, month=context.today, stock_packs=200 + 150 * index)
