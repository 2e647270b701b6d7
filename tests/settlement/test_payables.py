"""Payables from accepted batches (R-SET-1): amounts, due dates at the month's edges, returns; overdue (R-SET-5)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from procurement.orders import services as order_services
from procurement.organisations.choices import HospitalOwnership
from settlement import jobs, ledger, rules, services
from settlement.choices import Account
from settlement.models import LedgerEntry, Payable
from tests.factories import HospitalFactory
from tests.settlement.conftest import shanghai

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accepted", "ownership", "due"),
    [
        (date(2025, 1, 31), HospitalOwnership.PUBLIC, date(2025, 2, 28)),
        (date(2024, 1, 31), HospitalOwnership.PUBLIC, date(2024, 2, 29)),  # leap year
        (date(2025, 12, 31), HospitalOwnership.PUBLIC, date(2026, 1, 31)),  # into the next year
        (date(2025, 1, 1), HospitalOwnership.PUBLIC, date(2025, 2, 28)),
        (date(2025, 2, 28), HospitalOwnership.PUBLIC, date(2025, 3, 31)),
        (date(2025, 1, 31), HospitalOwnership.MILITARY, date(2025, 3, 2)),  # 30 days, over February
        (date(2024, 1, 31), HospitalOwnership.MILITARY, date(2024, 3, 1)),
        (date(2025, 12, 31), HospitalOwnership.PRIVATE, date(2026, 1, 30)),
        (date(2025, 12, 31), HospitalOwnership.PHARMACY, date(2026, 1, 31)),
    ],
)
def test_due_date_rule_at_the_edges_of_months(accepted, ownership, due):
    """R-SET-1: the last day of the month after acceptance; 30 days for military and private institutions."""
    assert rules.due_on(accepted, ownership) == due


def test_acceptance_on_31_january_is_due_on_the_last_day_of_february(world, accepted_at):
    """R-SET-1 through the acceptance hook: 31 January → 28 February (2025), 29 February (2024)."""
    # when
    plain = accepted_at(shanghai(2025, 1, 31))
    leap = accepted_at(shanghai(2024, 1, 31, 23, 59))
    # then
    assert (plain.accepted_on, plain.due_on) == (date(2025, 1, 31), date(2025, 2, 28))
    assert (leap.accepted_on, leap.due_on) == (date(2024, 1, 31), date(2024, 2, 29))


def test_acceptance_date_is_the_date_in_shanghai(world, accepted_at):
    """R-SET-1: 00:30 on 1 February in Shanghai is still 31 January in UTC — it is a February acceptance."""
    # when: 2025-01-31 16:30 UTC = 2025-02-01 00:30 Asia/Shanghai
    payable = accepted_at(datetime(2025, 1, 31, 16, 30, tzinfo=UTC))
    # then
    assert payable.accepted_on == date(2025, 2, 1)
    assert payable.due_on == date(2025, 3, 31)


def test_acceptance_on_31_december_is_due_on_31_january(world, accepted_at):
    """R-SET-1: the month after December is January of the next year."""
    payable = accepted_at(shanghai(2025, 12, 31, 18))
    assert payable.due_on == date(2026, 1, 31)


def test_a_military_hospital_pays_30_days_after_acceptance(world, accepted_at):
    """R-SET-1 (001 §9): military and private institutions — 30 days after acceptance."""
    # given
    military = HospitalFactory(name="解放军第九四二医院", region=world.yinchuan, ownership=HospitalOwnership.MILITARY)
    private = HospitalFactory(name="银川民营医院", region=world.yinchuan, ownership=HospitalOwnership.PRIVATE)
    # when
    at_military = accepted_at(shanghai(2025, 1, 31), hospital=military)
    at_private = accepted_at(shanghai(2025, 12, 31), hospital=private)
    # then
    assert at_military.due_on == date(2025, 3, 2)
    assert at_private.due_on == date(2026, 1, 30)


def test_an_accepted_batch_opens_a_payable_booked_in_the_ledger(world, deliver):
    """R-SET-1: amount = accepted packs × the line's resolved price; booked as a balanced transaction."""
    # when: 10 packs shipped, 7 accepted, at 12.60
    payable = deliver(10, accepted=7).payable
    # then
    assert (payable.quantity, payable.price, payable.amount) == (7, Decimal("12.6000"), Decimal("88.20"))
    assert (payable.hospital, payable.distributor) == (world.hospital, world.distributor)
    assert ledger.payable_balance(payable.pk) == Decimal("88.20")
    legs = sorted(LedgerEntry.objects.filter(payable=payable).values_list("account", "amount"))
    assert legs == [(Account.PAYABLE, Decimal("-88.20")), (Account.PURCHASES, Decimal("88.20"))]


def test_a_rejected_batch_opens_no_payable(world, buyer, storekeeper, order_lines, supplier):
    """R-SET-1: nothing accepted, nothing owed."""
    from tests.orders.conftest import BATCH, report

    line = order_services.order_submit(actor=buyer, lines=order_lines(5)).order.lines.get()
    order_services.line_confirm(actor=supplier, line_id=line.pk)
    shipment = order_services.shipment_create(
        actor=supplier, line_id=line.pk, quantity=5, inspection_report=report(), **BATCH
    )
    order_services.shipment_reject(actor=storekeeper, shipment_id=shipment.pk, reason="冷链断链")
    assert not Payable.objects.exists()


def test_returns_reduce_the_payable_to_the_packs_kept(world, deliver, supplier):
    """R-SET-1: a return reduces the payable; after every pack is returned nothing is owed."""
    # given: 10 packs at 12.60 = 126.00
    delivery = deliver(10)
    # when: 3 returned, then the other 7
    order_services.shipment_return(actor=supplier, shipment_id=delivery.shipment_id, quantity=3, reason="近效期")
    assert ledger.payable_balance(delivery.payable.pk) == Decimal("88.20")
    order_services.shipment_return(actor=supplier, shipment_id=delivery.shipment_id, quantity=7, reason="召回")
    # then
    payable = Payable.objects.get(pk=delivery.payable.pk)
    assert ledger.payable_balance(payable.pk) == Decimal("0.00")
    assert payable.settled_on is not None


def test_overdue_and_paid_late_follow_the_date_with_no_night_run(world, accepted_at, finance):
    """R-SET-5: an unpaid payable is overdue from the day after its due date, and one paid after its due date
    was paid late — by the date and the ledger alone, whether or not a nightly job has run since (the list's
    states, the API's ``state`` and ``overdue_since``)."""
    from settlement import selectors
    from settlement.choices import PayableState

    # given: three payables due 28 Feb 2025; one paid on the day, one paid on 1 March (late), one unpaid
    on_time = accepted_at(shanghai(2025, 1, 10))
    late = accepted_at(shanghai(2025, 1, 20))
    unpaid = accepted_at(shanghai(2025, 1, 31))
    services.payment_record(actor=finance, payable_id=on_time.pk, amount=Decimal("126.00"), paid_on=date(2025, 2, 28))
    services.payment_record(actor=finance, payable_id=late.pk, amount=Decimal("126.00"), paid_on=date(2025, 3, 1))

    def states(today):
        return {p.pk: p.state for p in selectors.payables_for(finance, today=today)}

    def listed(state, today):
        return {p.pk for p in selectors.payables_for(finance, today=today, state=state)}

    # then: on the due date nothing is overdue yet; the next morning the unpaid one is, with no job run
    assert states(date(2025, 2, 28))[unpaid.pk] == PayableState.DUE_SOON
    assert states(date(2025, 3, 1)) == {
        on_time.pk: PayableState.PAID,
        late.pk: PayableState.PAID_LATE,
        unpaid.pk: PayableState.OVERDUE,
    }
    assert listed(PayableState.OVERDUE, date(2025, 3, 1)) == {unpaid.pk}
    assert listed(PayableState.PAID_LATE, date(2025, 3, 1)) == {late.pk}
    assert listed(PayableState.PAID, date(2025, 3, 1)) == {on_time.pk, late.pk}
    # and the API, read today, says the same for every row
    client = APIClient()
    client.force_authenticate(finance)
    rows = {row["id"]: row for row in client.get("/api/v1/payables/").json()["results"]}
    assert (rows[unpaid.pk]["state"], rows[unpaid.pk]["overdue_since"]) == ("overdue", "2025-03-01")
    assert (rows[late.pk]["state"], rows[late.pk]["overdue_since"]) == ("paid_late", "2025-03-01")
    assert (rows[on_time.pk]["state"], rows[on_time.pk]["overdue_since"]) == ("paid", None)


def test_on_time_rates_by_count_and_amount_per_hospital_and_region(world, accepted_at, finance, fund):
    """R-SET-5: the share of payables paid by their due date, by count and by amount, per hospital and
    per region — written by the month-end job, and a second run writes nothing."""
    from settlement import selectors, services

    # given: three payables of 永宁县人民医院 due 28 Feb 2025 (126.00, 252.00, 25.20), one of the city hospital
    on_time = accepted_at(shanghai(2025, 1, 10), packs=10)
    late = accepted_at(shanghai(2025, 1, 20), packs=20)
    unpaid = accepted_at(shanghai(2025, 1, 31), packs=2)
    city = accepted_at(shanghai(2025, 1, 31), hospital=world.city_hospital, packs=5)
    services.payment_record(actor=finance, payable_id=on_time.pk, amount=Decimal("126.00"), paid_on=date(2025, 2, 28))
    services.payment_record(actor=finance, payable_id=late.pk, amount=Decimal("252.00"), paid_on=date(2025, 3, 1))
    services.payment_record(actor=fund, payable_id=city.pk, amount=Decimal("63.00"), paid_on=date(2025, 2, 1))
    # when
    assert jobs.payment_rates(date(2025, 3, 5)) == {"rates_written": 2}
    assert jobs.payment_rates(date(2025, 3, 5)) == {"rates_written": 0}
    # then: per hospital — 1 of 3 by count, 126.00 of 403.20 by amount
    supervisor = world.user("provincial_supervisor")
    by_hospital = {rate.label: rate for rate in selectors.rates_by_hospital(supervisor)}
    ours = by_hospital["永宁县人民医院"]
    assert (ours.payables, ours.on_time, ours.amount, ours.on_time_amount) == (
        3,
        1,
        Decimal("403.20"),
        Decimal("126.00"),
    )
    assert (ours.by_count, ours.by_amount) == (Decimal("0.333"), Decimal("0.313"))
    assert by_hospital["宁夏回族自治区人民医院"].by_count == Decimal("1.000")
    # per region: both hospitals are in 银川市
    [yinchuan] = selectors.rates_by_region(supervisor)
    assert (yinchuan.label, yinchuan.payables, yinchuan.on_time) == ("银川市", 4, 2)
    assert yinchuan.on_time_amount == Decimal("189.00") and yinchuan.amount == Decimal("466.20")
    # a county bureau sees its county's hospital only (scoped through visible_to)
    assert [rate.label for rate in selectors.rates_by_hospital(world.user("county_bureau"))] == ["永宁县人民医院"]
    # and the unpaid one is overdue since the day after its due date
    assert rules.overdue_since(unpaid.due_on, unpaid.settled_on, date(2025, 3, 5)) == date(2025, 3, 1)
