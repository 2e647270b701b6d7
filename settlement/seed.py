"""Demo seeder of settlement: the demo hospital's payables in every state — paid on time, paid late,
overdue, paid in part, due — payments by the hospital and by the fund, one receipt confirmed; then the
month-end jobs (overdue, prepayments of the VBP contracts, on-time rates)."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.core.seeding import SeedContext, demo_seeder
from procurement.orders import events
from procurement.orders import services as order_services
from procurement.orders.choices import ShipmentStatus
from procurement.orders.models import OrderLine, Shipment
from procurement.organisations.models import User
from settlement import jobs, ledger, services
from settlement.models import Payable

SHANGHAI = ZoneInfo("Asia/Shanghai")


@demo_seeder("settlement", after=("orders", "vbp"))
def seed_settlement(context: SeedContext) -> None:
    """Payables of past months (the acceptance dated back, as history would have it), payments, the jobs."""
    today = context.today
    finance = User.objects.get(username="hospital.finance")
    fund = User.objects.get(username="bureau.supervisor")
    clerk = User.objects.get(username="distributor.clerk")
    history = [_accepted_earlier(context, months) for months in (3, 3, 2, 2, 1)]
    history = [payable for payable in history if payable is not None]
    for index, payable in enumerate(history):
        owed = ledger.payable_balance(payable.pk)
        if index == 0:  # paid on time, by the hospital
            services.payment_record(actor=finance, payable_id=payable.pk, amount=owed, paid_on=payable.due_on)
        elif index == 1:  # paid late, directly by the fund
            services.payment_record(
                actor=fund,
                payable_id=payable.pk,
                amount=owed,
                paid_on=payable.due_on + timedelta(days=9),
                reference="YB-ESC-0001",
            )
        elif index == 2:  # paid in part, the rest overdue
            services.payment_record(
                actor=finance,
                payable_id=payable.pk,
                amount=(owed / 2).quantize(Decimal("0.01")),
                paid_on=payable.due_on - timedelta(days=3),
                reference="ICBC-2024-0815",
            )
    # today's acceptances (the orders seeder's): one paid now, the others due
    current = Payable.objects.filter(accepted_on=today).order_by("pk")
    first = current.first()
    if first is not None:
        payment = services.payment_record(
            actor=finance, payable_id=first.pk, amount=ledger.payable_balance(first.pk), reference="ICBC-0001"
        )
        services.payment_confirm(actor=clerk, payment_id=payment.pk)
    jobs.vbp_prepayments(today)
    jobs.payment_rates(today)
    context.write(f"  settlement: {Payable.objects.count()} payables, {len(history)} of past months")
    if ledger.reconcile():
        raise RuntimeError("the demo books do not reconcile")


def _accepted_earlier(context: SeedContext, months: int) -> Payable | None:
    """One line of the demo hospital delivered and accepted ``months`` months ago: the shipment's
    acceptance dated back, announced as ordering announces it (demo history only)."""
    buyer = User.objects.get(username="hospital.buyer")
    clerk = User.objects.get(username="distributor.clerk")
    line = OrderLine.objects.filter(hospital=buyer.organisation, distributor=clerk.organisation).first()
    if line is None:
        return None
    order = order_services.order_submit(
        actor=buyer,
        lines=[order_services.LineRequest(line.product.code, context.random.randint(20, 80), clerk.organisation_id)],
        note="历史采购",
    ).order
    line = order.lines.get()
    order_services.line_confirm(actor=clerk, line_id=line.pk)
    shipment = order_services.shipment_create(
        actor=clerk,
        line_id=line.pk,
        quantity=line.quantity,
        batch_number=f"H{months}{context.random.randint(10000, 99999)}",
        production_date=context.today - timedelta(days=300),
        expiry_date=context.today + timedelta(days=500),
        inspection_report=SimpleUploadedFile("检验报告.pdf", b"%PDF-1.4 demo inspection report"),
    )
    day = context.today - relativedelta(months=months)
    accepted_at = datetime.combine(day, time(10), tzinfo=SHANGHAI)
    Shipment.objects.filter(pk=shipment.pk).update(
        status=ShipmentStatus.ACCEPTED, accepted_quantity=line.quantity, accepted_at=accepted_at
    )
    OrderLine.objects.filter(pk=line.pk).update(accepted_quantity=line.quantity)
    events.announce_batch_accepted(
        events.BatchAccepted(
            shipment_id=shipment.pk,
            line_id=line.pk,
            order_id=order.pk,
            hospital_id=line.hospital_id,
            product_id=line.product_id,
            manufacturer_id=line.manufacturer_id,
            distributor_id=line.distributor_id,
            accepted_quantity=line.quantity,
            price=line.price,
            price_source=line.price_source,
            price_reference=line.price_reference,
            accepted_at=accepted_at,
        )
    )
    return Payable.objects.get(shipment_id=shipment.pk)
