"""Money: ``Decimal`` yuan, one rounding function, never floats (STYLE.md §6, DOMAIN.md §2).

Prices (listing, feed, agreed) carry four decimal places, amounts of money (payables, ledger
entries) two: a fen is the smallest amount that changes hands, while a unit price such as
0.0325 yuan per tablet is common.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext as _

PRICE_PLACES = 4
AMOUNT_PLACES = 2
PRICE_MAX_DIGITS = 14
AMOUNT_MAX_DIGITS = 16

_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(0, 9)}


def round_money(value: Decimal | int | str, places: int = AMOUNT_PLACES) -> Decimal:
    """Round half up to ``places`` decimals: the one rounding rule of the platform."""
    if isinstance(value, float):
        raise TypeError("money must never be a float")
    return Decimal(value).quantize(_QUANTUM[places], rounding=ROUND_HALF_UP)


def round_price(value: Decimal | int | str) -> Decimal:
    return round_money(value, PRICE_PLACES)


_PRICE_TEXT = re.compile(r"[0-9]+(\.[0-9]+)?")


def parse_price(text: str | Decimal | int, *, places: int = PRICE_PLACES) -> Decimal:
    """Parse a price typed or imported as text; refuse what is not a positive amount.

    Accepted: ASCII digits with an optional decimal point (``12.5``, ``1,234.50``, ``¥12``). Refused,
    with a message saying why: exponent notation (``1e3``), NaN and infinities, full-width digits, a
    sign, more than ``places`` decimals, zero, and amounts beyond the database's columns. Raises
    ``ValueError`` (a translated message); the caller attaches the field.
    """
    if isinstance(text, (float, bool)):
        raise TypeError("money must never be a float")
    if isinstance(text, Decimal | int):
        return checked_price(Decimal(text), places=places)
    raw = str(text).strip().replace(",", "").replace("¥", "").replace("￥", "").strip()
    if not _PRICE_TEXT.fullmatch(raw):
        raise ValueError(_("“%(text)s” is not an amount of yuan such as 12.50.") % {"text": text})
    return checked_price(Decimal(raw), places=places)


def checked_price(value: Decimal, *, places: int = PRICE_PLACES) -> Decimal:
    """The value itself if it is a valid price: finite, above zero, at most ``places`` decimals, not
    beyond the columns that keep prices; else ``ValueError`` with a translated message."""
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise ValueError(_("A price is a number of yuan."))
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(_("A price is a number of yuan."))
    if value <= 0:
        raise ValueError(_("A price must be greater than zero."))
    if -value.as_tuple().exponent > places:
        raise ValueError(_("A price has at most %(places)d decimal places.") % {"places": places})
    if value.adjusted() >= PRICE_MAX_DIGITS - PRICE_PLACES:
        raise ValueError(_("The price is too large."))
    return value


def check_price(value, *, field: str, places: int = PRICE_PLACES, rule: str | None = None) -> Decimal:
    """For services: a price as :func:`parse_price` reads it, or a ``DomainError`` on ``field``."""
    from procurement.core.errors import DomainError

    try:
        return parse_price(value, places=places)
    except (ValueError, TypeError) as error:
        raise DomainError(str(error), code="invalid", field=field, rule=rule) from None


def format_yuan(value: Decimal | int | str | None) -> str:
    """A price for people: ``¥12.35``; more decimals only when the fen is split (``¥0.0325``)."""
    if value in (None, ""):
        return ""
    amount = Decimal(value)
    fen = amount.quantize(_QUANTUM[AMOUNT_PLACES])
    return f"¥{fen:,}" if amount == fen else f"¥{amount.normalize():,f}"


class PriceField(models.DecimalField):
    """A price in yuan with four decimal places (listing prices, feed prices, agreed prices)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", PRICE_MAX_DIGITS)
        kwargs.setdefault("decimal_places", PRICE_PLACES)
        super().__init__(*args, **kwargs)


class AmountField(models.DecimalField):
    """An amount of money in yuan to the fen (payables, payments, ledger entries)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", AMOUNT_MAX_DIGITS)
        kwargs.setdefault("decimal_places", AMOUNT_PLACES)
        super().__init__(*args, **kwargs)
