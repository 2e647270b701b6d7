from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filings.services import can_confirm, can_file
from procurement.web.navigation import MenuGroup, MenuItem, bureau_or_admin, register_menu, register_menu_group


def _sees_filings(user) -> bool:
    return can_file(user) or bureau_or_admin(user)


register_menu_group(MenuGroup("filings", pgettext_lazy("menu", "Filed purchasing")))

register_menu(
    MenuItem(_("Filed purchases"), "filings:filing-list", _sees_filings, order=35, group="filings"),
    MenuItem(_("Filing batch"), "filings:batch", can_confirm, order=36, group="filings"),
    MenuItem(_("Filing report"), "filings:report", bureau_or_admin, order=55, group="filings"),
)
