"""The indicators' trend chart (R-SUP-1): one line per indicator, month by month, drawn in the browser by
Apache ECharts (static/vendor/echarts, static/js/charts.js ``indicator-trend``) from a ``json_script``
block. Rates in percent, counts on a second axis; the figures are the table's."""

from django.utils.translation import gettext as _

from procurement.core.indicators import COUNT

COLOURS = ["#1565c0", "#6a1b9a", "#ef6c00", "#2e7d32", "#00838f", "#c62828", "#5d4037", "#ad1457"]


def trend_chart(trends) -> dict | None:
    """The chart's data: months, and per indicator its values (percent as text, or counts), its numerators
    and denominators for the tooltip; None when no month has a figure."""
    if not trends or not any(figure.present for trend in trends for figure in trend.figures):
        return None
    series = []
    for index, trend in enumerate(trends):
        is_count = trend.indicator.unit == COUNT
        series.append(
            {
                "key": trend.indicator.key,
                "name": str(trend.indicator.label),
                "colour": COLOURS[index % len(COLOURS)],
                "count": is_count,
                "values": [
                    None if figure.value is None else (str(figure.numerator) if is_count else str(figure.percent))
                    for figure in trend.figures
                ],
                "numerators": [str(figure.numerator) if figure.present else "" for figure in trend.figures],
                "denominators": [str(figure.denominator) if figure.present else "" for figure in trend.figures],
            }
        )
    return {
        "months": [f"{month:%Y-%m}" for month in trends[0].months],
        "series": series,
        "y_name": _("percent"),
        "count_name": _("count"),
    }
