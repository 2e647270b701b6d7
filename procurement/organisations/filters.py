import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.organisations.choices import HospitalLevel, HospitalOwnership, OrganisationKind
from procurement.organisations.models import Organisation, Region
from procurement.web.filters import PlatformFilterSet


class OrganisationFilter(PlatformFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=OrganisationKind.choices)
    region = django_filters.ModelChoiceFilter(label=_("region"), queryset=Region.objects.all(), method="in_region")
    ownership = django_filters.ChoiceFilter(label=_("ownership"), choices=HospitalOwnership.choices)
    hospital_level = django_filters.ChoiceFilter(label=_("hospital level"), choices=HospitalLevel.choices)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region", "ownership", "hospital_level"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__iexact=value))

    def in_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)
