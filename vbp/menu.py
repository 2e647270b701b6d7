from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procurement.web.navigation import (
    MenuGroup,
    MenuItem,
    bureau_or_admin,
    everyone,
    register_menu,
    register_menu_group,
    signed_in,
)
from vbp.services import can_bid


def _has_contracts(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.kind in ("hospital", "manufacturer", "bureau"))


register_menu_group(MenuGroup("vbp", pgettext_lazy("menu", "Volume-based procurement")))

register_menu(
    MenuItem(_("VBP rounds"), "vbp:round-list", signed_in, order=40, group="vbp"),
    MenuItem(_("My VBP bids"), "vbp:bids", can_bid, order=41, group="vbp"),
    MenuItem(_("VBP contracts"), "vbp:contract-list", _has_contracts, order=42, group="vbp"),
    MenuItem(_("VBP completion"), "vbp:completion", bureau_or_admin, order=43, group="vbp"),
    MenuItem(_("VBP supply"), "vbp:supply", _has_contracts, order=44, group="vbp"),
    MenuItem(_("VBP results"), "vbp-public:results", everyone, order=84, group="public"),
)
