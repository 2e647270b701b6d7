from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from procurement.core.policy import DECIMAL, INTEGER, register_policy

register_policy(
    "FILING_FOLLOW_UP_DAYS",
    rule="R-FIL-4",
    description=_("Days after its confirmation within which a filing must be bought, or it is flagged (凡备案必采购)."),
    kind=INTEGER,
    default=60,
    minimum=1,
    maximum=365,
)
register_policy(
    "FILING_WARNING_LINE_MONTH",
    rule="R-FIL-5",
    description=_("A hospital's filed amount in one month (yuan) above which it and its bureau are alerted."),
    kind=DECIMAL,
    default=Decimal("200000"),
    minimum=Decimal("0"),
)
register_policy(
    "FILING_WARNING_LINE_YEAR",
    rule="R-FIL-5",
    description=_("A hospital's filed amount in one year (yuan) above which it and its bureau are alerted."),
    kind=DECIMAL,
    default=Decimal("1000000"),
    minimum=Decimal("0"),
)
register_policy(
    "FILING_MAX_MONTHS",
    rule="R-FIL-3",
    description=_("The longest period a filing may cover, in months from its confirmation."),
    kind=INTEGER,
    default=12,
    minimum=1,
    maximum=36,
)
