"""Payments against payables (R-SET-2) and the ledger's guarantees (R-SET-4)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from procurement.core.errors import Conflict, DomainError, PermissionDenied
from procurement.orders import services as order_services
from procurement.organisations.models import Organisation
from settlement import ledger, services
from settlement.choices import Account, Payer, TransactionKind
from settlement.ledger import Leg
from settlement.models import LedgerEntry, LedgerTransaction, Payable, Payment
from tests.factories import HospitalFactory

pytestmark = pytest.mark.django_db


def test_a_partial_payment_then_the_rest_settles_the_payable(deliver, finance):
    """R-SET-2: partial payments; the payable is settled when the last fen is paid."""
    # given: 126.00 owed
    payable = deliver(10).payable
    # when
    services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("100.00"))
    # then
    assert ledger.payable_balance(payable.pk) == Decimal("26.00")
    assert Payable.objects.get(pk=payable.pk).settled_on is None
    # when
    services.payment_record(actor=finance, payable_id=payable.pk, amount="26.00")
    # then
    assert ledger.payable_balance(payable.pk) == 0
    assert Payable.objects.get(pk=payable.pk).settled_on is not None
    assert list(Payment.objects.filter(payable=payable).values_list("payer", flat=True)) == [Payer.HOSPITAL] * 2


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (Decimal("126.01"), "overpayment"),  # one fen more than is owed
        (Decimal("0.001"), "sub_fen"),
        (Decimal("10.005"), "sub_fen"),
        (Decimal("0"), "not_positive"),
        (Decimal("-5"), "not_positive"),
        ("NaN", "invalid"),
        ("1e3", "invalid"),
        (1.5, "invalid"),
    ],
)
def test_an_overpayment_or_a_sub_fen_amount_is_refused_and_changes_nothing(deliver, finance, amount, code):
    """R-SET-2: more than is owed, a 0.001 payment, zero or a negative amount: refused, naming the field and rule."""
    # given
    payable = deliver(10).payable
    movements = LedgerTransaction.objects.count()
    # when
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=finance, payable_id=payable.pk, amount=amount)
    # then
    problem = refused.value.problems[0]
    assert (problem.code, problem.field) == (code, "amount")
    assert problem.rule == "R-SET-2" or code == "invalid"
    assert LedgerTransaction.objects.count() == movements and not Payment.objects.exists()
    assert ledger.payable_balance(payable.pk) == Decimal("126.00")


def test_exactly_what_is_owed_is_accepted(deliver, finance):
    """R-SET-2 at the boundary: paying the balance itself is not an overpayment."""
    payable = deliver(10).payable
    services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("126.00"))
    with pytest.raises(DomainError) as refused:
        services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("0.01"))
    assert refused.value.problems[0].code == "overpayment"
    assert refused.value.problems[0].params["balance"] == Decimal("0.00")


def test_the_fund_pays_directly_and_the_supplier_confirms(world, deliver, fund, supplier):
    """R-SET-2: the fund's direct payment through the settlement centre; the supplier confirms receipt once."""
    # given
    payable = deliver(5).payable
    # when
    payment = services.payment_record(actor=fund, payable_id=payable.pk, amount=Decimal("63.00"), reference="E-1")
    services.payment_confirm(actor=supplier, payment_id=payment.pk)
    # then
    payment.refresh_from_db()
    assert payment.payer == Payer.FUND and payment.payer_organisation == world.provincial_bureau
    assert payment.confirmed_by == supplier
    legs = dict(LedgerEntry.objects.filter(transaction=payment.transaction).values_list("account", "amount"))
    assert legs == {Account.PAYABLE: Decimal("63.00"), Account.FUND_BANK: Decimal("-63.00")}
    with pytest.raises(Conflict):
        services.payment_confirm(actor=supplier, payment_id=payment.pk)


def test_a_city_bureau_pays_only_for_hospitals_of_its_region(world, deliver):
    """R-SET-2 and scope: a payable outside the bureau's region is not found."""
    from procurement.organisations.choices import Role
    from tests.factories import UserFactory

    payable = deliver(5).payable  # the hospital is in 永宁县, 银川市
    shizuishan = UserFactory(
        organisation=__import__("tests.factories", fromlist=["OrganisationFactory"]).OrganisationFactory(
            kind="bureau", name="石嘴山市医疗保障局", region=world.shizuishan
        ),
        roles=[Role.BUREAU_SUPERVISOR],
    )
    with pytest.raises(Payable.DoesNotExist):
        services.payment_record(actor=shizuishan, payable_id=payable.pk, amount=Decimal("1.00"))
    services.payment_record(actor=world.user("city_bureau"), payable_id=payable.pk, amount=Decimal("1.00"))


def test_only_finance_and_the_fund_pay(world, deliver):
    payable = deliver(5).payable
    for name in ("hospital_buyer", "distributor_clerk", "provincial_reviewer"):
        with pytest.raises(PermissionDenied):
            services.payment_record(actor=world.user(name), payable_id=payable.pk, amount=Decimal("1.00"))


def test_a_retry_with_the_same_idempotency_key_pays_once(deliver, finance):
    """R-SET-2: a client retrying gets the first payment back; another payment under the key is a conflict."""
    payable = deliver(10).payable
    first = services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("50.00"), idempotency_key="k1")
    again = services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("50.00"), idempotency_key="k1")
    assert again.pk == first.pk and ledger.payable_balance(payable.pk) == Decimal("76.00")
    with pytest.raises(Conflict):
        services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("60.00"), idempotency_key="k1")


def test_a_payment_in_error_is_corrected_by_a_reversing_entry(deliver, finance, supplier):
    """R-SET-4: a correction is a new transaction negating every leg, once; the payable is owed again."""
    # given
    payable = deliver(10).payable
    payment = services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("126.00"))
    # when
    services.payment_reverse(actor=finance, payment_id=payment.pk, reason="金额录错")
    # then
    payment.refresh_from_db()
    reversal = payment.reversal
    assert reversal.kind == TransactionKind.CORRECTION and reversal.reverses_id == payment.transaction_id
    assert reversal.value_on == payment.transaction.value_on
    assert ledger.payable_balance(payable.pk) == Decimal("126.00")
    assert Payable.objects.get(pk=payable.pk).settled_on is None
    with pytest.raises(Conflict):
        services.payment_reverse(actor=finance, payment_id=payment.pk, reason="再次")
    with pytest.raises(Conflict):
        services.payment_confirm(actor=supplier, payment_id=payment.pk)


def test_a_confirmed_receipt_cannot_be_reversed(deliver, finance, supplier):
    payable = deliver(10).payable
    payment = services.payment_record(actor=finance, payable_id=payable.pk, amount=Decimal("26.00"))
    services.payment_confirm(actor=supplier, payment_id=payment.pk)
    with pytest.raises(Conflict):
        services.payment_reverse(actor=finance, payment_id=payment.pk, reason="错")


def test_a_return_after_payment_is_owed_back_never_a_negative_payable(deliver, finance, supplier):
    """R-SET-1 / R-SET-4: packs returned after they were paid for become a refund due from the supplier."""
    # given: 126.00 owed, 100.00 paid
    delivery = deliver(10)
    services.payment_record(actor=finance, payable_id=delivery.payable.pk, amount=Decimal("100.00"))
    # when: 5 packs (63.00) returned
    order_services.shipment_return(actor=supplier, shipment_id=delivery.shipment_id, quantity=5, reason="召回")
    # then: 26.00 of the payable closed, 37.00 owed back
    assert ledger.payable_balance(delivery.payable.pk) == 0
    assert ledger.refund_due(delivery.payable.pk) == Decimal("37.00")


def test_the_database_refuses_to_edit_or_delete_entries(deliver):
    """R-SET-4: no entry, transaction or payable fact is ever edited or deleted — refused by the database."""
    payable = deliver(10).payable
    entry = LedgerEntry.objects.filter(payable=payable).first()
    for statement in (
        f"UPDATE settlement_ledgerentry SET amount = amount * 2 WHERE id = {entry.pk}",
        f"DELETE FROM settlement_ledgerentry WHERE id = {entry.pk}",
        f"UPDATE settlement_ledgertransaction SET value_on = '2000-01-01' WHERE id = {entry.transaction_id}",
        f"DELETE FROM settlement_ledgertransaction WHERE id = {entry.transaction_id}",
        f"UPDATE settlement_payable SET amount = 1 WHERE id = {payable.pk}",
        f"DELETE FROM settlement_payable WHERE id = {payable.pk}",
    ):
        with pytest.raises(ProgrammingError, match="pgtrigger"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert ledger.payable_balance(payable.pk) == Decimal("126.00")


def _booked(booked_at_sql: str = "now()") -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO settlement_ledgertransaction (kind, value_on, booked_at, actor, memo) "
            f"VALUES ('correction', '2025-01-01', {booked_at_sql}, '', '') RETURNING id"
        )
        return cursor.fetchone()[0]


def _legs(world, transaction_id, *amounts):
    accounts = [(Account.FUND_BANK, world.provincial_bureau), (Account.HOSPITAL_BANK, world.hospital)]
    return [
        LedgerEntry(
            transaction_id=transaction_id,
            account=account,
            owner=owner,
            amount=Decimal(amount),
            value_on=date(2025, 1, 1),
        )
        for (account, owner), amount in zip(accounts, amounts, strict=True)
    ]


def test_the_database_refuses_an_unbalanced_transaction(world):
    """R-SET-4: debits equal credits per transaction — enforced by the database, not only by ``post``."""
    movement = _booked()
    with pytest.raises(IntegrityError, match="debits and credits differ"), transaction.atomic():
        LedgerEntry.objects.bulk_create(_legs(world, movement, "5", "-4.99"))
    # and ``post`` refuses before the database is asked
    with pytest.raises(ledger.Unbalanced):
        ledger.post(
            kind=TransactionKind.CORRECTION,
            value_on=date(2025, 1, 1),
            legs=[Leg(Account.FUND_BANK, world.provincial_bureau.pk, Decimal("5"))],
        )
    assert not LedgerEntry.objects.filter(transaction_id=movement).exists()


def test_the_database_refuses_legs_added_to_a_movement_booked_before(world):
    """R-SET-4: even balanced, legs are never added to a transaction booked in an earlier database transaction."""
    earlier = _booked("now() - interval '1 day'")
    with pytest.raises(IntegrityError, match="never added"), transaction.atomic():
        LedgerEntry.objects.bulk_create(_legs(world, earlier, "5", "-5"))
    assert not LedgerEntry.objects.filter(transaction_id=earlier).exists()


def test_the_database_refuses_a_leg_naming_what_does_not_exist(world):
    """R-SET-4: a leg's transaction, owner, counterparty and payable exist — checked by the database once a
    statement (set-based, for the nights that book a million legs), whatever the application sends."""
    movement = _booked()
    missing = Organisation.objects.order_by("-pk").first().pk + 1000
    for change in (
        {"owner_id": missing},
        {"counterparty_id": missing},
        {"payable_id": 10**9},
    ):
        legs = _legs(world, movement, "5", "-5")
        for name, value in change.items():
            setattr(legs[0], name, value)
            setattr(legs[1], name, value)
        with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
            LedgerEntry.objects.bulk_create(legs)
    # a leg of no transaction at all
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        LedgerEntry.objects.bulk_create(_legs(world, movement + 1000, "5", "-5"))
    assert not LedgerEntry.objects.exists()


def test_an_organisation_named_in_the_ledger_is_never_deleted(world):
    """R-SET-4: an organisation a booked movement names (here as owner, then as counterparty) stays, even deleted
    by raw SQL; one the ledger does not name can be."""
    for field in ("owner", "counterparty"):
        named, unnamed = HospitalFactory(), HospitalFactory()
        movement = _booked()
        legs = _legs(world, movement, "5", "-5")
        for leg in legs:
            setattr(leg, field, named)
        LedgerEntry.objects.bulk_create(legs)
        with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM organisations_organisation WHERE id = %s", [named.pk])
        assert Organisation.objects.filter(pk=named.pk).exists()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM organisations_organisation WHERE id = %s", [unnamed.pk])
        assert not Organisation.objects.filter(pk=unnamed.pk).exists()
