import django_filters
from django.utils.translation import gettext_lazy as _

from procurement.catalogue.selectors import FoundFirst, searched
from procurement.web.filters import PlatformFilterSet
from procurement.web.widgets import QuickSelect
from settlement.choices import AssessmentOutcome, AssessmentStatus, StandardBasis
from settlement.models import BudgetAssessment, PaymentStandard


class PaymentStandardFilter(PlatformFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Generic or trade name, strength (20mg), pinyin initials (atft), drug code or manufacturer"),
    )
    year = django_filters.NumberFilter(label=_("year"))
    dosage_form = django_filters.CharFilter(label=_("dosage form"), field_name="product__dosage_form")
    basis = django_filters.ChoiceFilter(label=_("basis"), choices=StandardBasis.choices, widget=QuickSelect)

    class Meta:
        model = PaymentStandard
        fields = ["q", "year", "dosage_form", "basis"]

    def search(self, queryset, name, value):
        found = searched(value)
        return queryset if found is None else queryset.filter(FoundFirst("product", found))


class BudgetAssessmentFilter(PlatformFilterSet):
    year = django_filters.NumberFilter(label=_("year"))
    outcome = django_filters.ChoiceFilter(label=_("outcome"), choices=AssessmentOutcome.choices, widget=QuickSelect)
    status = django_filters.ChoiceFilter(label=_("status"), choices=AssessmentStatus.choices, widget=QuickSelect)

    class Meta:
        model = BudgetAssessment
        fields = ["year", "outcome", "status"]
