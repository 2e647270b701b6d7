from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from procurement.core.policy import DECIMAL, INTEGER, TEXT, register_policy
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

# R-SET-8: the convergence of non-winners towards the VBP standard (our choice of defaults after the national
# practice: far above = twice the standard or more, three equal yearly steps; nearer, two).
register_policy(
    "PAYMENT_STANDARD_FAR_ABOVE",
    rule="R-SET-8",
    description=_(
        "A non-winning originator, reference or evaluated generic priced at this many times the VBP standard or "
        "more is “far above” it and converges over the far-above number of years."
    ),
    kind=DECIMAL,
    default=Decimal("2"),
    minimum=Decimal("1"),
    maximum=Decimal("100"),
)
register_policy(
    "PAYMENT_STANDARD_YEARS_FAR",
    rule="R-SET-8",
    description=_("Years (2 or 3) in which a non-winner far above the VBP standard converges to it in equal steps."),
    kind=INTEGER,
    default=3,
    minimum=2,
    maximum=3,
)
register_policy(
    "PAYMENT_STANDARD_YEARS_NEAR",
    rule="R-SET-8",
    description=_(
        "Years (0 to 3) in which a non-winner above the VBP standard but not far above it converges (0: the VBP "
        "standard at once)."
    ),
    kind=INTEGER,
    default=2,
    minimum=0,
    maximum=3,
)
register_policy(
    "PAYMENT_STANDARD_OF_SEVERAL_WINNERS",
    rule="R-SET-8",
    description=_(
        "When a generic name has several winners at different prices: the standard is the highest winning unit "
        "price (highest: a patient pays nothing above it for any winner) or the lowest."
    ),
    kind=TEXT,
    default="highest",
    choices=("highest", "lowest"),
)

# R-SET-6, R-SET-7 (our choice: the documents name the outcome, not the figures).
register_policy(
    "SAVINGS_ON_TIME_RATE",
    rule="R-SET-6",
    description=_(
        "The share of the year's payables (by amount) a hospital must have paid by their due date to retain its "
        "VBP savings (1 = all); it must also owe no overdue payment."
    ),
    kind=DECIMAL,
    default=Decimal("1"),
    minimum=Decimal("0"),
    maximum=Decimal("1"),
)
register_policy(
    "BUDGET_DEDUCTION_SHORTFALL_RATE",
    rule="R-SET-7",
    description=_(
        "Proposed deduction from next year's budget of a hospital that missed its agreed VBP volume: this share of "
        "the shortfall's value (the units not bought × the contract's unit price)."
    ),
    kind=DECIMAL,
    default=Decimal("0.5"),
    minimum=Decimal("0"),
    maximum=Decimal("1"),
)
register_policy(
    "BUDGET_DEDUCTION_OVERDUE_RATE",
    rule="R-SET-7",
    description=_(
        "Proposed deduction from next year's budget of a hospital that owes overdue payments: this share of the "
        "overdue amount still unpaid."
    ),
    kind=DECIMAL,
    default=Decimal("0.1"),
    minimum=Decimal("0"),
    maximum=Decimal("1"),
)
