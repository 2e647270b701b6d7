"""The monthly report's chart (事后通报): per region, the filed and the approved amount side by side, drawn
in the browser by Apache ECharts (static/vendor/echarts, static/js/charts.js ``filing-report``) from a
``json_script`` block — no inline script, no CDN. The same figures are the report's table."""

from django.utils.translation import gettext as _

from filings.selectors import Report


def report_chart(report: Report) -> dict | None:
    """The chart's data for ``report``: region names, the amounts in yuan (text: money is never a float on
    the server; the chart reads them as numbers), the counts for the tooltip, and the words in the page's
    language. None when the month has nothing to chart."""
    rows = [row for row in report.rows if row.filed or row.approved or row.rejected]
    if not rows:
        return None
    return {
        "regions": [row.region.name if row.region else "—" for row in rows],
        "series": [
            {
                "key": "filed",
                "name": _("filed amount"),
                "colour": "#1565c0",
                "amounts": [str(row.filed_amount) for row in rows],
                "counts": [row.filed for row in rows],
            },
            {
                "key": "approved",
                "name": _("approved amount"),
                "colour": "#2e7d32",
                "amounts": [str(row.approved_amount) for row in rows],
                "counts": [row.approved for row in rows],
            },
        ],
        "y_name": _("yuan"),
        "count_label": _("filings"),
    }
