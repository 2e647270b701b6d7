from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from procurement.core.policy import DECIMAL, INTEGER, register_policy

register_policy(
    "NEGOTIATION_MAX_ROUNDS",
    rule="R-NEG-4",
    description=_("Counter-offers allowed in one negotiation."),
    kind=INTEGER,
    default=3,
    minimum=0,
    maximum=20,
)
register_policy(
    "AGREEMENT_MAX_MONTHS",
    rule="R-NEG-5",
    description=_("The longest validity of a purchase agreement, in months."),
    kind=INTEGER,
    default=24,
    minimum=1,
    maximum=60,
)
register_policy(
    "ZONE_RED_PERCENTILE",
    rule="R-NEG-6",
    description=_(
        "Red zone: an agreed unit price above this percentile of the peer hospitals' (or above the national lowest)."
    ),
    kind=DECIMAL,
    default=Decimal("0.75"),
    minimum=Decimal("0"),
    maximum=Decimal("1"),
)
register_policy(
    "ZONE_YELLOW_PERCENTILE",
    rule="R-NEG-6",
    description=_("Yellow zone: an agreed unit price above this percentile of the peer hospitals'."),
    kind=DECIMAL,
    default=Decimal("0.5"),
    minimum=Decimal("0"),
    maximum=Decimal("1"),
)
register_policy(
    "ZONE_MIN_PEERS",
    rule="R-NEG-6",
    description=_("A product with fewer peer hospitals than this is not zoned."),
    kind=INTEGER,
    default=3,
    minimum=1,
    maximum=100,
)
register_policy(
    "NON_NEGOTIATION_DAYS",
    rule="R-NEG-7",
    description=_(
        "Days of buying negotiable products at the listing price, with no negotiation asked, that raise a flag."
    ),
    kind=INTEGER,
    default=180,
    minimum=1,
    maximum=730,
)
register_policy(
    "RED_SHARE_FLAG",
    rule="R-NEG-7",
    description=_("A hospital whose share of red-zone agreements exceeds this is flagged."),
    kind=DECIMAL,
    default=Decimal("0.30"),
    minimum=Decimal("0"),
    maximum=Decimal("1"),
)
register_policy(
    "ABNORMAL_PURCHASE_FACTOR",
    rule="R-SUP-4",
    description=_(
        "Purchases of a product in 30 days above this many times the hospital's monthly average are abnormal."
    ),
    kind=DECIMAL,
    default=Decimal("3"),
    minimum=Decimal("1"),
)
register_policy(
    "ABNORMAL_PURCHASE_BASE_MONTHS",
    rule="R-SUP-4",
    description=_("Months of a hospital's purchases that make its monthly average for abnormal purchases."),
    kind=INTEGER,
    default=6,
    minimum=1,
    maximum=36,
)
