"""Fields shared by every app's API."""

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
