/* The platform's charts, drawn by Apache ECharts (static/vendor/echarts, loaded before this file).

   A page asks for a chart with an element
     <div data-chart="zone-shares" data-chart-data="ID"></div>
   and the chart's data in  {{ data|json_script:"ID" }}  — no inline script: the Content-Security-Policy
   forbids it. The chart takes its card's width and follows it when the window changes. The tooltip is
   drawn on the canvas (renderMode "richText"): ECharts' HTML tooltip writes style attributes, which the
   CSP refuses. */
"use strict";

(function () {
  var builders = {
    /* 事后通报 (R-FIL-5's report): per region, the filed and the approved amount of the month. */
    "filing-report": function (data) {
      var yuan = function (value) {
        return "¥" + Number(value).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      };
      return {
        animation: false,
        color: data.series.map(function (series) { return series.colour; }),
        legend: { top: 0, data: data.series.map(function (series) { return series.name; }) },
        grid: { left: 88, right: 24, top: 44, bottom: 40 },
        tooltip: {
          trigger: "axis",
          axisPointer: { type: "shadow" },
          renderMode: "richText",
          formatter: function (points) {
            var index = points[0].dataIndex;
            var lines = [data.regions[index]];
            data.series.forEach(function (series) {
              lines.push(series.name + "  " + yuan(series.amounts[index]) + "  (" + series.counts[index] + " " + data.count_label + ")");
            });
            return lines.join("\n");
          }
        },
        xAxis: { type: "category", data: data.regions, axisLabel: { interval: 0, hideOverlap: true } },
        yAxis: { type: "value", name: data.y_name, axisLabel: { formatter: function (value) { return value.toLocaleString("zh-CN"); } } },
        series: data.series.map(function (series) {
          return { name: series.name, type: "bar", barMaxWidth: 36, data: series.amounts.map(Number) };
        })
      };
    },
    /* R-SUP-1: the indicators month by month — rates in percent (left axis), counts on the right. */
    "indicator-trend": function (data) {
      var hasCount = data.series.some(function (series) { return series.count; });
      return {
        animation: false,
        color: data.series.map(function (series) { return series.colour; }),
        legend: { top: 0, type: "scroll", data: data.series.map(function (series) { return series.name; }) },
        grid: { left: 64, right: hasCount ? 56 : 24, top: 48, bottom: 40 },
        tooltip: {
          trigger: "axis",
          renderMode: "richText",
          formatter: function (points) {
            var index = points[0].dataIndex;
            var lines = [data.months[index]];
            data.series.forEach(function (series) {
              var value = series.values[index];
              if (value === null || value === undefined) { return; }
              lines.push(series.name + "  " + (series.count ? value : value + " %") +
                (series.count ? "" : "  (" + series.numerators[index] + " / " + series.denominators[index] + ")"));
            });
            return lines.join("\n");
          }
        },
        xAxis: { type: "category", data: data.months, boundaryGap: false },
        yAxis: [
          { type: "value", name: data.y_name, axisLabel: { formatter: "{value} %" } },
          { type: "value", name: data.count_name, show: hasCount, minInterval: 1, splitLine: { show: false } }
        ],
        series: data.series.map(function (series) {
          return {
            name: series.name,
            type: "line",
            yAxisIndex: series.count ? 1 : 0,
            data: series.values.map(function (value) { return value === null ? null : Number(value); }),
            connectNulls: false,
            symbol: "circle",
            symbolSize: 5
          };
        })
      };
    },
    /* R-NEG-6: the share of the zoned agreements in red, yellow and blue, night by night. */
    "zone-shares": function (data) {
      var percent = function (value) {
        return value === null || value === undefined ? "—" : value.toFixed(1) + " %";
      };
      return {
        animation: false,
        color: data.series.map(function (series) { return series.colour; }),
        legend: { top: 0, data: data.series.map(function (series) { return series.name; }) },
        grid: { left: 72, right: 32, top: 44, bottom: 64 },
        tooltip: {
          trigger: "axis",
          renderMode: "richText",
          formatter: function (points) {
            var index = points[0].dataIndex;
            var lines = [data.days[index] + "  " + data.zoned_label + " " + data.zoned[index]];
            data.series.forEach(function (series) {
              lines.push(series.name + "  " + percent(series.shares[index]) + "  (" + series.counts[index] + " " + data.count_label + ")");
            });
            return lines.join("\n");
          }
        },
        xAxis: {
          type: "category",
          data: data.days,
          boundaryGap: false,
          name: data.x_name,
          nameLocation: "middle",
          nameGap: 40,
          axisLabel: { hideOverlap: true, formatter: function (day) { return day.slice(5); } }
        },
        yAxis: {
          type: "value",
          min: 0,
          max: 100,
          interval: 20,
          name: data.y_name,
          nameLocation: "middle",
          nameGap: 50,
          axisLabel: { formatter: "{value} %" }
        },
        series: data.series.map(function (series) {
          return {
            name: series.name,
            type: "line",
            data: series.shares,
            connectNulls: false,
            symbol: "circle",
            symbolSize: 5,
            lineStyle: { width: 2 }
          };
        })
      };
    }
  };

  function draw(element) {
    var builder = builders[element.dataset.chart];
    var source = document.getElementById(element.dataset.chartData);
    if (!builder || !source || !window.echarts) {
      return;
    }
    var locale = (document.documentElement.lang || "").indexOf("zh") === 0 ? "ZH" : "EN";
    var chart = window.echarts.init(element, null, { renderer: "canvas", locale: locale });
    chart.setOption(builder(JSON.parse(source.textContent)));
    element.dataset.chartReady = "true";
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(element);
    }
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
})();
