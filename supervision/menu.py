from django.utils.translation import gettext_lazy as _

from procurement.web.navigation import MenuItem, bureau_or_admin, register_menu
from supervision.services import can_supervise


def _reads_supply(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.kind in ("bureau", "distributor"))


# The menu group "supervision" (综合监管) is the core's (procurement/web/menu.py): credit records are in it too.
register_menu(
    MenuItem(_("Supervision cockpit"), "supervision:cockpit", bureau_or_admin, order=5, group="supervision"),
    MenuItem(_("Indicators by region"), "supervision:by-region", bureau_or_admin, order=6, group="supervision"),
    MenuItem(_("Indicators by hospital"), "supervision:by-hospital", bureau_or_admin, order=7, group="supervision"),
    MenuItem(_("Monthly supervision report"), "supervision:report", bureau_or_admin, order=8, group="supervision"),
    MenuItem(_("Flags"), "supervision:flags", can_supervise, order=64, group="supervision"),
    MenuItem(_("Interview cases"), "supervision:case-list", can_supervise, order=65, group="supervision"),
    MenuItem(
        _("Abnormal prices and purchases"), "supervision:abnormal-list", can_supervise, order=66, group="supervision"
    ),
    MenuItem(_("Supply monitoring"), "supervision:supply", _reads_supply, order=67, group="supervision"),
)
