"""The home page: what waits for this user, gathered from every app's ``home.py``.

An app registers a function with ``@home_panel``; it receives the user and returns
``HomeItem``s (or nothing). The home page shows the items of every panel, most urgent first.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from procurement.organisations.models import User


@dataclass(frozen=True)
class HomeItem:
    label: str
    count: int | None = None
    url: str | None = None
    # "urgent" (something to do, late), "todo" (something to do), "info"
    tone: str = "todo"
    detail: str = ""

    @property
    def rank(self) -> int:
        return {"urgent": 0, "todo": 1, "info": 2}.get(self.tone, 3)


_panels: list[Callable[[User], Iterable[HomeItem] | None]] = []


def home_panel(func: Callable[[User], Iterable[HomeItem] | None]):
    _panels.append(func)
    return func


def home_items(user: User) -> list[HomeItem]:
    items: list[HomeItem] = []
    for panel in _panels:
        items.extend(panel(user) or ())
    return sorted(items, key=lambda item: item.rank)
