import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procurement.credit.choices import CreditEventKind, Severity
from procurement.credit.models import CreditEvent
from procurement.organisations.choices import OrganisationKind
from procurement.web.filters import PlatformFilterSet, own_party


class CreditEventFilter(PlatformFilterSet):
    # a company reads its own record only
    party_filters = {"company": own_party("organisation", OrganisationKind.MANUFACTURER, OrganisationKind.DISTRIBUTOR)}

    company = django_filters.CharFilter(label=_("company"), field_name="organisation__name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("failing"), choices=CreditEventKind.choices)
    severity = django_filters.ChoiceFilter(label=_("severity"), choices=Severity.choices)
    since = django_filters.DateFilter(
        label=pgettext_lazy("period", "from"), field_name="occurred_on", lookup_expr="gte"
    )

    class Meta:
        model = CreditEvent
        fields = ["company", "kind", "severity", "since"]
