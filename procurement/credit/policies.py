from django.utils.translation import gettext_lazy as _

from procurement.core.policy import INTEGER, register_policy

register_policy(
    "BAD_RECORD_BAR_YEARS",
    rule="R-LIST-14",
    description=_("Years a company on the bad-record list may neither list nor sell anything (R-SUP-3)."),
    kind=INTEGER,
    default=2,
    minimum=1,
    maximum=10,
)
