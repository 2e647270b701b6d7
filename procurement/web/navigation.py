"""The navigation bar: which pages each kind of user has (the pages re-check on their own)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procurement.catalogue.services import can_import_national_prices
from procurement.organisations.choices import OrganisationKind, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def navigation_for(user) -> list[NavItem]:
    items = [
        NavItem(_("Home"), "home"),
        NavItem(_("Catalogue"), "catalogue:product-list"),
        NavItem(_("National prices"), "catalogue:national-price-list"),
    ]
    if not user.is_authenticated:
        return items[1:]
    if can_import_national_prices(user):
        items.append(NavItem(_("Feed imports"), "catalogue:import-list"))
    if user.is_superuser or user.kind == OrganisationKind.BUREAU:
        items.append(NavItem(_("Working days"), "workdays:calendar"))
    items.append(NavItem(_("Organisations"), "organisations:organisation-list"))
    if user.kind == OrganisationKind.HOSPITAL and user.has_role(Role.ORG_ADMIN):
        items.append(NavItem(_("HIS API keys"), "organisations:token-list"))
    if user.is_superuser or user.is_provincial_bureau:
        items.append(NavItem(_("Audit trail"), "audit-list"))
    return items
