"""The navigation bar: a registry of menu items, filled by each app's ``menu.py``.

An app registers its pages with ``register_menu(MenuItem(...), …)``: a label, the URL name, who
sees the item (a predicate of the user: usually the app's own ``can_<verb>``), its place in the
bar (``order``: the order of a role's work, public pages after it) and the menu it belongs to
(``group``: a channel or a part of the platform, registered with ``register_menu_group``). The
bar is one row: the ungrouped items (首页), then one drop-down menu per group, in the order of the
first item the user sees in it; a group with a single item for the user is that item's link.

Two items may mean the same thing to a user (the bureau's 挂网产品 and the public 挂网药品: the
same products, the bureau's page showing more): they share a ``meaning``, and the user sees only
the first one they may see. Each URL is shown once. Pages re-check who may use them on their own:
an item shown is a convenience, not a permission.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.signals import setting_changed
from django.urls import get_script_prefix, reverse

Visibility = Callable[[object], bool]


def everyone(user) -> bool:
    return True


def signed_in(user) -> bool:
    return user.is_authenticated


def bureau_or_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.kind == "bureau")


def provincial_bureau_or_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.is_provincial_bureau)


@lru_cache(maxsize=512)
def _reversed(url_name: str, script_prefix: str) -> str:
    """A menu item's URL: the same for every request under one script prefix (the URLs carry no language
    prefix), so reversed once (the bar's reverses took 1 ms of each page, bench/search.py)."""
    return reverse(url_name)


def _forget_urls(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


setting_changed.connect(_forget_urls)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    visible: Visibility = signed_in
    order: int = 50
    group: str = ""  # the key of a MenuGroup; "" is a link of its own in the bar (首页)
    meaning: str = ""  # items of the same meaning are shown once, the first a user may see

    @property
    def url(self) -> str:
        return _reversed(self.url_name, get_script_prefix())

    @property
    def same_as(self) -> str:
        return self.meaning or self.url_name


@dataclass(frozen=True)
class MenuGroup:
    """A drop-down menu of the bar: a channel (挂网, 议价, …) or a part of the platform (信息公开)."""

    key: str
    label: str


@dataclass
class Menu:
    """What the bar shows a user: a link (``item``) or a drop-down (``group`` with its ``items``)."""

    label: str
    items: list[MenuItem] = field(default_factory=list)
    group: MenuGroup | None = None

    @property
    def item(self) -> MenuItem:
        return self.items[0]

    @property
    def is_dropdown(self) -> bool:
        return len(self.items) > 1

    def is_current(self, path: str) -> bool:
        return any(item.url == path for item in self.items)


_items: list[MenuItem] = []
_groups: dict[str, MenuGroup] = {}


def register_menu(*items: MenuItem) -> None:
    """Add an app's pages to the navigation bar (called from the app's ``menu.py`` at start-up)."""
    for item in items:
        if item not in _items:
            _items.append(item)


def unregister_menu(*items: MenuItem) -> None:
    for item in items:
        if item in _items:
            _items.remove(item)


def register_menu_group(*groups: MenuGroup) -> None:
    """Name a drop-down menu of the bar (a channel app names its own in its ``menu.py``)."""
    for group in groups:
        _groups[group.key] = group


def navigation_for(user) -> list[MenuItem]:
    """The pages of the user's role, in the order of their work; the public ones for visitors.

    Each URL once, and each meaning once, at the first place the user may see it."""
    shown, seen = [], set()
    for item in sorted(_items, key=lambda item: item.order):
        if item.url_name in seen or item.same_as in seen or not _visible(item, user):
            continue
        seen.update((item.url_name, item.same_as))
        shown.append(item)
    return shown


def menus_for(user) -> list[Menu]:
    """The bar of the user: ``navigation_for``'s items, gathered into their groups' menus, each menu
    where the user's first item of it comes."""
    menus: list[Menu] = []
    by_group: dict[str, Menu] = {}
    for item in navigation_for(user):
        if not item.group:
            menus.append(Menu(item.label, [item]))
            continue
        menu = by_group.get(item.group)
        if menu is None:
            group = _groups.get(item.group) or MenuGroup(item.group, item.group)
            menu = by_group[item.group] = Menu(group.label, [], group)
            menus.append(menu)
        menu.items.append(item)
    return menus


def _visible(item: MenuItem, user) -> bool:
    if not user.is_authenticated:
        return item.visible is everyone
    return item.visible(user)
