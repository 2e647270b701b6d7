from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from procurement.core.policy import DECIMAL, register_policy

register_policy(
    "PRICE_RATIO_DOUBLING_FACTOR",
    rule="DOMAIN §2",
    description=_("Price-ratio rule (差比价): doubling a specification's content multiplies its price by this factor."),
    kind=DECIMAL,
    default=Decimal("1.7"),
    minimum=Decimal("1"),
    maximum=Decimal("2"),
)
