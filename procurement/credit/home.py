"""What waits on a company's home page from its credit record: its grade and the measure in force — the
written reminder (书面提醒) of R-SUP-3 is this notice — with a link to its credit page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from procurement.credit.grades import standing_on
from procurement.credit.services import COMPANY_KINDS
from procurement.web.home import HomeItem, home_panel


@home_panel
def credit_items(user):
    if not user.is_authenticated or user.kind not in COMPANY_KINDS:
        return []
    standing = standing_on(user.organisation_id, timezone.localdate())
    if standing.grade is None:
        return []
    return [
        HomeItem(
            _("Your credit grade is “%(grade)s” (since %(since)s): %(measure)s")
            % {"grade": standing.grade_label, "since": standing.since.isoformat(), "measure": standing.measure_label},
            url=reverse("credit:company", args=[user.organisation_id]),
            tone="urgent" if standing.warned else "todo",
        )
    ]
