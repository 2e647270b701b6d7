from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procurement.organisations.choices import OrganisationKind
from procurement.web.navigation import (
    MenuGroup,
    MenuItem,
    bureau_or_admin,
    everyone,
    register_menu,
    register_menu_group,
)
from settlement.services import can_confirm_receipt, can_pay_as_hospital


def _hospital_finance(user) -> bool:
    return can_pay_as_hospital(user)


def _distributor(user) -> bool:
    return user.is_authenticated and user.kind == OrganisationKind.DISTRIBUTOR


# Settlement's pages in one menu (issue 12: the bar stays one row, one menu per channel).
register_menu_group(MenuGroup("settlement", pgettext_lazy("menu", "Settlement")))

register_menu(
    MenuItem(_("Payables"), "settlement:payables", _hospital_finance, order=40, group="settlement"),
    MenuItem(
        _("Receipts"),
        "settlement:receipts",
        lambda user: can_confirm_receipt(user) or _distributor(user),
        order=41,
        group="settlement",
    ),
    MenuItem(_("On-time payment"), "settlement:rates", bureau_or_admin, order=55, group="settlement"),
    MenuItem(_("Savings and budgets"), "settlement:budgets", bureau_or_admin, order=56, group="settlement"),
    MenuItem(_("Payment standards"), "standards:list", everyone, order=85, group="public"),
)
