"""Demo seeder of the credit records: a manufacturer on the bad-record list for false documents, a
distributor's failure to deliver on its record — recorded by the bureau's supervisor, as on the page."""

from datetime import timedelta

from procurement.core.seeding import SeedContext, demo_seeder
from procurement.credit import services
from procurement.credit.choices import CreditEventKind, Severity
from procurement.organisations.models import Organisation, User

BARRED_MAKER = "宁夏康亚药业股份有限公司"
LATE_DISTRIBUTOR = "宁夏众欣医药有限公司"


@demo_seeder("credit", after=("orders", "negotiation"))
def seed_credit(context: SeedContext) -> None:
    """A company on the bad-record list (its products greyed out on every buy page) and a credit event."""
    supervisor = User.objects.get(username="bureau.supervisor")
    maker = Organisation.objects.get(name=BARRED_MAKER)
    event = services.credit_event_record(
        actor=supervisor,
        organisation=maker,
        kind=CreditEventKind.FALSE_DOCUMENTS,
        severity=Severity.ESPECIALLY_SERIOUS,
        occurred_on=context.today - timedelta(days=40),
        description="挂网申报时提供虚假的价格证明材料（经核查属实）",
    )
    services.bad_record_add(
        actor=supervisor,
        organisation=maker,
        starts_on=context.today - timedelta(days=30),
        reason="提供虚假价格证明材料，列入不良记录名单",
        credit_event=event,
    )
    services.credit_event_record(
        actor=supervisor,
        organisation=Organisation.objects.get(name=LATE_DISTRIBUTOR),
        kind=CreditEventKind.FAILURE_TO_SUPPLY,
        severity=Severity.GENERAL,
        occurred_on=context.today - timedelta(days=12),
        description="急救药品配送超过48小时未到位",
    )
