from django.utils.translation import gettext_lazy as _

from procurement.web.navigation import MenuItem, register_menu
from supervision.services import can_supervise

register_menu(
    MenuItem(_("Flags"), "supervision:flags", can_supervise, order=64, group="supervision"),
    MenuItem(_("Interview cases"), "supervision:case-list", can_supervise, order=65, group="supervision"),
)
