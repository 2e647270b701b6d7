from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from procurement.core.policy import DECIMAL, TEXT, register_policy
from settlement.choices import PrepaymentPolicy

register_policy(
    "VBP_PREPAYMENT_POLICY",
    rule="R-SET-3",
    description=_(
        "How the fund prepays VBP contracts: national (the hospital, ≥ 30 % of its annual agreed amount, offset "
        "from its monthly claims) or ningxia (the distributor, 50 % in month 1 and the rest by month 7; the "
        "hospital returns 10 %, 20 %, 30 %, 40 % in months 3, 6, 9, 12)."
    ),
    kind=TEXT,
    default=PrepaymentPolicy.NATIONAL.value,
    choices=tuple(PrepaymentPolicy.values),
)
register_policy(
    "VBP_PREPAYMENT_RATE",
    rule="R-SET-3",
    description=_("National policy: the share of a hospital's annual agreed amount the fund prepays (at least 30 %)."),
    kind=DECIMAL,
    default=Decimal("0.30"),
    minimum=Decimal("0.30"),
    maximum=Decimal("1"),
)
