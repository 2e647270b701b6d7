from django.utils.translation import gettext_lazy as _

from procurement.credit.services import can_record_credit
from procurement.web.navigation import MenuItem, bureau_or_admin, everyone, register_menu


def _reads_credit_events(user) -> bool:
    return bureau_or_admin(user) or user.kind in ("manufacturer", "distributor")


register_menu(
    MenuItem(_("Credit records"), "credit:event-list", _reads_credit_events, order=60, group="supervision"),
    # The bureau's list (with its actions) and the published one name the same companies: one item.
    MenuItem(
        _("Bad-record list"),
        "credit:bad-records",
        can_record_credit,
        order=61,
        group="supervision",
        meaning="bad-records",
    ),
    MenuItem(_("Delistings"), "credit:delistings", can_record_credit, order=62, group="supervision"),
    MenuItem(
        _("Published bad records"),
        "credit-public:bad-record-list",
        everyone,
        order=84,
        group="public",
        meaning="bad-records",
    ),
)

register_menu(
    MenuItem(_("Credit grades"), "credit:grades", bureau_or_admin, order=63, group="supervision"),
)
