"""What waits on the home page, from filed purchases: the month's batch for the provincial bureau; the
R-FIL-5 warning lines and R-FIL-4 filings not bought, for the hospital and its bureau."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filings import selectors, services
from filings.choices import FilingStatus, WarningPeriod
from procurement.core.money import format_yuan
from procurement.organisations.choices import OrganisationKind
from procurement.web.home import HomeItem, home_panel


@home_panel
def filing_items(user):
    if not (user.is_superuser or user.kind in (OrganisationKind.HOSPITAL, OrganisationKind.BUREAU)):
        return []
    items = []
    today = timezone.localdate()
    if services.can_confirm(user):
        pending = services.pending_filings(user).count()
        if pending:
            items.append(
                HomeItem(
                    _("Filings waiting for the monthly confirmation"),
                    count=pending,
                    url=reverse("filings:batch"),
                    tone="todo",
                )
            )
    if services.can_file(user):
        pending = selectors.filings_for(user).filter(status=FilingStatus.SUBMITTED).count()
        if pending:
            items.append(
                HomeItem(
                    _("Your filings awaiting the bureau's confirmation"),
                    count=pending,
                    url=reverse("filings:filing-list") + "?status=submitted",
                    tone="info",
                )
            )
    for warning in selectors.current_warnings_for(user, today)[:10]:
        label = (
            _("Filed amount over the monthly warning line")
            if warning.period == WarningPeriod.MONTH
            else _("Filed amount over the yearly warning line")
        )
        items.append(
            HomeItem(
                label,
                url=reverse("filings:warnings"),
                tone="urgent",
                detail=_("%(hospital)s: %(amount)s filed against a line of %(line)s (R-FIL-5)")
                % {
                    "hospital": warning.hospital.name,
                    "amount": format_yuan(warning.amount),
                    "line": format_yuan(warning.line),
                },
            )
        )
    flagged = selectors.flagged_for(user).filter(follow_up_flagged_on__gte=today.replace(day=1)).count()
    if flagged:
        items.append(
            HomeItem(
                _("Confirmed filings not bought in time (R-FIL-4)"),
                count=flagged,
                url=reverse("filings:filing-list") + "?flagged=on",
                tone="urgent",
            )
        )
    return items
