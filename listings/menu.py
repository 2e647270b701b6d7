from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from listings.services import can_declare, can_review
from procurement.web.navigation import MenuGroup, MenuItem, everyone, register_menu, register_menu_group


def _adjusts_prices(user) -> bool:
    return can_declare(user) or can_review(user)


register_menu_group(MenuGroup("listings", pgettext_lazy("menu", "Listing")))

register_menu(
    MenuItem(_("Inbox"), "listings:inbox", can_declare, order=10, group="listings"),
    MenuItem(_("Declarations"), "listings:declaration-list", can_declare, order=11, group="listings"),
    MenuItem(_("Our listings"), "listings:listing-list", can_declare, order=12, group="listings"),
    MenuItem(_("Price adjustment"), "listings:adjustments", _adjusts_prices, order=13, group="listings"),
    MenuItem(_("Review queue"), "listings:review", can_review, order=40, group="listings"),
    # The reviewers' list is the public one with every status and the details: one item for them.
    MenuItem(_("Listings"), "listings:listing-list", can_review, order=41, group="listings", meaning="listed-products"),
    MenuItem(_("Notices"), "listings:notices", can_review, order=42, group="listings"),
    MenuItem(_("Withdrawals"), "listings:withdrawals", can_review, order=43, group="listings"),
    MenuItem(_("Listed products"), "public:public-list", everyone, order=80, group="public", meaning="listed-products"),
)
