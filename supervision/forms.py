from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.choices import Conclusion

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=_("held on"), widget=DATE, initial=timezone.localdate)
    place = forms.CharField(label=_("place"), max_length=200)
    attendees = forms.CharField(label=_("attendees"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("minutes"), widget=forms.Textarea(attrs={"rows": 5}))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("document"), help_text=_("A PDF or an image (JPEG, PNG)."))
    note = forms.CharField(label=_("note"), max_length=500, required=False)
    received_on = forms.DateField(label=_("received on"), widget=DATE, initial=timezone.localdate)


class CloseForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("conclusion"), choices=Conclusion.choices)
    note = forms.CharField(label=_("conclusion note"), widget=forms.Textarea(attrs={"rows": 3}))


class StockReportForm(forms.Form):
    product_code = forms.CharField(label=_("national drug code"), max_length=23)
    month = forms.DateField(
        label=_("month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    stock_packs = forms.IntegerField(label=_("stock (packs)"), min_value=0)
    note = forms.CharField(label=_("note"), max_length=500, required=False)
