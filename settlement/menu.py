from django.utils.translation import gettext_lazy as _

from procurement.organisations.choices import OrganisationKind
from procurement.web.navigation import MenuItem, bureau_or_admin, everyone, register_menu
from settlement.services import can_confirm_receipt, can_pay_as_hospital


def _hospital_finance(user) -> bool:
    return can_pay_as_hospital(user)


def _distributor(user) -> bool:
    return user.is_authenticated and user.kind == OrganisationKind.DISTRIBUTOR


register_menu(
    MenuItem(_("Payables"), "settlement:payables", _hospital_finance, order=40),
    MenuItem(
        _("Receipts"), "settlement:receipts", lambda user: can_confirm_receipt(user) or _distributor(user), order=41
    ),
    MenuItem(_("On-time payment"), "settlement:rates", bureau_or_admin, order=55),
    MenuItem(_("Savings and budgets"), "settlement:budgets", bureau_or_admin, order=56),
    MenuItem(_("Payment standards"), "standards:list", everyone, order=85, group="public"),
)
