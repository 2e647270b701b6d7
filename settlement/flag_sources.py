"""Overdue payments (R-SET-5), offered to supervision through the core's flag registry (R-SUP-5)."""

from django.db.models import Count, Min, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.core.flags import HOSPITAL, Flagged, register_flag_source
from procurement.core.money import format_yuan
from settlement.choices import PayableState
from settlement.selectors import payables_for


@register_flag_source(
    "overdue_payments", label=gettext_lazy("Overdue payments"), rule="R-SET-5", subject=HOSPITAL, order=20
)
def overdue_payments(user, day):
    """R-SET-5: hospitals with unpaid payables past their due date on ``day``: how many, how much, since when."""
    rows = (
        payables_for(user, today=day, state=PayableState.OVERDUE)
        .order_by()
        .values("hospital_id")
        .annotate(count=Count("pk"), owed=Sum("balance"), oldest=Min("due_on"))
    )
    url = reverse("settlement:payables") + "?state=overdue"
    return [
        Flagged(
            row["hospital_id"],
            _("%(count)d payables overdue, %(owed)s owed, the oldest due on %(oldest)s")
            % {"count": row["count"], "owed": format_yuan(row["owed"]), "oldest": row["oldest"].isoformat()},
            {"count": row["count"], "owed": str(row["owed"]), "oldest_due_on": row["oldest"].isoformat()},
            url,
        )
        for row in rows
    ]
