from django import forms
from django.utils.translation import gettext_lazy as _


class NationalPriceImportForm(forms.Form):
    file = forms.FileField(
        label=_("Feed file"),
        help_text=_(
            "CSV (UTF-8 or GB18030) or Excel .xlsx; the first row names the columns 医保药品代码, 省份, "
            "挂网价格, 执行日期 (or product_code, province, price, effective_date)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.xlsm"}),
    )
