"""Reads of the organisations: the public directory, and the rest through ``visible_to``.

The directory of names is public (who takes part, of what kind, where): a hospital finds a
manufacturer, a manufacturer a distributor. Whatever shows a party's data — its contacts, accounts,
prices, zones, flags — is read through ``visible_to(user, Organisation)``: a city or county bureau
sees the institutions of its region (R-SUP-2), a party itself.
"""

from django.db.models import Q, QuerySet

from procurement.organisations.choices import OrganisationKind, RegionLevel
from procurement.organisations.models import Organisation

COMPANIES = (OrganisationKind.MANUFACTURER, OrganisationKind.DISTRIBUTOR)


def directory(user) -> QuerySet[Organisation]:
    """The organisations a user finds in the directory: every one, except that a city or county
    bureau lists the institutions and bureaus of its own region (and every company, which serves the
    whole province) — its list is the one it supervises."""
    organisations = Organisation.objects.select_related("region")
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    if (
        organisation is not None
        and not user.is_superuser
        and organisation.kind == OrganisationKind.BUREAU
        and organisation.region.level != RegionLevel.PROVINCE
    ):
        return organisations.filter(Q(region__path__startswith=organisation.region.path) | Q(kind__in=COMPANIES))
    return organisations
