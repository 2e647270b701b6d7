from django import forms
from django.utils.translation import gettext_lazy as _

from negotiation.choices import ThreadStatus
from procurement.organisations.models import HospitalGroup


class RequestForm(forms.Form):
    product = forms.CharField(label=_("National drug code"), max_length=23)
    price = forms.CharField(label=_("Price asked (yuan per pack)"), max_length=20)
    volume = forms.IntegerField(label=_("Expected volume (packs)"), min_value=1, max_value=10_000_000)
    valid_months = forms.IntegerField(label=_("Validity (months)"), min_value=1, max_value=24, initial=12)
    group = forms.ModelChoiceField(
        label=_("For the group"),
        queryset=HospitalGroup.objects.none(),
        required=False,
        empty_label=_("— my hospital only —"),
    )
    note = forms.CharField(
        label=_("Note to the manufacturer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, hospital=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hospital is not None:
            self.fields["group"].queryset = HospitalGroup.objects.filter(lead=hospital, is_active=True)


class AnswerForm(forms.Form):
    price = forms.CharField(label=_("Counter-offer (yuan per pack)"), max_length=20, required=False)
    note = forms.CharField(label=_("Note / reason"), required=False)


class ThreadFilter(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", _("all")), *ThreadStatus.choices])
    q = forms.CharField(label=_("product"), required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled answer sheet (.xlsx)"))
