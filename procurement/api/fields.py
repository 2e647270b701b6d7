"""Fields shared by every app's API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from procurement.core.money import PRICE_MAX_DIGITS, PRICE_PLACES, parse_price


class PriceField(serializers.DecimalField):
    """A price in yuan (per pack), read by the platform's one price parser: ``"12.50"`` (a JSON number
    such as 12.5 too); exponent notation, NaN, infinities, full-width digits, zero, a sign or more
    than four decimals are refused with the reason."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", PRICE_MAX_DIGITS)
        kwargs.setdefault("decimal_places", PRICE_PLACES)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            raise serializers.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return parse_price(repr(data) if isinstance(data, float) else str(data))
        except (ValueError, TypeError) as error:
            raise serializers.ValidationError(str(error), code="invalid") from None


class TextField(serializers.CharField):
    """Text, and only text: a JSON number, boolean, list or object is refused (DRF's CharField would
    turn ``12`` into ``"12"``); a NUL character is refused by CharField itself (issue 11 #9)."""

    default_error_messages = {"invalid": _("Not text: write it in quotes.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WholeNumberField(serializers.IntegerField):
    """A whole number, as a JSON number: a string ("5"), true/false, 5.5 or 5.0 are refused (issue 11 #11).
    In a form (multipart) body every value is text: ``form=True`` takes ASCII digits there — full-width
    digits ("５") never."""

    def __init__(self, *, form: bool = False, **kwargs):
        self.form = form
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            return super().to_internal_value(data)
        if self.form and isinstance(data, str) and data.strip().isascii() and data.strip().isdigit():
            return super().to_internal_value(data.strip())
        self.fail("invalid")
