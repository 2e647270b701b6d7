from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from negotiation.services import can_answer_for_manufacturer, can_negotiate_for_hospital
from procurement.web.navigation import MenuGroup, MenuItem, bureau_or_admin, register_menu, register_menu_group


def _negotiates(user) -> bool:
    return can_negotiate_for_hospital(user) or can_answer_for_manufacturer(user)


def _sees_negotiations(user) -> bool:
    return _negotiates(user) or bureau_or_admin(user)


register_menu_group(MenuGroup("negotiation", pgettext_lazy("menu", "Negotiation")))

register_menu(
    MenuItem(_("Negotiations"), "negotiation:thread-list", _sees_negotiations, order=30, group="negotiation"),
    MenuItem(_("Agreements"), "negotiation:agreement-list", _negotiates, order=31, group="negotiation"),
    MenuItem(_("Price alerts"), "negotiation:alerts", bureau_or_admin, order=50, group="supervision"),
)
