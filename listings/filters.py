import django_filters
from django.utils.translation import gettext_lazy as _

from listings.choices import DeclarationStatus, ListingCategory, ListingStatus
from listings.models import Declaration, Listing
from procurement.catalogue.models import Product
from procurement.catalogue.selectors import FoundFirst, product_search, searched
from procurement.organisations.choices import OrganisationKind
from procurement.organisations.models import Organisation
from procurement.web.filters import NamedChoiceFilter, PlatformFilterSet, own_party
from procurement.web.widgets import QuickSelect


def _manufacturers():
    return Organisation.objects.filter(kind=OrganisationKind.MANUFACTURER)


class DeclarationFilter(PlatformFilterSet):
    party_filters = {"manufacturer": own_party("manufacturer", OrganisationKind.MANUFACTURER)}

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("status"), choices=DeclarationStatus.choices)
    category = django_filters.ChoiceFilter(label=_("category"), choices=ListingCategory.choices)
    flagged = django_filters.BooleanFilter(label=_("flagged for review"))
    manufacturer = django_filters.ModelChoiceFilter(label=_("manufacturer"), queryset=_manufacturers())

    class Meta:
        model = Declaration
        fields = ["q", "status", "category", "flagged", "manufacturer"]

    def search(self, queryset, name, value):
        return queryset.filter(product__in=product_search(Product.objects.all(), value))


class PublicListingFilter(PlatformFilterSet):
    # a manufacturer's own listings (本企业挂网产品) need no choice of manufacturer; the public list does
    party_filters = {"manufacturer": own_party("manufacturer", OrganisationKind.MANUFACTURER)}

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_(
            "Several words: generic or trade name, strength (20mg), pinyin initials (atft), drug code or manufacturer"
        ),
    )
    dosage_form = django_filters.CharFilter(label=_("dosage form"), field_name="product__dosage_form")
    manufacturer = NamedChoiceFilter(label=_("manufacturer"), queryset=_manufacturers())
    category = django_filters.ChoiceFilter(label=_("category"), choices=ListingCategory.choices, widget=QuickSelect)
    status = django_filters.ChoiceFilter(label=_("status"), choices=ListingStatus.choices, widget=QuickSelect)

    class Meta:
        model = Listing
        fields = ["q", "dosage_form", "manufacturer", "category", "status"]

    def search(self, queryset, name, value):
        found = searched(value)
        return queryset if found is None else queryset.filter(FoundFirst("product", found))
