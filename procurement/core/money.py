"""Money: ``Decimal`` yuan, one rounding function, never floats (STYLE.md §6, DOMAIN.md §2).

Prices (listing, feed, agreed) carry four decimal places, amounts of money (payables, ledger
entries) two: a fen is the smallest amount that changes hands, while a unit price such as
0.0325 yuan per tablet is common.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

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


def parse_price(text: str | Decimal | int, *, places: int = PRICE_PLACES) -> Decimal:
    """Parse a price typed or imported as text; refuse what is not a positive amount.

    Raises ``ValueError`` with a message naming what is wrong; the caller attaches the field.
    """
    if isinstance(text, float):
        raise TypeError("money must never be a float")
    raw = str(text).strip().replace(",", "").replace("¥", "").replace("￥", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number") from None
    if not value.is_finite():
        raise ValueError(f"“{text}” is not a number")
    if value <= 0:
        raise ValueError("a price must be greater than zero")
    if -value.as_tuple().exponent > places:
        raise ValueError(f"a price has at most {places} decimal places")
    if value.adjusted() >= PRICE_MAX_DIGITS - PRICE_PLACES:
        raise ValueError("the price is too large")
    return value


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
