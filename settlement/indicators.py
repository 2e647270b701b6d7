"""What settlement tells supervision (R-SUP-1, R-SET-5): the on-time payment rate per hospital and month,
registered in the core's indicator registry (``procurement.core.indicators``).

By amount, as the bureau's director reads it: of the payables falling due in the month whose due date has
passed (or that are settled already), the amount of those settled on or before their due date over the
amount of them all (the count is on settlement's own rates page). The month is the due date's.
"""

from django.utils.translation import gettext_lazy as _

from procurement.core.indicators import Indicator, IndicatorPart, register_indicator, register_indicator_part
from procurement.web.drill import drill_url

ON_TIME_SQL = """
    SELECT hospital_id, date_trunc('month', due_on)::date AS month,
           coalesce(sum(amount) FILTER (WHERE settled_on <= due_on), 0) AS numerator, sum(amount) AS denominator
    FROM settlement_payable
    WHERE due_on >= %(since)s::date AND due_on < %(until)s::date AND (due_on < %(today)s::date OR settled_on IS NOT NULL)
    GROUP BY 1, 2
"""


def _payables(drill):
    return drill_url(
        "settlement:payables", hospital_id=drill.hospital_id, region_code=drill.region_code, month=drill.month
    )


register_indicator(
    Indicator(
        "on_time_payment",
        _("On-time payment rate"),
        "R-SET-5",
        numerator_label=_("paid by the due date (yuan)"),
        denominator_label=_("fallen due (yuan)"),
        order=40,
        description=_("Of the payables due in the month, the amount paid by its due date."),
    )
)
register_indicator_part(IndicatorPart("on_time_payment", "settlement", ON_TIME_SQL, _("payables"), drill=_payables))
