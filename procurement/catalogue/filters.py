import django_filters
from django.utils.translation import gettext_lazy as _

from procurement.catalogue.models import NationalPrice, NationalPriceImport, Product
from procurement.catalogue.selectors import product_search_or_near
from procurement.organisations.choices import PROVINCE_CHOICES, OrganisationKind
from procurement.organisations.models import Organisation
from procurement.web.filters import PlatformFilterSet


class ProductFilter(PlatformFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Drug code, generic or trade name, approval number, manufacturer or pinyin initials"),
    )
    code = django_filters.CharFilter(label=_("national drug code"))
    generic_name = django_filters.CharFilter(label=_("generic name"), lookup_expr="icontains")
    dosage_form = django_filters.CharFilter(label=_("dosage form"))
    manufacturer = django_filters.ModelChoiceFilter(
        label=_("manufacturer"), queryset=Organisation.objects.filter(kind=OrganisationKind.MANUFACTURER)
    )
    is_originator = django_filters.BooleanFilter(label=_("originator"))
    is_consistency_evaluated = django_filters.BooleanFilter(label=_("consistency-evaluated generic"))
    is_national_negotiated = django_filters.BooleanFilter(label=_("national negotiated drug"))

    class Meta:
        model = Product
        fields = [
            "q",
            "code",
            "generic_name",
            "dosage_form",
            "manufacturer",
            "is_originator",
            "is_consistency_evaluated",
            "is_national_negotiated",
        ]

    def search(self, queryset, name, value):
        return product_search_or_near(queryset, value)


class NationalPriceFilter(PlatformFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Generic or trade name, strength, manufacturer or pinyin initials"),
    )
    product_code = django_filters.CharFilter(label=_("national drug code"), lookup_expr="istartswith")
    province = django_filters.ChoiceFilter(label=_("province"), choices=PROVINCE_CHOICES)
    effective_after = django_filters.DateFilter(
        label=_("effective from"), field_name="effective_date", lookup_expr="gte"
    )

    class Meta:
        model = NationalPrice
        fields = ["q", "product_code", "province", "effective_after"]

    def search(self, queryset, name, value):
        """The feed's rows of the catalogue's products a search finds, as the listed-products page finds them."""
        from procurement.catalogue.selectors import product_search_or_near

        codes = product_search_or_near(Product.objects.all(), value).values("code")
        return queryset.filter(product_code__in=codes)


class NationalPriceImportFilter(PlatformFilterSet):
    class Meta:
        model = NationalPriceImport
        fields = ["status"]
