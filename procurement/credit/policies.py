from django.utils.translation import gettext_lazy as _

from procurement.core.policy import INTEGER, MAPPING, TEXT, register_policy
from procurement.credit.choices import Measure, Severity

register_policy(
    "BAD_RECORD_BAR_YEARS",
    rule="R-LIST-14",
    description=_("Years a company on the bad-record list may neither list nor sell anything (R-SUP-3)."),
    kind=INTEGER,
    default=2,
    minimum=1,
    maximum=10,
)

# -- credit grades (R-SUP-3; our choice, after the national 医药价格和招采信用评价 system) -------------------

register_policy(
    "CREDIT_GRADE_WINDOW_DAYS",
    rule="R-SUP-3",
    description=_("Days a credit event counts toward the company's grade after it occurred."),
    kind=INTEGER,
    default=365,
    minimum=1,
    maximum=3650,
)

_MEASURE_DEFAULTS = {
    Severity.GENERAL: Measure.REMINDER,
    Severity.MODERATE: Measure.INTERVIEW,
    Severity.SERIOUS: Measure.WARNING,
    Severity.ESPECIALLY_SERIOUS: Measure.SUSPENSION,
}
_MEASURE_DESCRIPTIONS = {
    Severity.GENERAL: _("The measure of the grade “general” (reminder, interview, warning or suspension)."),
    Severity.MODERATE: _("The measure of the grade “moderate” (reminder, interview, warning or suspension)."),
    Severity.SERIOUS: _("The measure of the grade “serious” (reminder, interview, warning or suspension)."),
    Severity.ESPECIALLY_SERIOUS: _(
        "The measure of the grade “especially serious” (reminder, interview, warning or suspension)."
    ),
}


def measure_policy_name(grade: str) -> str:
    return f"CREDIT_MEASURE_{grade.upper()}"


for _grade, _measure in _MEASURE_DEFAULTS.items():
    register_policy(
        measure_policy_name(_grade),
        rule="R-SUP-3",
        description=_MEASURE_DESCRIPTIONS[_grade],
        kind=TEXT,
        default=_measure.value,
        choices=tuple(Measure.values),
    )

register_policy(
    "CREDIT_REPAIR_DAYS",
    rule="R-SUP-3",
    description=_("Days after its rectification is accepted before a grade is repaired (信用修复), by grade."),
    kind=MAPPING,
    default={"general": 30, "moderate": 90, "serious": 180, "especially_serious": 365},
    keys=tuple(Severity.values),
    key_labels=tuple((severity.value, severity.label) for severity in Severity),
)

register_policy(
    "CREDIT_WARNING_NEW_DECLARATIONS",
    rule="R-SUP-3",
    description=_("Under a credit warning: new listing declarations a company may submit while the grade stands."),
    kind=INTEGER,
    default=1,
    minimum=0,
    maximum=1000,
)

register_policy(
    "CREDIT_WARNING_BIDS_PER_ROUND",
    rule="R-SUP-3",
    description=_("Under a credit warning: competition units a company may bid in within one VBP round."),
    kind=INTEGER,
    default=1,
    minimum=0,
    maximum=1000,
)
