from django.utils.translation import gettext_lazy as _

from procurement.organisations.choices import OrganisationKind, Role
from procurement.web.navigation import MenuItem, register_menu


def _issues_his_keys(user) -> bool:
    return user.kind == OrganisationKind.HOSPITAL and user.has_role(Role.ORG_ADMIN)


register_menu(
    MenuItem(_("Organisations"), "organisations:organisation-list", order=87, group="system"),
    MenuItem(_("HIS API keys"), "organisations:token-list", _issues_his_keys, order=88, group="system"),
)
