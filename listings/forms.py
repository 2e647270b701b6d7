from django import forms
from django.utils.translation import gettext_lazy as _

from listings.choices import ListingCategory, PanelParty, WithdrawalReason
from procurement.catalogue.models import Product
from procurement.web.fields import MultipleFileField, MultipleFileInput, PriceFormField


def _documents_field():
    return MultipleFileField(
        label=_("supporting documents"),
        required=False,
        help_text=_("PDF or images (JPEG, PNG), several at once: approval certificate, price proofs …"),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class DeclarationForm(forms.Form):
    product = forms.ModelChoiceField(label=_("product"), queryset=Product.objects.none())
    category = forms.ChoiceField(label=_("category"), choices=ListingCategory.choices)
    price = PriceFormField(label=_("declared price (yuan per pack)"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    documents = _documents_field()

    def __init__(self, *args, manufacturer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(manufacturer=manufacturer).order_by(
            "generic_name", "code"
        )
        self.fields["product"].label_from_instance = lambda product: f"{product.code} · {product}"


class DeclarationEditForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=ListingCategory.choices)
    price = PriceFormField(label=_("declared price (yuan per pack)"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    documents = _documents_field()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Remark"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    file = forms.FileField(label=_("file"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


class WithdrawalForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=WithdrawalReason.choices)
    explanation = forms.CharField(label=_("explanation"), widget=forms.Textarea(attrs={"rows": 3}))


class PanelRoundForm(forms.Form):
    party = forms.ChoiceField(label=_("party"), choices=PanelParty.choices)
    price = PriceFormField(label=_("price offered"))
    note = forms.CharField(label=_("note"), required=False)


class AgreeForm(forms.Form):
    price = PriceFormField(label=_("agreed price"))
    minutes = forms.CharField(label=_("minutes"), widget=forms.Textarea(attrs={"rows": 3}))


class AdjustmentOpenForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2020, max_value=2100)
    answer_by = forms.DateField(label=_("manufacturers answer by"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_date = forms.DateField(label=_("new prices effective"), widget=forms.DateInput(attrs={"type": "date"}))


class ProposalAnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("answer"),
        coerce=lambda value: value == "accept",
        choices=[("accept", _("Accept the proposed price")), ("appeal", _("Appeal"))],
    )
    appeal_price = PriceFormField(label=_("price asked for"), required=False)
    reason = forms.CharField(label=_("reason of the appeal"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
