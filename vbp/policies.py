"""Policy values of volume-based procurement (DOMAIN.md §6): the defaults DOMAIN.md gives, as settings."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from procurement.core.policy import DECIMAL, INTEGER, MAPPING, register_policy


def _percentages(value) -> None:
    if any(share > 100 for share in value.values()):
        raise ValidationError(_("A ratio is a percentage from 0 to 100."))


register_policy(
    "VBP_AGREED_RATIOS",
    rule="R-VBP-2",
    description=_("Agreed volume as a percentage of the base, by the number of winners (002 §(六))."),
    kind=MAPPING,
    default={"1": 50, "2": 60, "3": 70, "4": 80},
    keys=("1", "2", "3", "4"),
    key_labels=(("1", _("1 winner:")), ("2", _("2 winners:")), ("3", _("3 winners:")), ("4", _("4 or more:"))),
    check=_percentages,
)
register_policy(
    "VBP_CONFIRM_WORKING_DAYS",
    rule="R-VBP-3",
    description=_("Working days a hospital has to confirm its share of the agreed volume."),
    kind=INTEGER,
    default=5,
    minimum=1,
    maximum=60,
)
register_policy(
    "VBP_BEHIND_PACE_SHARE",
    rule="R-VBP-5",
    description=_("A contract is behind pace when its completion is below this share of the volume expected by now."),
    kind=DECIMAL,
    default=Decimal("0.8"),
    minimum=Decimal("0"),
    maximum=Decimal("1"),
)
register_policy(
    "VBP_WIN_RATIO",
    rule="R-VBP-8",
    description=_("A valid bid wins if its unit price is at most this many times the lowest valid unit price."),
    kind=DECIMAL,
    default=Decimal("1.8"),
    minimum=Decimal("1"),
    maximum=Decimal("10"),
)
register_policy(
    "VBP_WIN_DISCOUNT",
    rule="R-VBP-8",
    description=_("… or if it is at least this share below the maximum valid unit price."),
    kind=DECIMAL,
    default=Decimal("0.5"),
    minimum=Decimal("0"),
    maximum=Decimal("1"),
)
WINNER_CAP_KEYS = tuple(str(count) for count in range(1, 11))
register_policy(
    "VBP_WINNER_CAPS",
    rule="R-VBP-8",
    description=_("The most winners of a unit, by the number of valid bidders (10: ten or more)."),
    kind=MAPPING,
    default={"1": 1, "2": 2, "3": 2, "4": 3, "5": 4, "6": 4, "7": 5, "8": 5, "9": 5, "10": 6},
    keys=WINNER_CAP_KEYS,
    key_labels=tuple((key, f"{key if key != '10' else '≥10'} →") for key in WINNER_CAP_KEYS),
)
register_policy(
    "VBP_STOCK_DAYS",
    rule="R-VBP-11",
    description=_("A winner's stock under this many days of its contracts' demand raises a shortage warning."),
    kind=INTEGER,
    default=30,
    minimum=1,
    maximum=365,
)
