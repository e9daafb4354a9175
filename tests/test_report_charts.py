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


def test_rate_panels_draw_the_scoring_thresholds_and_label_bars_as_printed():
    """patterns/rules.yaml score_items: 固定资产利用率 scores ≥90 / 75 / 60, 编外人员控制率 <5 / ≤10. The
    nearest threshold below the data is brought into view; the labels are the reports' own text."""
    from pipeline.publish.html import ReportEntry, render_html
    from pipeline.schema import Indicator

    def rep(district, asset, staff):
        r = _report(district, "财政局", 2024)
        r.indicators = [Indicator(key=k, value=float(t), unit="%", raw_text=f"{t}%", decimals=len(t.split(".")[1]),
                                  page=1, bbox=(0, 0, 1, 1), quote="")
                        for k, t in (("fixed_asset_utilization_rate", asset), ("contract_staff_control_rate", staff))]
        return r

    html = render_html([ReportEntry(file=f"{d}.pdf", report=rep(d, a, s))
                        for d, a, s in (("甲区", "95.00", "3.5"), ("乙区", "97.50", "8.0"), ("丙区", "99.10", "12.0"))])
    charts = _charts(html)
    assets = charts["固定资产利用率"]
    lines = re.findall(r'<g class="target"><title>([^<]+)</title><line x1="([\d.]+)"[^>]*/><text[^>]*>([^<]+)</text>', assets)
    assert [label for _, _, label in lines] == ["90%"], lines  # 75% and 60% are far below the data
    assert "≥90% 得 1 分" in lines[0][0] and "≥75% 且 &lt;90% 得 0.7 分" in lines[0][0]  # escaped
    ends = [float(x) + float(w) for x, w in re.findall(r'<rect class="bar" x="([\d.]+)" y="\d+" width="([\d.]+)"', assets)]
    start = float(re.search(r'<line class="axis" x1="([\d.]+)"', assets).group(1))
    assert len(ends) == 3 and start < float(lines[0][1]) < min(ends), "the axis starts below 90%, every bar passes it"
    assert re.search(r">95\.00%</text>", assets) and re.search(r">99\.10%</text>", assets)  # as printed
    staff = charts["编外人员控制率"]
    assert re.findall(r'<g class="target"><title>[^<]+</title><line [^>]*/><text[^>]*>([^<]+)</text>', staff) == ["5%", "10%"]
    assert re.search(r">8\.0%</text>", staff)
    amounts = _charts(render_html([ReportEntry(file=f"{d}.pdf", report=_report(d, "财政局", 2024, three_public_budget=v))
                                   for d, v in (("甲区", 12.5), ("乙区", 40.0))]))
    assert 'class="target"' not in amounts["“三公”经费预算数"]  # no scoring rule, no line
