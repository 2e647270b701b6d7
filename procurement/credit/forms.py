from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procurement.credit.choices import CreditEventKind, Severity
from procurement.credit.models import CreditEvent
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what an HTML date input reads


def companies():
    return Organisation.objects.filter(
        kind__in=[OrganisationKind.MANUFACTURER, OrganisationKind.DISTRIBUTOR], is_active=True
    ).order_by("kind", "name")


class CreditEventForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("company"), queryset=companies())
    kind = forms.ChoiceField(label=_("failing"), choices=CreditEventKind.choices)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    occurred_on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    description = forms.CharField(label=_("what happened"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("evidence"), required=False, help_text=_("A PDF or an image (JPEG, PNG)."))


class SanctionForm(forms.Form):
    """What both sanctions ask: from when, why, on which event, and a confirmation."""

    starts_on = forms.DateField(label=pgettext_lazy("period", "from"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    credit_event = forms.ModelChoiceField(
        label=_("credit event"), queryset=CreditEvent.objects.select_related("organisation"), required=False
    )
    confirm = forms.BooleanField(label=_("I have checked the company, the dates and the reason"))


class BadRecordForm(SanctionForm):
    field_order = ["organisation", "starts_on", "reason", "credit_event", "confirm"]
    organisation = forms.ModelChoiceField(label=_("company"), queryset=companies())


class DelistingForm(SanctionForm):
    field_order = ["product_code", "starts_on", "ends_on", "reason", "credit_event", "confirm"]
    product_code = forms.CharField(label=_("national drug code"), max_length=23)
    ends_on = forms.DateField(
        label=_("until"), widget=DATE, required=False, help_text=_("Empty: until the bureau lifts it.")
    )
