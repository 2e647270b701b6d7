from django import forms
from django.utils.translation import gettext_lazy as _

from filings.choices import FilingBasis, FilingStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several supporting documents in one field (each checked by the service: core.files)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class FilingForm(forms.Form):
    product = forms.CharField(label=_("National drug code"), max_length=23)
    basis = forms.ChoiceField(label=_("Basis"), choices=FilingBasis.choices)
    reason = forms.CharField(
        label=_("Clinical need"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the hospital needs this product, for which patients."),
    )
    quantity = forms.IntegerField(label=_("Expected quantity (packs)"), min_value=1, max_value=10_000_000)
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=36, initial=6)
    price = forms.CharField(label=_("Filed price (yuan per pack)"), max_length=20)
    documents = MultipleFileField(
        label=_("Supporting documents"), required=False, help_text=_("PDF or images: the need, an approval.")
    )


class FilingFilter(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", _("all")), *FilingStatus.choices])
    flagged = forms.BooleanField(label=_("not bought in time"), required=False)
    q = forms.CharField(label=_("product"), required=False)
