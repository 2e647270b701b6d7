"""Policy values of supervision (R-SUP-1): when a month's figures freeze, and where a figure turns red."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from procurement.core.policy import DECIMAL, INTEGER, register_policy

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
