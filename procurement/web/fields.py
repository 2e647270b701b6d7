"""Form fields shared by every app's pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from procurement.core.money import parse_price

MAX_PRICE_TEXT = 24


class PriceFormField(forms.Field):
    """A price in yuan typed on a page, read by the platform's one price parser (``12.50``, ``¥1,200``);
    what it refuses is said on the field."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": MAX_PRICE_TEXT})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if len(text) > MAX_PRICE_TEXT:
            raise forms.ValidationError(_("The price is too long."), code="invalid")
        try:
            return parse_price(text)
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe): a list, empty when none is chosen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []
