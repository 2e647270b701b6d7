"""Demo seeder of supervision: the nightly jobs on the demo province (its abnormal prices and purchases, the
interview cases its credit grades call for), an interview case opened from a flag by the provincial bureau's
supervisor, and the demo distributor's stock of the month."""

from procurement.core.errors import DomainError
from procurement.core.flags import flags_for
from procurement.core.seeding import SeedContext, demo_seeder
from procurement.orders.models import OrderLine
from procurement.organisations.models import User
from supervision import jobs, services


@demo_seeder("supervision", after=("credit", "settlement", "filings", "vbp", "negotiation"))
def seed_supervision(context: SeedContext) -> None:
    """Findings to review, cases to follow, a month of stock."""
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
