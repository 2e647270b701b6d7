from django.utils.translation import gettext_lazy as _

from procurement.core.policy import INTEGER, register_policy

register_policy(
    "NEAR_EXPIRY_MONTHS",
    rule="R-ORD-4",
    description=_("Months before its expiry within which a shipped batch is marked near-expiry."),
    kind=INTEGER,
    default=6,
    minimum=1,
    maximum=36,
)
