from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from procurement.core.policy import DECIMAL, INTEGER, register_policy

register_policy(
    "RECTIFICATION_WORKING_DAYS",
    rule="R-SUP-5",
    description=_("Working days a flagged hospital or company has to rectify after its interview."),
    kind=INTEGER,
    default=20,
    minimum=1,
    maximum=250,
)

# -- abnormal prices and purchases (R-SUP-4; our choice) ---------------------------------------------------

register_policy(
    "ABNORMAL_RISE_SHARE",
    rule="R-SUP-4",
    description=_("A listing price rise larger than this share (0.30 = 30 %) in the window is abnormal."),
    kind=DECIMAL,
    default=Decimal("0.30"),
    minimum=Decimal("0"),
    maximum=Decimal("100"),
)
register_policy(
    "ABNORMAL_RISE_COUNT",
    rule="R-SUP-4",
    description=_("This many listing price rises or more in the window are abnormal."),
    kind=INTEGER,
    default=3,
    minimum=1,
    maximum=100,
)
register_policy(
    "ABNORMAL_RISE_WINDOW_DAYS",
    rule="R-SUP-4",
    description=_("Days over which listing price rises are counted and added up."),
    kind=INTEGER,
    default=90,
    minimum=1,
    maximum=3650,
)
register_policy(
    "REGIONAL_GAP_RATIO",
    rule="R-SUP-4",
    description=_("A listing price more than this times the lowest other province's price is a large regional gap."),
    kind=DECIMAL,
    default=Decimal("1.30"),
    minimum=Decimal("1"),
    maximum=Decimal("100"),
)
register_policy(
    "PURCHASE_SPIKE_FACTOR",
    rule="R-SUP-4",
    description=_("A hospital's month of a product above this times its own monthly average before is a spike."),
    kind=DECIMAL,
    default=Decimal("3"),
    minimum=Decimal("1"),
    maximum=Decimal("1000"),
)
register_policy(
    "PURCHASE_SPIKE_BASE_MONTHS",
    rule="R-SUP-4",
    description=_("Months before whose average a hospital's purchases of a product are compared with."),
    kind=INTEGER,
    default=6,
    minimum=1,
    maximum=36,
)
register_policy(
    "PURCHASE_SPIKE_MIN_PACKS",
    rule="R-SUP-4",
    description=_("A month of fewer packs than this is never a spike (small numbers jump)."),
    kind=INTEGER,
    default=100,
    minimum=0,
    maximum=10_000_000,
)

register_policy(
    "SUPPLY_DELIVERY_HOURS",
    rule="R-SUP-6",
    description=_("Hours from the order within which delivered packs count as delivered in time (配送到位率)."),
    kind=INTEGER,
    default=48,
    minimum=1,
    maximum=24 * 30,
)

# R-SUP-1: the indicators (supervision.indicator_jobs, supervision.indicator_selectors).
register_policy(
    "INDICATOR_FREEZE_DAYS",
    rule="R-SUP-1",
    description=_(
        "Days after a month's end during which the nightly job still recomputes its indicators (late payments, "
        "late reports); then the month is frozen and never rewritten."
    ),
    kind=INTEGER,
    default=10,
    minimum=0,
    maximum=60,
)

# Where a figure needs attention (red on the cockpit and the tables): a rate below a floor (a good-when-high
# indicator) or above a ceiling (a good-when-low one), a count above a ceiling. Our choice of defaults.
THRESHOLDS = {
    "online_rate": (
        "INDICATOR_ONLINE_RATE_FLOOR",
        Decimal("0.95"),
        _("Online purchase rate: a month below this share is red and needs attention."),
    ),
    "offline_share": (
        "INDICATOR_OFFLINE_SHARE_CEILING",
        Decimal("0.05"),
        _("Offline purchase share: a month above this share is red and needs attention."),
    ),
    "drug_cost_growth": (
        "INDICATOR_COST_GROWTH_CEILING",
        Decimal("0.10"),
        _("Drug cost growth: a month above this growth is red and needs attention."),
    ),
    "on_time_payment": (
        "INDICATOR_ON_TIME_FLOOR",
        Decimal("0.90"),
        _("On-time payment rate: a month below this share is red and needs attention."),
    ),
    "vbp_completion": (
        "INDICATOR_VBP_COMPLETION_FLOOR",
        Decimal("0.80"),
        _("VBP completion rate: a month below this share of its pace is red and needs attention."),
    ),
    "non_winning_share": (
        "INDICATOR_NON_WINNING_CEILING",
        Decimal("0.30"),
        _("Non-winning product share: a month above this share is red and needs attention."),
    ),
    "similar_efficacy": (
        "INDICATOR_SIMILAR_EFFICACY_CEILING",
        Decimal("0.30"),
        _("Similar-efficacy other generics: a month above this share is red and needs attention."),
    ),
    "violations": (
        "INDICATOR_VIOLATIONS_CEILING",
        Decimal("0"),
        _("Violations: a month with more than this many is red and needs attention."),
    ),
}

for _key, (_name, _default, _description) in THRESHOLDS.items():
    register_policy(
        _name, rule="R-SUP-1", description=_description, kind=DECIMAL, default=_default, minimum=Decimal("0")
    )
