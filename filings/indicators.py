"""What filed purchases tell supervision (R-SUP-1): a confirmed filing not bought in time (R-FIL-4, 凡备案必采购)
is one of the hospital's violations, counted in the month it was flagged."""

from django.utils.translation import gettext_lazy as _

from procurement.core.indicators import IndicatorPart, register_indicator_part
from procurement.web.drill import drill_url

NOT_BOUGHT_SQL = """
    SELECT hospital_id, date_trunc('month', follow_up_flagged_on)::date AS month, count(*) AS numerator,
           0 AS denominator
    FROM filings_filing
    WHERE follow_up_flagged_on >= %(since)s::date AND follow_up_flagged_on < %(until)s::date
    GROUP BY 1, 2
"""


def _flagged(drill):
    return drill_url(
        "filings:filing-list",
        hospital_id=drill.hospital_id,
        region_code=drill.region_code,
        month=drill.month,
        flagged="on",
    )


register_indicator_part(
    IndicatorPart("violations", "filings", NOT_BOUGHT_SQL, _("filings not bought in time"), drill=_flagged)
)
