from django.utils.translation import gettext_lazy as _

from filings.services import can_confirm, can_file
from procurement.web.navigation import MenuItem, bureau_or_admin, register_menu


def _sees_filings(user) -> bool:
    return can_file(user) or bureau_or_admin(user)


register_menu(
    MenuItem(_("Filed purchases"), "filings:filing-list", _sees_filings, order=35),
    MenuItem(_("Filing batch"), "filings:batch", can_confirm, order=36),
    MenuItem(_("Filing report"), "filings:report", bureau_or_admin, order=55),
)
