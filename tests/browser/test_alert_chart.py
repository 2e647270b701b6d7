"""Issue 12: the price-alert page draws the red, yellow and blue shares over time with Apache ECharts, served
from the platform's static files, across the card's width, under the Content-Security-Policy — in Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from negotiation.models import HospitalZoneDay
from tests.browser.menus import go_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_zone_shares_chart_is_drawn_with_labelled_axes_across_the_card(world, session):
    # given: thirty nights of zoning at two hospitals
    today = timezone.localdate()
    for offset in range(30):
        for hospital, red in ((world.hospital, offset % 4), (world.other_hospital, 1)):
            HospitalZoneDay.objects.create(
                hospital=hospital, day=today - timedelta(days=offset), agreements=5, red=red, yellow=1, blue=2
            )
    _context, page = session("provincial_supervisor")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    # when
    go_to(page, "价格预警")
    # then: a canvas, drawn when the script ran, as wide as the card that holds it
    chart = page.locator("[data-testid=zone-share-chart]")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart.locator("canvas")).to_have_count(1)
    card = page.locator("section.card", has=chart)
    padding = card.evaluate(
        "e => parseFloat(getComputedStyle(e).paddingLeft) + parseFloat(getComputedStyle(e).paddingRight)"
    )
    assert abs(chart.bounding_box()["width"] - (card.bounding_box()["width"] - padding - 2)) < 3
    # the chart's axes, units and series, as ECharts holds them
    option = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.querySelector('[data-testid=zone-share-chart]'));
          const option = chart.getOption();
          return {x: option.xAxis[0].name, y: option.yAxis[0].name, days: option.xAxis[0].data.length,
                  max: option.yAxis[0].max, series: option.series.map(s => s.name), unit: option.yAxis[0].axisLabel.formatter};
        }"""
    )
    assert option == {
        "x": "分区日期",
        "y": "占已分区协议的比例（%）",
        "days": 30,
        "max": 100,
        "series": ["红色", "黄色", "蓝色"],
        "unit": "{value} %",
    }
    # served from the platform itself, never from a CDN
    assert any(url.endswith("/static/vendor/echarts/echarts.common.min.js") for url in requested)
    assert all(url.startswith(page.url.split("/negotiation")[0]) for url in requested)
    # and the chart follows the card when the window narrows
    page.set_viewport_size({"width": 900, "height": 800})
    page.wait_for_function(
        """() => {
          const box = document.querySelector('[data-testid=zone-share-chart]');
          return box.clientWidth < 880 && Math.abs(box.querySelector('canvas').clientWidth - box.clientWidth) < 2;
        }"""
    )
    # the figures behind it, as a table
    page.get_by_text("数据表").click()
    expect(page.locator("[data-testid=zone-share-figures] tbody tr")).to_have_count(30)
