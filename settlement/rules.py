"""The rules of settlement that are computed, each in one place (DOMAIN.md §8)."""

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from procurement.core.errors import DomainError
from procurement.core.money import AMOUNT_MAX_DIGITS, AMOUNT_PLACES, round_money
from procurement.organisations.choices import HospitalOwnership
from settlement.choices import PayableState

# R-SET-1: institutions that pay 30 days after acceptance rather than by the end of the next month.
THIRTY_DAY_OWNERSHIPS = frozenset({HospitalOwnership.MILITARY, HospitalOwnership.PRIVATE})
THIRTY_DAYS = 30
DUE_SOON_DAYS = 7


def due_on(accepted_on: date, ownership: str) -> date:
    """R-SET-1: a payable is due by the last day of the month after the acceptance month (accepted
    31 January → due 28 or 29 February; 31 December → 31 January); for military and private
    institutions, 30 days after acceptance. Dates are Asia/Shanghai calendar days."""
    if ownership in THIRTY_DAY_OWNERSHIPS:
        return accepted_on + timedelta(days=THIRTY_DAYS)
    year, month = (accepted_on.year + 1, 1) if accepted_on.month == 12 else (accepted_on.year, accepted_on.month + 1)
    return date(year, month, calendar.monthrange(year, month)[1])


# The same rule set-based, for SQL that computes due dates in bulk (the benchmark, the seeder's checks).
DUE_ON_SQL = (
    "CASE WHEN %(ownership)s IN ('military', 'private') THEN %(accepted_on)s + 30 "
    "ELSE (date_trunc('month', %(accepted_on)s) + interval '2 months' - interval '1 day')::date END"
)


def overdue_since(due_on: date, settled_on: date | None, today: date) -> date | None:
    """R-SET-5: an unpaid payable past its due date is overdue from the day after it; one settled after its due
    date was overdue from that day too (paid late). Derived from the dates alone, never stored: no night has to
    pass for it to hold, and nothing written can disagree with the ledger (``settled_on`` is kept with it)."""
    if settled_on is None:
        return due_on + timedelta(days=1) if due_on < today else None
    return due_on + timedelta(days=1) if settled_on > due_on else None


def payable_state(due_on: date, settled_on: date | None, today: date) -> str:
    """R-SET-5: paid (on time or late), overdue, due within ``DUE_SOON_DAYS``, or open — as of ``today``
    (``selectors.payables_for`` says the same in SQL)."""
    if settled_on is not None:
        return PayableState.PAID_LATE.value if settled_on > due_on else PayableState.PAID.value
    if due_on < today:
        return PayableState.OVERDUE.value
    if due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return PayableState.DUE_SOON.value
    return PayableState.OPEN.value


def line_amount(quantity: int, price: Decimal) -> Decimal:
    """Packs at a price per pack, rounded to the fen once (half up)."""
    return round_money(Decimal(quantity) * price)


_AMOUNT_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def checked_amount(value, *, field: str = "amount", rule: str = "R-SET-2") -> Decimal:
    """An amount of money that changes hands: a finite Decimal above zero, in whole fen (0.001 refused),
    within the ledger's columns; else a ``DomainError`` naming the field and the rule."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise DomainError(_("An amount is a number of yuan such as 12.50."), code="invalid", field=field, rule=rule)
    if isinstance(value, str) and not _AMOUNT_TEXT.fullmatch(value.strip()):
        raise DomainError(_("An amount is a number of yuan such as 12.50."), code="invalid", field=field, rule=rule)
    try:
        amount = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except ArithmeticError:
        raise DomainError(
            _("An amount is a number of yuan such as 12.50."), code="invalid", field=field, rule=rule
        ) from None
    if not amount.is_finite():
        raise DomainError(_("An amount is a number of yuan such as 12.50."), code="invalid", field=field, rule=rule)
    if amount <= 0:
        raise DomainError(_("An amount must be greater than zero."), code="not_positive", field=field, rule=rule)
    if amount != amount.quantize(Decimal(1).scaleb(-AMOUNT_PLACES)):
        raise DomainError(
            _("%(amount)s is not a whole number of fen: money moves in fen (0.01 yuan).") % {"amount": amount},
            code="sub_fen",
            field=field,
            rule=rule,
            params={"amount": amount},
        )
    if amount.adjusted() >= AMOUNT_MAX_DIGITS - AMOUNT_PLACES:
        raise DomainError(_("The amount is too large."), code="invalid", field=field, rule=rule)
    return round_money(amount)
