"""Charts that compare (issue #15, item 8): a rate axis zoomed to the data, one panel per year,
and no outlier marks on raw amounts (they only reflect a department's size)."""
from __future__ import annotations

import re

from test_report_html import _report


def _charts(html: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in
            re.finditer(r'<figure class="chartbox"><figcaption>([^<]+)</figcaption>.*?</figure>', html, re.S)}


def _bar_widths(chart: str) -> dict[str, float]:
    return {name: float(w) for name, w in
            re.findall(r"<title>([^：]+)：.*?</title>.*?<rect class=\"bar[^\"]*\" x=\"[\d.]+\" y=\"\d+\" width=\"([\d.]+)\"",
                       chart, re.S)}


def test_rate_axis_is_zoomed_and_years_are_panels():
    from pipeline.publish.html import ReportEntry, render_html

    values = {("甲区", 2023): 94.0, ("乙区", 2023): 99.9, ("丙区", 2023): 97.0, ("丁区", 2022): 96.0, ("戊区", 2022): 98.0}
    html = render_html([ReportEntry(file=f"{d}{y}.pdf", report=_report(d, "财政局", y, budget_execution_rate=v))
                        for (d, y), v in values.items()])
    chart = _charts(html)["预算执行率"]
    panels = re.findall(r'<div class="panel-year">([^<]+)</div><svg.*?</svg>', chart, re.S)
    assert panels == ["2023 年", "2022 年"], panels
    svgs = re.findall(r"<svg.*?</svg>", chart, re.S)
    assert svgs[0].count("<rect") == 3 and svgs[1].count("<rect") == 2
    assert "中位数 97%" in svgs[0] and "中位数 97%" in svgs[1]  # each year's own median
    widths = _bar_widths(svgs[0])
    # from zero, 94% would be 94% of 99.9%'s bar; zoomed, well under half of it
    assert widths["甲区 2023 财政局"] < 0.5 * widths["乙区 2023 财政局"], widths
    assert re.search(r"轴起点 \d+%", svgs[0]), "a zoomed axis says where it starts"


def test_amounts_start_at_zero_and_mark_no_outliers():
    from pipeline.publish.html import ReportEntry, render_html

    sizes = {"甲区": 12.5, "乙区": 13.0, "丙区": 12.8, "丁区": 400.0}
    html = render_html([ReportEntry(file=f"{d}.pdf", report=_report(d, "财政局", 2024, three_public_budget=v))
                        for d, v in sizes.items()])
    chart = _charts(html)["“三公”经费预算数"]
    assert "bar out" not in chart and "▲" not in chart and "轴起点" not in chart
    assert 'class="n out"' not in html and "异常值 " not in html.split('id="indicators"')[1].split("</section>")[0]
    widths = _bar_widths(chart)
    assert abs(widths["甲区 2024 财政局"] / widths["丁区 2024 财政局"] - 12.5 / 400) < 0.01  # true to scale


def test_no_chart_ranks_reports_of_different_years():
    from pipeline.publish.html import ReportEntry, render_html

    html = render_html([ReportEntry(file="a.pdf", report=_report("甲区", "财政局", 2019, budget_execution_rate=99.5)),
                        ReportEntry(file="b.pdf", report=_report("乙区", "财政局", 2023, budget_execution_rate=96.0))])
    assert "<figure" not in html, "two reports of two years: nothing to compare in a chart"
    assert 'data-v="99.5"' in html and 'data-v="96.0"' in html  # the table still lists both
