from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procurement.organisations.choices import OrganisationKind, Role
from procurement.web.navigation import (
    MenuGroup,
    MenuItem,
    bureau_or_admin,
    everyone,
    provincial_bureau_or_admin,
    register_menu,
    register_menu_group,
)

# The menus of the platform's own parts; each channel app names its own menu in its menu.py.
register_menu_group(
    MenuGroup("supervision", pgettext_lazy("menu", "Supervision")),
    MenuGroup("public", pgettext_lazy("menu", "Public information")),
    MenuGroup("system", pgettext_lazy("menu", "System")),
)


def uses_the_api(user) -> bool:
    """Who reads the API documentation: bureau staff, and hospital administrators, who issue the HIS keys."""
    if user.is_superuser or user.kind == OrganisationKind.BUREAU:
        return True
    return user.kind == OrganisationKind.HOSPITAL and user.has_role(Role.ORG_ADMIN)


register_menu(
    MenuItem(_("Home"), "home", order=0),
    MenuItem(_("API documentation"), "api:docs", uses_the_api, order=91, group="system"),
    MenuItem(_("Policy values"), "policies", bureau_or_admin, order=89, group="system"),
    MenuItem(_("Audit trail"), "audit-list", provincial_bureau_or_admin, order=90, group="system"),
    # R-SUP-7: the index of every public page and the open-data download (supervision's public pages).
    MenuItem(_("Public disclosure and open data"), "disclosure:index", everyone, order=86, group="public"),
)
