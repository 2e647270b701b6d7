"""What waits on the bureau's home page from supervision: overdue interview cases (R-SUP-5)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.web.home import HomeItem, home_panel
from supervision import selectors, services


@home_panel
def supervision_items(user):
    if not services.can_supervise(user):
        return []
    today = timezone.localdate()
    overdue = selectors.cases_for(user, today).filter(selectors.overdue_q(today)).count()
    if not overdue:
        return []
    return [
        HomeItem(
            _("Interview cases past their rectification deadline"),
            count=overdue,
            url=reverse("supervision:case-list") + "?overdue=true",
            tone="urgent",
        )
    ]
