"""Indicators beyond their lines (R-SUP-1), offered to the core's flag registry (R-SUP-5): a hospital whose
figures of the last month (the one before ``day``'s) are red is flagged, with each figure and its line, so that
the bureau can open an interview case from it — one per hospital and month (the month is the flag's detail)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.core.flags import HOSPITAL, Flagged, register_flag_source
from supervision import indicator_selectors


@register_flag_source(
    "indicators_red", label=gettext_lazy("Indicators beyond their lines"), rule="R-SUP-1", subject=HOSPITAL, order=5
)
def indicators_red(user, day):
    """R-SUP-1: hospitals of the user's region with last month's figures beyond the lines the bureau set."""
    if not indicator_selectors.sees_supervision(user):
        return []
    month = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
    region = indicator_selectors.region_of(user)
    if region is None:
        return []
    found = []
    for row in indicator_selectors.hospital_table(user, month, region):
        red = row.red
        if not red:
            continue
        found.append(
            Flagged(
                row.hospital_id,
                _("%(month)s: %(figures)s")
                % {
                    "month": f"{month:%Y-%m}",
                    "figures": "; ".join(
                        f"{figure.indicator.label} {figure.shown} ({figure.threshold_shown})" for figure in red
                    ),
                },
                {figure.indicator.key: figure.shown for figure in red},
                reverse("supervision:hospital", args=[row.hospital_id]) + f"?month={month:%Y-%m}",
                f"{month:%Y-%m}",
            )
        )
    return found
