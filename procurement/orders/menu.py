from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procurement.orders.services import can_accept, can_deliver, can_designate, can_order
from procurement.web.navigation import (
    MenuGroup,
    MenuItem,
    everyone,
    provincial_bureau_or_admin,
    register_menu,
    register_menu_group,
)


def _buys_or_accepts(user) -> bool:
    return can_order(user) or can_accept(user)


def _has_orders(user) -> bool:
    return can_order(user) or can_accept(user) or can_deliver(user)


register_menu_group(MenuGroup("orders", pgettext_lazy("menu", "Purchasing")))

register_menu(
    MenuItem(_("Buy"), "orders:buy", can_order, order=20, group="orders"),
    MenuItem(_("Cart"), "orders:cart", can_order, order=21, group="orders"),
    MenuItem(_("Order lines"), "orders:line-list", can_deliver, order=22, group="orders"),
    MenuItem(_("To accept"), "orders:acceptance", can_accept, order=22, group="orders"),
    MenuItem(_("Orders"), "orders:order-list", _has_orders, order=23, group="orders"),
    MenuItem(_("Offline purchases"), "orders:offline", _buys_or_accepts, order=24, group="orders"),
    MenuItem(_("Distributors"), "orders:designations", can_designate, order=35, group="orders"),
    MenuItem(_("Batches"), "batches:batches", everyone, order=81, group="public"),
    MenuItem(_("Alliance prices"), "orders:alliance", provincial_bureau_or_admin, order=88, group="system"),
)
