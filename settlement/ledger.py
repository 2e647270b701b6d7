"""The double-entry ledger (R-SET-4): the one way money moves, balances, corrections, reconciliation.

``post`` writes one balanced transaction (its legs by one statement: the database refuses a
statement leaving a transaction unbalanced, and refuses any UPDATE or DELETE of entries);
``reverse`` corrects one by a new transaction with every leg negated, once; ``payable_balance`` and
``account_balances`` derive balances from the entries; ``reconcile`` proves the books: every
transaction balances, the trial balance is zero, every payable's entries equal what its documents
(accepted and returned packs, payments and their corrections) say, no payable is negative and every
accepted batch has its payable.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from procurement.core.errors import Conflict
from procurement.core.money import round_money
from settlement.choices import Account, TransactionKind
from settlement.models import LedgerEntry, LedgerTransaction


@dataclass(frozen=True)
class Leg:
    """One leg of a movement: ``amount`` > 0 debits the account, < 0 credits it."""

    account: str
    owner_id: int
    amount: Decimal
    counterparty_id: int | None = None
    payable_id: int | None = None
    contract_key: str = ""


class Unbalanced(ValueError):
    pass


def post(
    *,
    kind: str,
    value_on: date,
    legs: Iterable[Leg],
    key: str | None = None,
    booked_by=None,
    actor: str = "",
    memo: str = "",
    reverses: LedgerTransaction | None = None,
) -> LedgerTransaction | None:
    """Book one movement of money (R-SET-4). With a ``key``, at most once: when a transaction with that
    key exists already (a retry, a second worker), nothing is written and ``None`` is returned."""
    legs = [leg for leg in legs if leg.amount != 0]
    for leg in legs:
        if round_money(leg.amount) != leg.amount:
            raise Unbalanced(f"a leg of {leg.amount} is not in whole fen")
    if len(legs) < 2 or sum(leg.amount for leg in legs) != 0:
        raise Unbalanced(f"debits and credits differ: {[leg.amount for leg in legs]}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO settlement_ledgertransaction (kind, value_on, booked_at, booked_by_id, actor, memo, key,
                                                         reverses_id)
               VALUES (%s, %s, now(), %s, %s, %s, %s, %s)
               ON CONFLICT DO NOTHING RETURNING id""",
            [kind, value_on, getattr(booked_by, "pk", None), actor, memo[:300], key, getattr(reverses, "pk", None)],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        transaction_id = row[0]
        # One statement for every leg, in the same database transaction: the trigger checks it once, whole.
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    transaction_id=transaction_id,
                    account=leg.account,
                    owner_id=leg.owner_id,
                    counterparty_id=leg.counterparty_id,
                    payable_id=leg.payable_id,
                    contract_key=leg.contract_key,
                    amount=leg.amount,
                    value_on=value_on,
                )
                for leg in legs
            ]
        )
    return LedgerTransaction.objects.get(pk=transaction_id)


def reverse(original: LedgerTransaction, *, booked_by=None, actor: str = "", memo: str = "") -> LedgerTransaction:
    """R-SET-4: a correction is a new transaction with every leg of ``original`` negated, as of the
    original's value date (so the money is as if it never moved); a transaction is reversed once."""
    if original.kind == TransactionKind.CORRECTION:
        raise Conflict(_("A correction is not reversed: book the movement again."), code="correction", rule="R-SET-4")
    legs = [
        Leg(entry.account, entry.owner_id, -entry.amount, entry.counterparty_id, entry.payable_id, entry.contract_key)
        for entry in original.entries.all()
    ]
    reversal = post(
        kind=TransactionKind.CORRECTION,
        value_on=original.value_on,
        legs=legs,
        key=f"reverse:{original.pk}",
        booked_by=booked_by,
        actor=actor,
        memo=memo,
        reverses=original,
    )
    if reversal is None:
        raise Conflict(_("This movement has been corrected already."), code="already_reversed", rule="R-SET-4")
    return reversal


def payable_balance(payable_id: int) -> Decimal:
    """What is still owed on a payable: the credit balance of its entries on the payables account."""
    total = LedgerEntry.objects.filter(payable_id=payable_id, account=Account.PAYABLE).aggregate(total=Sum("amount"))
    return -(total["total"] or Decimal("0.00"))


def refund_due(payable_id: int) -> Decimal:
    """What the supplier owes back on a payable: returns of packs already paid for."""
    total = LedgerEntry.objects.filter(payable_id=payable_id, account=Account.REFUND_DUE).aggregate(total=Sum("amount"))
    return total["total"] or Decimal("0.00")


def account_balances(**filters) -> dict[tuple[str, int, int | None, str], Decimal]:
    """Balances of accounts (kind, owner, counterparty, contract), debit positive, from the entries."""
    rows = (
        LedgerEntry.objects.filter(**filters)
        .values_list("account", "owner_id", "counterparty_id", "contract_key")
        .annotate(balance=Sum("amount"))
        .order_by()
    )
    return {
        (account, owner, counterparty, contract): balance for account, owner, counterparty, contract, balance in rows
    }


RECONCILIATION_SQL = """
WITH unbalanced AS (
    SELECT 'unbalanced_transaction' AS problem, transaction_id AS subject, sum(amount) AS figure
    FROM settlement_ledgerentry GROUP BY transaction_id HAVING sum(amount) <> 0 OR count(*) < 2
), trial AS (
    SELECT 'trial_balance' AS problem, NULL::bigint AS subject, coalesce(sum(amount), 0) AS figure
    FROM settlement_ledgerentry HAVING coalesce(sum(amount), 0) <> 0
), legs AS (
    SELECT payable_id,
           -coalesce(sum(amount) FILTER (WHERE account = 'payable'), 0) AS balance,
           coalesce(sum(amount) FILTER (WHERE account = 'refund_due'), 0) AS refund
    FROM settlement_ledgerentry WHERE payable_id IS NOT NULL GROUP BY payable_id
), paid AS (
    SELECT payable_id, sum(amount) AS paid FROM settlement_payment WHERE reversal_id IS NULL GROUP BY payable_id
), documents AS (
    SELECT p.id, p.settled_on,
           coalesce(l.balance, 0) AS balance, coalesce(l.refund, 0) AS refund,
           round((s.accepted_quantity - s.returned_quantity) * p.price, 2) - coalesce(d.paid, 0) AS owed,
           s.accepted_quantity = p.quantity AS same_quantity
    FROM settlement_payable p
    JOIN orders_shipment s ON s.id = p.shipment_id
    LEFT JOIN legs l ON l.payable_id = p.id
    LEFT JOIN paid d ON d.payable_id = p.id
), payables AS (
    SELECT CASE
             WHEN balance < 0 THEN 'payable_negative'
             WHEN refund < 0 THEN 'refund_negative'
             WHEN NOT same_quantity THEN 'payable_quantity_differs'
             WHEN balance <> greatest(owed, 0) THEN 'payable_balance_differs'
             WHEN refund <> greatest(-owed, 0) THEN 'refund_differs'
             WHEN (settled_on IS NULL) <> (balance > 0) THEN 'settled_on_differs'
           END AS problem, id AS subject, balance AS figure
    FROM documents
), payments AS (
    SELECT 'payment_not_booked' AS problem, pm.id AS subject, pm.amount AS figure
    FROM settlement_payment pm
    WHERE NOT EXISTS (SELECT 1 FROM settlement_ledgerentry e WHERE e.transaction_id = pm.transaction_id
                      AND e.account = 'payable' AND e.payable_id = pm.payable_id AND e.amount = pm.amount)
       OR (pm.reversal_id IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM settlement_ledgertransaction r WHERE r.id = pm.reversal_id
              AND r.reverses_id = pm.transaction_id))
), advances AS (
    SELECT 'prepayment_negative' AS problem, NULL::bigint AS subject, sum(amount) AS figure
    FROM settlement_ledgerentry WHERE account = 'prepayment'
    GROUP BY owner_id, counterparty_id, contract_key HAVING sum(amount) < 0
), missing AS (
    SELECT 'batch_without_payable' AS problem, s.id AS subject, s.accepted_quantity::numeric AS figure
    FROM orders_shipment s JOIN orders_orderline ol ON ol.id = s.line_id
    WHERE s.accepted_quantity > 0 AND round(s.accepted_quantity * ol.price, 2) > 0 AND NOT EXISTS (SELECT 1 FROM settlement_payable p WHERE p.shipment_id = s.id)
)
SELECT problem, subject, figure FROM unbalanced
UNION ALL SELECT * FROM trial
UNION ALL SELECT * FROM payables WHERE problem IS NOT NULL
UNION ALL SELECT * FROM payments
UNION ALL SELECT * FROM advances
UNION ALL SELECT * FROM missing
ORDER BY 1, 2
"""


@dataclass(frozen=True)
class Discrepancy:
    problem: str
    subject: int | None
    figure: Decimal


def reconcile() -> list[Discrepancy]:
    """R-SET-4: every discrepancy between the books and the documents; an empty list when they agree.

    Checked: every transaction has two legs or more summing to zero; all entries sum to zero; each
    payable's balance equals its accepted-minus-returned packs at its price less its payments not
    corrected (and a return beyond what was open is owed back by the supplier, never a negative
    payable); ``settled_on`` is set exactly when nothing is owed; every payment and its correction are
    booked; every accepted batch has its payable.
    """
    with connection.cursor() as cursor:
        cursor.execute(RECONCILIATION_SQL)
        return [Discrepancy(*row) for row in cursor.fetchall()]
