"""Filters of the ordering pages: the buy page's search."""

import django_filters
from django.utils.translation import gettext_lazy

from procurement.catalogue.models import Product
from procurement.catalogue.selectors import product_search_or_near
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation
from procurement.web.filters import NamedChoiceFilter, PlatformFilterSet


class OfferFilter(PlatformFilterSet):
    """The buy page: several words (names, strength, pinyin initials, a code, a manufacturer), a dosage
    form, a manufacturer."""

    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="search",
        help_text=gettext_lazy(
            "Several words: generic or trade name, strength (20mg), pinyin initials (atft), drug code or manufacturer"
        ),
    )
    dosage_form = django_filters.CharFilter(label=gettext_lazy("dosage form"))
    manufacturer = NamedChoiceFilter(
        label=gettext_lazy("manufacturer"), queryset=Organisation.objects.filter(kind=OrganisationKind.MANUFACTURER)
    )

    class Meta:
        model = Product
        fields = ["q", "dosage_form", "manufacturer"]

    def search(self, queryset, name, value):
        return product_search_or_near(queryset, value)
