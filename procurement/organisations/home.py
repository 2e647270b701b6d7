"""What waits on the home page, from the organisation side."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from procurement.core.scoping import visible_to
from procurement.organisations.choices import OrganisationKind, RegionLevel, Role
from procurement.organisations.models import ApiToken, HospitalGroup, Organisation
from procurement.web.home import HomeItem, home_panel


@home_panel
def organisation_items(user):
    kind = user.kind
    items = []
    if kind == OrganisationKind.HOSPITAL:
        if user.has_role(Role.ORG_ADMIN):
            active = visible_to(user, ApiToken).filter(hospital=user.organisation, revoked_at__isnull=True).count()
            items.append(
                HomeItem(
                    _("Active HIS API keys"),
                    count=active,
                    url=reverse("organisations:token-list"),
                    tone="info" if active else "todo",
                    detail="" if active else _("Issue a key so that your HIS can order over the API."),
                )
            )
        for group in visible_to(user, HospitalGroup).filter(is_active=True):
            items.append(HomeItem(_("Member of %(group)s") % {"group": group.name}, tone="info"))
    elif kind == OrganisationKind.BUREAU and user.organisation.region.level != RegionLevel.PROVINCE:
        region = user.organisation.region
        counts = dict(
            Organisation.objects.filter(kind=OrganisationKind.HOSPITAL, region__path__startswith=region.path)
            .values_list("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        )
        url = reverse("organisations:organisation-list") + f"?kind=hospital&region={region.pk}"
        items.append(
            HomeItem(
                _("Medical institutions you supervise in %(region)s") % {"region": region.name},
                count=counts.get(OrganisationKind.HOSPITAL, 0),
                url=url,
                tone="info",
            )
        )
    return items
