"""How many packs a line may ask for, read from what a person typed (issue 10 #14, issue 11 #9)."""

from django.utils.translation import gettext as _

# The most packs one order line may ask for; the API's serializer and the cart use the same bound.
LINE_QUANTITY_MAX = 1_000_000


def parse_quantity(text: str, *, allow_zero: bool = False) -> int:
    """A whole number of packs in ASCII digits, from 1 (0 where ``allow_zero``: "take it out of the
    cart") to LINE_QUANTITY_MAX; anything else — "NaN", "1.5", full-width digits, a sign, a number
    past the bound — raises ValueError with a message naming the field, never a silent 1."""
    text = (text or "").strip()
    low = 0 if allow_zero else 1
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= LINE_QUANTITY_MAX:
        raise ValueError(
            _("quantity: a whole number of packs from %(low)d to %(high)d.") % {"low": low, "high": LINE_QUANTITY_MAX}
        )
    return int(text)
