"""The filing warning line (R-FIL-5), offered to supervision through the core's flag registry (R-SUP-5)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filings.selectors import current_warnings_for
from procurement.core.flags import HOSPITAL, Flagged, register_flag_source
from procurement.core.money import format_yuan


@register_flag_source(
    "filing_warning_line", label=gettext_lazy("Filing warning line crossed"), rule="R-FIL-5", subject=HOSPITAL, order=40
)
def filing_warning_line(user, day):
    """R-FIL-5: hospitals whose filed amount this month or this year crossed their warning line."""
    url = reverse("filings:warnings")
    return [
        Flagged(
            warning.hospital_id,
            _("Filed %(amount)s in the %(period)s from %(start)s, above the warning line of %(line)s")
            % {
                "amount": format_yuan(warning.amount),
                "period": warning.get_period_display(),
                "start": warning.period_start.isoformat(),
                "line": format_yuan(warning.line),
            },
            {
                "period": warning.period,
                "period_start": warning.period_start.isoformat(),
                "amount": str(warning.amount),
                "line": str(warning.line),
            },
            url,
            detail=f"{warning.period}:{warning.period_start.isoformat()}",
        )
        for warning in current_warnings_for(user, day)
    ]
