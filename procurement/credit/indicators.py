"""Violation counts (R-SUP-1: 违规次数 — volume reporting, price …): the indicator several channels feed, each
with the failings of a hospital it knows (VBP: volumes not confirmed by their deadline; filings: filings not
bought in time; orders: purchases outside the platform above the listed price). Declared here, in the core that keeps the platform's records of failings; the channels
register its parts (``procurement.core.indicators``)."""

from django.utils.translation import gettext_lazy as _

from procurement.core.indicators import COUNT, LOWER, Indicator, register_indicator

register_indicator(
    Indicator(
        "violations",
        _("Violations"),
        "R-SUP-1",
        numerator_label=_("violations recorded in the month"),
        unit=COUNT,
        better=LOWER,
        order=80,
        description=_(
            "Failings of the institution recorded in the month: VBP volumes not confirmed by their deadline, "
            "confirmed filings not bought in time, purchases outside the platform above the listed price."
        ),
    )
)
