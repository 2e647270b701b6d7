"""The navigation bar: a registry of menu items, filled by each app's ``menu.py``.

An app registers its pages with ``register_menu(MenuItem(...), …)``: a label, the URL name, who
sees the item (a predicate of the user: usually the app's own ``can_<verb>``), and its place in
the bar (``order``: the order of a role's work, public pages after it). The bar shows each URL
once, at the first place a user may see it. Pages re-check who may use them on their own: an item
shown is a convenience, not a permission.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

Visibility = Callable[[object], bool]


def everyone(user) -> bool:
    return True


def signed_in(user) -> bool:
    return user.is_authenticated


def bureau_or_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.kind == "bureau")


def provincial_bureau_or_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.is_provincial_bureau)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    visible: Visibility = signed_in
    order: int = 50

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: list[MenuItem] = []


def register_menu(*items: MenuItem) -> None:
    """Add an app's pages to the navigation bar (called from the app's ``menu.py`` at start-up)."""
    for item in items:
        if item not in _items:
            _items.append(item)


def unregister_menu(*items: MenuItem) -> None:
    for item in items:
        if item in _items:
            _items.remove(item)


def navigation_for(user) -> list[MenuItem]:
    """The pages of the user's role, in the order of their work; the public ones for visitors."""
    shown, seen = [], set()
    for item in sorted(_items, key=lambda item: item.order):
        if item.url_name in seen or not _visible(item, user):
            continue
        seen.add(item.url_name)
        shown.append(item)
    return shown


def _visible(item: MenuItem, user) -> bool:
    if not user.is_authenticated:
        return item.visible is everyone
    return item.visible(user)
