from django import forms
from django.utils.translation import gettext_lazy as _


class NationalImportForm(forms.Form):
    name = forms.CharField(label=_("Batch name"), max_length=100, help_text=_("e.g. 第十批国家组织药品集采"))
    file = forms.FileField(label=_("Result workbook (.xlsx or CSV)"))


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Round name"), max_length=100)
    bid_deadline = forms.DateTimeField(
        label=_("Bids until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    opening_at = forms.DateTimeField(
        label=_("Opening time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    valid_from = forms.DateField(label=_("Agreement from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Agreement until"), widget=forms.DateInput(attrs={"type": "date"}))


class UnitForm(forms.Form):
    generic_name = forms.CharField(label=_("Generic name"), max_length=100)
    route = forms.CharField(label=_("Route"), max_length=20, required=False)
    reference_specification = forms.CharField(label=_("Reference specification"), max_length=60, required=False)
    max_unit_price = forms.CharField(label=_("Maximum valid unit price (yuan per minimum unit)"), max_length=20)


class BidForm(forms.Form):
    product_code = forms.CharField(label=_("National drug code of your product"), max_length=23)
    price = forms.CharField(label=_("Bid (yuan per pack)"), max_length=20)


class DemandForm(forms.Form):
    reported_units = forms.IntegerField(label=_("Demand (minimum units a year)"), min_value=0, max_value=10**15)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled bid sheet (.xlsx)"))


class SupplyForm(forms.Form):
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "date"}))
    capacity_units = forms.IntegerField(label=_("Monthly capacity (minimum units)"), min_value=0, max_value=10**15)
    stock_units = forms.IntegerField(label=_("Stock (minimum units)"), min_value=0, max_value=10**15)
