from django.utils.translation import gettext_lazy as _

from listings.services import can_declare, can_review
from procurement.web.navigation import MenuItem, everyone, register_menu


def _adjusts_prices(user) -> bool:
    return can_declare(user) or can_review(user)


register_menu(
    MenuItem(_("Inbox"), "listings:inbox", can_declare, order=10),
    MenuItem(_("Declarations"), "listings:declaration-list", can_declare, order=11),
    MenuItem(_("Our listings"), "listings:listing-list", can_declare, order=12),
    MenuItem(_("Price adjustment"), "listings:adjustments", _adjusts_prices, order=13),
    MenuItem(_("Review queue"), "listings:review", can_review, order=40),
    MenuItem(_("Listings"), "listings:listing-list", can_review, order=41),
    MenuItem(_("Notices"), "listings:notices", can_review, order=42),
    MenuItem(_("Withdrawals"), "listings:withdrawals", can_review, order=43),
    MenuItem(_("Listed products"), "public:public-list", everyone, order=80),
)
