"""The rules of settlement that are computed, each in one place (DOMAIN.md §8)."""

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from procurement.core.errors import DomainError
from procurement.core.money import AMOUNT_MAX_DIGITS, AMOUNT_PLACES, round_money
from procurement.organisations.choices import HospitalOwnership

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
