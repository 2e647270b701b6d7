from django.utils.translation import gettext_lazy as _

from procurement.web.navigation import MenuItem, bureau_or_admin, provincial_bureau_or_admin, register_menu

register_menu(
    MenuItem(_("Home"), "home", order=0),
    MenuItem(_("Policy values"), "policies", bureau_or_admin, order=89),
    MenuItem(_("Audit trail"), "audit-list", provincial_bureau_or_admin, order=90),
)
