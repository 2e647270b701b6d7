"""What waits on the home page, from settlement: payables overdue and due soon, receipts to confirm."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.web.home import HomeItem, home_panel
from settlement import selectors, services
from settlement.choices import PayableState


@home_panel
def settlement_items(user):
    items = []
    if services.can_pay_as_hospital(user):
        today = timezone.localdate()
        overdue = selectors.payables_for(user, today=today, state=PayableState.OVERDUE).count()
        if overdue:
            items.append(
                HomeItem(
                    _("Payables overdue"),
                    count=overdue,
                    url=reverse("settlement:payables") + "?state=overdue",
                    tone="urgent",
                )
            )
        soon = selectors.payables_for(user, today=today, state=PayableState.DUE_SOON).count()
        if soon:
            items.append(
                HomeItem(
                    _("Payables due within a week"),
                    count=soon,
                    url=reverse("settlement:payables") + "?state=due_soon",
                    tone="todo",
                )
            )
    if services.can_confirm_receipt(user):
        waiting = selectors.receipts_to_confirm(user).count()
        if waiting:
            items.append(
                HomeItem(_("Payments to confirm"), count=waiting, url=reverse("settlement:receipts"), tone="todo")
            )
    return items
