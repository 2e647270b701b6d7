"""Unit prices and price-ratio conversion between specifications (DOMAIN.md §2).

A listing price is per pack; comparisons across packs use the unit price (pack price ÷ pack
quantity). Comparisons across specifications of one generic name use the price-ratio rule
(差比价): doubling the content multiplies the price by a factor (setting
``PRICE_RATIO_DOUBLING_FACTOR``, default 1.7), i.e. price₂ = price₁ × factor^log₂(content₂ / content₁).
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from procurement.core.errors import DomainError
from procurement.core.money import round_price
from procurement.core.policy import policy

# Mass units normalise to milligrams; activity units to units (IU); volume to millilitres.
_UNITS: dict[str, tuple[str, Decimal]] = {
    "kg": ("mg", Decimal(1_000_000)),
    "g": ("mg", Decimal(1000)),
    "mg": ("mg", Decimal(1)),
    "μg": ("mg", Decimal("0.001")),
    "µg": ("mg", Decimal("0.001")),
    "ug": ("mg", Decimal("0.001")),
    "mcg": ("mg", Decimal("0.001")),
    "ng": ("mg", Decimal("0.000001")),
    "iu": ("IU", Decimal(1)),
    "u": ("IU", Decimal(1)),
    "单位": ("IU", Decimal(1)),
    "万iu": ("IU", Decimal(10_000)),
    "万u": ("IU", Decimal(10_000)),
    "万单位": ("IU", Decimal(10_000)),
    "ml": ("ml", Decimal(1)),
    "l": ("ml", Decimal(1000)),
}
_AMOUNT_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(万?(?:单位|iu|u)|kg|mg|μg|µg|ug|mcg|ng|g|ml|l)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Content:
    """The active content of one minimum unit, normalised (mg, IU or ml)."""

    amount: Decimal
    unit: str

    def __str__(self):
        return f"{self.amount.normalize():f}{self.unit}"


def parse_specification(specification: str) -> Content | None:
    """The content of a specification such as ``20mg``, ``0.5g``, ``2ml:200μg`` or ``150mg/12.5mg``.

    For solutions (``5ml:50mg``) the content is the active amount after the colon. For compound
    preparations (``150mg/12.5mg``) it is the first component: specifications of one generic name
    share their proportions, so the first component orders them. Returns ``None`` when the
    specification states no comparable content (a percentage, a free text).
    """
    text = specification.strip().replace("：", ":").replace("／", "/")
    if ":" in text:
        text = text.split(":", 1)[1]
    text = text.split("/", 1)[0].split("×", 1)[0].split("*", 1)[0]
    match = _AMOUNT_RE.match(text)
    if not match:
        return None
    try:
        amount = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    unit, factor = _UNITS[match.group(2).lower()]
    if amount <= 0:
        return None
    return Content(amount=amount * factor, unit=unit)


def unit_price(pack_price: Decimal, pack_quantity: int) -> Decimal:
    """The price of one minimum unit (one tablet, one vial), to four decimal places."""
    if pack_quantity <= 0:
        raise ValueError("pack quantity must be positive")
    return round_price(Decimal(pack_price) / Decimal(pack_quantity))


def price_ratio_convert(price: Decimal, *, from_content: Content, to_content: Content) -> Decimal:
    """Convert a unit price between two specifications of one generic name by the 差比价 rule.

    ``price`` is the unit price at ``from_content``; the result is the equivalent unit price at
    ``to_content``. Contents must be in the same unit (both mass, both activity …).
    """
    if from_content.unit != to_content.unit:
        raise DomainError(
            f"Specifications {from_content} and {to_content} cannot be compared by the price-ratio rule.",
            code="specifications_not_comparable",
            field="specification",
            params={"from": str(from_content), "to": str(to_content)},
        )
    factor = Decimal(policy("PRICE_RATIO_DOUBLING_FACTOR"))
    ratio = to_content.amount / from_content.amount
    if ratio == 1:
        return round_price(price)
    exponent = ratio.ln() / Decimal(2).ln()
    return round_price(Decimal(price) * factor**exponent)
