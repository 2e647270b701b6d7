"""Property-based tests of the books (R-SET-4): whatever sequence of acceptances, returns, payments and
corrections happens — refused ones included — every transaction balances, every payable equals its
documents, none is negative, and a broken book is noticed."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from procurement.core.errors import DomainError
from procurement.orders import services as order_services
from procurement.orders.models import Shipment
from settlement import ledger, services
from settlement.choices import Account, TransactionKind
from settlement.ledger import Leg
from settlement.models import LedgerEntry, Payable, Payment
from tests.factories import ProductFactory
from tests.orders.conftest import BATCH, make_listing, report

pytestmark = pytest.mark.django_db

operations = st.lists(
    st.one_of(
        st.tuples(st.just("accept"), st.integers(0, 2), st.integers(1, 12), st.integers(0, 14)),
        st.tuples(st.just("return"), st.integers(0, 20), st.integers(1, 12)),
        st.tuples(
            st.just("pay"),
            st.integers(0, 20),
            st.one_of(
                st.sampled_from(["all", "half", "all", "one fen more"]),
                st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400"), places=2),
                st.sampled_from([Decimal("0.001"), Decimal("0"), Decimal("-1")]),
            ),
            st.booleans(),
        ),
        st.tuples(st.just("correct"), st.integers(0, 20)),
        st.tuples(st.just("confirm"), st.integers(0, 20)),
    ),
    min_size=3,
    max_size=12,
)


@pytest.fixture
def products(world, listed):
    """The two listed products (12.60, 30.00) and one at a price that does not round (0.3333 a pack)."""
    awkward = ProductFactory(manufacturer=world.manufacturer, pack_quantity=100)
    make_listing(awkward, "0.3333")
    order_services.designation_add(
        actor=world.user("manufacturer_clerk"), product=awkward, region=world.province, distributor=world.distributor
    )
    return [*listed, awkward]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
# The sequences that matter most, always tried: a return after payment; a correction after a return.
@example([("accept", 0, 10, 10), ("pay", 0, "half", True), ("return", 0, 7), ("correct", 0), ("pay", 0, "all", False)])
@example([("accept", 2, 3, 3), ("return", 0, 0), ("pay", 0, "all", True), ("correct", 0), ("return", 0, 1)])
def test_any_sequence_leaves_the_books_balanced_and_no_payable_negative(
    world, products, buyer, storekeeper, supplier, finance, fund, operations
):
    """R-SET-4 (with R-SET-1, R-SET-2): any sequence of acceptances, returns, payments and corrections."""
    with transaction.atomic():
        shipments: list[int] = []
        for step, operation in enumerate(operations):
            try:
                with transaction.atomic():
                    _apply(world, products, buyer, storekeeper, supplier, finance, fund, shipments, step, operation)
            except DomainError:
                pass  # refused: changes nothing
            assert ledger.reconcile() == []
        for payable in Payable.objects.all():
            assert ledger.payable_balance(payable.pk) >= 0
            assert ledger.refund_due(payable.pk) >= 0
        transaction.set_rollback(True)


def _apply(world, products, buyer, storekeeper, supplier, finance, fund, shipments, step, operation):
    kind, *args = operation
    if kind == "accept":
        index, packs, accepted = args
        accepted = min(accepted, packs)
        request = order_services.LineRequest(products[index].code, packs, world.distributor.pk)
        line = order_services.order_submit(actor=buyer, lines=[request]).order.lines.get()
        order_services.line_confirm(actor=supplier, line_id=line.pk)
        shipment = order_services.shipment_create(
            actor=supplier,
            line_id=line.pk,
            quantity=packs,
            inspection_report=report(),
            **{**BATCH, "batch_number": f"P{step}"},
        )
        order_services.shipment_accept(
            actor=storekeeper, shipment_id=shipment.pk, accepted_quantity=accepted, reason="部分"
        )
        shipments.append(shipment.pk)
    elif kind == "return" and shipments:
        shipment = Shipment.objects.get(pk=shipments[args[0] % len(shipments)])
        returnable = shipment.accepted_quantity - shipment.returned_quantity
        quantity = 1 + args[1] % returnable if returnable else args[1]  # else refused: nothing to return
        order_services.shipment_return(actor=supplier, shipment_id=shipment.pk, quantity=quantity, reason="退货")
    elif kind == "pay":
        payables = list(Payable.objects.order_by("pk"))
        if payables:
            payable = payables[args[0] % len(payables)]
            balance = ledger.payable_balance(payable.pk)
            amount = {
                "all": balance,
                "half": (balance / 2).quantize(Decimal("0.01")),
                "one fen more": balance + Decimal("0.01"),
            }.get(args[1], args[1])
            services.payment_record(actor=finance if args[2] else fund, payable_id=payable.pk, amount=amount)
    elif kind in ("correct", "confirm"):
        payments = list(Payment.objects.order_by("pk"))
        if payments:
            payment = payments[args[0] % len(payments)]
            if kind == "confirm":
                services.payment_confirm(actor=supplier, payment_id=payment.pk)
            else:
                payer = finance if payment.payer == "hospital" else fund
                services.payment_reverse(actor=payer, payment_id=payment.pk, reason="更正")


def test_reconciliation_notices_a_movement_the_documents_do_not_explain(world, deliver):
    """R-SET-4: the check is not vacuous — a balanced movement on a payable without its payment document
    (money moved outside the services) is reported, by payable."""
    # given
    payable = deliver(10).payable
    # when: 20.00 booked against the payable with no Payment row
    ledger.post(
        kind=TransactionKind.PAYMENT,
        value_on=date.today(),
        legs=[
            Leg(Account.PAYABLE, world.hospital.pk, Decimal("20.00"), world.distributor.pk, payable.pk),
            Leg(Account.HOSPITAL_BANK, world.hospital.pk, Decimal("-20.00"), world.distributor.pk, payable.pk),
        ],
    )
    # then
    found = ledger.reconcile()
    assert [(d.problem, d.subject) for d in found] == [("payable_balance_differs", payable.pk)]
    # and a correction puts it right, leaving both movements in the books
    ledger.reverse(LedgerEntry.objects.filter(payable=payable).latest("id").transaction)
    assert ledger.reconcile() == []
