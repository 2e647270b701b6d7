from django import forms
from django.utils.translation import gettext_lazy as _


class DeadlineForm(forms.Form):
    start = forms.DateField(label=_("Counted from"), widget=forms.DateInput(attrs={"type": "date"}))
    working_days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=365, initial=20)
