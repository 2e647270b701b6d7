from django.utils.translation import gettext_lazy as _

from procurement.web.navigation import MenuItem, bureau_or_admin, everyone, register_menu, signed_in
from vbp.services import can_bid


def _has_contracts(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.kind in ("hospital", "manufacturer", "bureau"))


register_menu(
    MenuItem(_("VBP"), "vbp:round-list", signed_in, order=35),
    MenuItem(_("My VBP bids"), "vbp:bids", can_bid, order=36),
    MenuItem(_("VBP contracts"), "vbp:contract-list", _has_contracts, order=37),
    MenuItem(_("VBP completion"), "vbp:completion", bureau_or_admin, order=52),
    MenuItem(_("VBP supply"), "vbp:supply", _has_contracts, order=53),
    MenuItem(_("VBP results"), "vbp-public:results", everyone, order=85),
)
