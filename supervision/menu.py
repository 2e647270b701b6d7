from django.utils.translation import gettext_lazy as _

from procurement.web.navigation import MenuItem, register_menu
from supervision.services import can_supervise


def _reads_supply(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.kind in ("bureau", "distributor"))


register_menu(
    MenuItem(_("Flags"), "supervision:flags", can_supervise, order=64, group="supervision"),
    MenuItem(_("Interview cases"), "supervision:case-list", can_supervise, order=65, group="supervision"),
    MenuItem(
        _("Abnormal prices and purchases"), "supervision:abnormal-list", can_supervise, order=66, group="supervision"
    ),
    MenuItem(_("Supply monitoring"), "supervision:supply", _reads_supply, order=67, group="supervision"),
)
