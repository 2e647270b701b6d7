"""What waits on the home page, from the listing channel."""

from django.urls import reverse
from django.utils.translation import gettext as _

from listings import services
from listings.selectors import bureau_counts, manufacturer_inbox
from procurement.web.home import HomeItem, home_panel

URGENT_WORKING_DAYS = 5


@home_panel
def listing_items(user):
    items = []
    if services.can_declare(user):
        inbox = manufacturer_inbox(user)
        inbox_url = reverse("listings:inbox")
        overdue = [row for row in inbox.notices if row.notice.status == "overdue"]
        soon = [
            row for row in inbox.notices if row.notice.status == "open" and row.working_days_left <= URGENT_WORKING_DAYS
        ]
        if overdue:
            items.append(
                HomeItem(
                    _("Listings suspended for want of a compliant price"),
                    count=len(overdue),
                    url=inbox_url,
                    tone="urgent",
                )
            )
        if inbox.notices:
            nearest = min(
                (row for row in inbox.notices if row.notice.status == "open"),
                key=lambda row: row.working_days_left,
                default=None,
            )
            detail = (
                _("the nearest deadline is in %(days)d working days") % {"days": nearest.working_days_left}
                if nearest
                else ""
            )
            items.append(
                HomeItem(
                    _("Price-linkage notices to answer"),
                    count=len(inbox.notices),
                    url=inbox_url,
                    tone="urgent" if soon else "todo",
                    detail=detail,
                )
            )
        if inbox.returned:
            items.append(
                HomeItem(
                    _("Declarations returned for correction"), count=len(inbox.returned), url=inbox_url, tone="todo"
                )
            )
        if inbox.proposals:
            items.append(
                HomeItem(
                    _("Annual adjustment proposals to answer"), count=len(inbox.proposals), url=inbox_url, tone="todo"
                )
            )
    if services.can_review(user):
        counts = bureau_counts(user)
        if counts["waiting"]:
            items.append(
                HomeItem(
                    _("Declarations waiting for review"),
                    count=counts["waiting"],
                    url=reverse("listings:review"),
                    tone="todo",
                    detail=_("%(n)d flagged") % {"n": counts["flagged"]} if counts["flagged"] else "",
                )
            )
        if counts["withdrawals"]:
            items.append(
                HomeItem(
                    _("Withdrawal requests to decide"),
                    count=counts["withdrawals"],
                    url=reverse("listings:withdrawals"),
                    tone="todo",
                )
            )
        if counts["appeals"]:
            items.append(
                HomeItem(
                    _("Adjustment appeals to decide"),
                    count=counts["appeals"],
                    url=reverse("listings:adjustments"),
                    tone="todo",
                )
            )
        if counts["overdue_notices"]:
            items.append(
                HomeItem(
                    _("Listings suspended by the price linkage"),
                    count=counts["overdue_notices"],
                    url=reverse("listings:notices") + "?status=overdue",
                    tone="info",
                )
            )
    return items
