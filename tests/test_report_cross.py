"""report.html across the reports of a batch (issue 17): the 跨报告核对 section lists every check
between two reports from the store, failures first (passes folded), and each department with
reports of two years or two types gets a timeline of its figures, disagreeing ones marked.

Data: our own four reports of one department (tests/data/cross, README there lists the planted
contradictions), rendered by the session fixture ``own_reports`` (conftest.py) and batched."""
from __future__ import annotations

import re

import pytest

from test_report_html import browser  # noqa: F401  (the headless Chromium fixture)


@pytest.fixture(scope="module")
def cross_html(own_reports, tmp_path_factory) -> str:
    from pipeline import batch
    from pipeline.publish.html import write_report

    out = tmp_path_factory.mktemp("cross_report") / "out"
    summary = batch(own_reports, out=out, jobs=1)
    assert summary.ok == 4
    return write_report(out).read_text(encoding="utf-8")


def _section(html: str, id: str) -> str:
    return re.search(rf'<section id="{id}">(.*?)</section>', html, re.S).group(1)


def _rows(table: str) -> list[dict]:
    """One dict per check of a cross table: status classes, indicator key, both files, both values."""
    return [{"status": status.strip(), "key": key, "files": re.findall(r'<a href="#r-\d+">([^<]+)</a>', body),
             "values": re.findall(r'<td class="n">([^<]*)</td>', body)}
            for status, key, body in re.findall(r'<tr class="([^"]*)" data-rule="[^"]*" data-key="([^"]*)">(.*?)</tr>',
                                                table, re.S)]


def test_cross_section_lists_the_planted_failures_first_and_folds_the_passes(cross_html):
    cross = _section(cross_html, "cross")
    fails = re.search(r'<table class="cross fails">.*?</table>', cross, re.S).group()
    failed = sorted((r["files"][0], r["key"], r["status"]) for r in _rows(fails))
    assert failed == [  # tests/data/cross/README.md, found by hand
        ("qinglan_2024_budget.pdf", "three_public_vehicle_budget", "fail error"),
        ("qinglan_2024_budget.pdf", "three_public_vehicle_purchase_budget", "fail error"),
        ("qinglan_2024_selfeval.pdf", "three_public_reception_actual", "fail error"),
    ], failed
    by_key = {r["key"]: r for r in _rows(fails)}
    # both files, and the figures as printed: 39.35 − 3.85 gives 35.50 for 2023, which printed 34.50
    assert by_key["three_public_vehicle_budget"]["files"] == ["qinglan_2024_budget.pdf", "qinglan_2023_budget.pdf"]
    assert by_key["three_public_vehicle_budget"]["values"] == ["35.50万元（推算）", "34.50万元"]
    assert by_key["three_public_reception_actual"]["values"] == ["1.26万元", "1.62万元"]
    assert "2024 年绩效自评报告 · 第 1 页" in fails and "2024 年部门决算 · 第 1 页" in fails
    # the passes, rounding traps included, folded under the failures
    passes = re.search(r'<details class="cross-passes"><summary>一致的核对（(\d+) 项）</summary>(.*?)</details>', cross, re.S)
    assert passes and cross.index("cross fails") < cross.index("cross-passes")
    passed = {(r["files"][0], r["key"], r["files"][1]) for r in _rows(passes.group(2))}
    assert int(passes.group(1)) == len(passed) >= 5
    assert ("qinglan_2024_budget.pdf", "three_public_budget", "qinglan_2023_budget.pdf") in passed  # 41.2 − 4.4
    assert ("qinglan_2024_selfeval.pdf", "three_public_actual", "qinglan_2024_final.pdf") in passed  # 38.6 vs 38.62
    assert "<b>3</b><span>处跨报告不一致" in cross_html and '<a href="#cross">跨报告核对</a>' in cross_html
    # each report's section links to its own failures: the 2024 budget has two, the 2023 budget two (the other side)
    reports = cross_html[cross_html.index('<section id="reports">'):]
    chips = dict(re.findall(r'data-file="([^"]+)">.*?<p class="chips">(.*?)</p>', reports, re.S))
    counts = {f: re.findall(r'<a class="chip err" href="#cross">跨报告不一致 (\d+)</a>', c) for f, c in chips.items()}
    assert counts == {"qinglan_2023_budget.pdf": ["2"], "qinglan_2024_budget.pdf": ["2"],
                      "qinglan_2024_final.pdf": ["1"], "qinglan_2024_selfeval.pdf": ["1"]}, counts


def test_department_timeline_by_year_and_type(cross_html):
    timeline = _section(cross_html, "timeline")
    assert "<h3 class=\"group\">青岚区 城市管理局</h3>" in timeline
    table = re.search(r'<table class="timeline">.*?</table>', timeline, re.S).group()
    header = re.findall(r"<th[^>]*>([^<]+)</th>", table)
    assert header == ["指标", "2023 年 部门预算", "2024 年 部门预算", "2024 年 部门决算", "2024 年 绩效自评报告"], header
    rows = {re.search(r'<td class="label">([^<]+)', tr).group(1): tr
            for tr in re.findall(r"<tr(?: class=\"marked\")?>(<td class=\"label\">.*?)</tr>", table, re.S)}
    cells = lambda label: re.findall(r'<td class="n( mark)?"(?: title="([^"]*)")?>([^<]*)</td>', rows[label])  # noqa: E731
    # 三公经费预算数 for 2023 and 2024, each as printed, the file in the cell's title
    three = cells("“三公”经费预算数")
    assert [t for _, _, t in three] == ["36.80", "41.2", "41.20", "—"]
    assert "qinglan_2023_budget.pdf 第 1 页" in three[0][1] and not any(m for m, _, _ in three)
    # a failed cross-report check marks the figures on both sides, with the reason in the title
    vehicle = cells("公务用车购置及运行维护费预算")
    assert [(bool(m), t) for m, _, t in vehicle][:2] == [(True, "34.50"), (True, "39.35")]
    assert "倒推2023年应为 35.50 万元" in vehicle[0][1]
    reception = cells("公务接待费决算")
    assert [(bool(m), t) for m, _, t in reception][2:] == [(True, "1.62"), (True, "1.26")]


def test_two_editions_of_one_report_that_disagree_are_marked():
    """Without a store (no cross-report checks): the timeline still comes from the reports, and two
    reports of one issuer, year and type mark a figure they print differently, not one that only
    differs in precision ("41.2" and "41.20")."""
    from pipeline.publish.html import ReportEntry, render_html
    from pipeline.schema import Indicator, Issuer, Report
    from test_report_html import _source

    def rep(name, year, **printed):
        inds = [Indicator(key=k, value=float(t), unit="万元", raw_text=f"{t}万元", decimals=len(t.split(".")[1]),
                          page=2, bbox=(0, 0, 1, 1), quote="") for k, t in printed.items()]
        return Report(source=_source(name), issuer=Issuer(district="青岚区", department="城市管理局"), year=year,
                      report_type="budget", indicators=inds)

    html = render_html([
        ReportEntry(file="a.pdf", report=rep("a", 2024, three_public_budget="41.2", three_public_reception_budget="1.85")),
        ReportEntry(file="b.pdf", report=rep("b", 2024, three_public_budget="41.20", three_public_reception_budget="1.58")),
        ReportEntry(file="c.pdf", report=rep("c", 2023, three_public_budget="36.80"))])
    assert 'id="cross"' not in html  # no store, no cross-report checks to list
    timeline = _section(html, "timeline")
    three = re.search(r"“三公”经费预算数.*?</tr>", timeline, re.S).group()
    reception = re.search(r"公务接待费预算.*?</tr>", timeline, re.S).group()
    assert "mark" not in three and ">41.2、41.20<" in three
    assert 'class="n mark"' in reception and "同一年度、同一类型的报告所写不一致" in reception


@pytest.mark.browser
def test_cross_tables_fit_a_printed_page(browser, cross_html, tmp_path):  # noqa: F811
    path = tmp_path / "report.html"
    path.write_text(cross_html, encoding="utf-8")
    browser.get(path.as_uri())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 700, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
    try:
        tables, overflowing = browser.execute_script(
            "const right = document.querySelector('main').getBoundingClientRect().right + 1;"
            "const t = Array.from(document.querySelectorAll('#cross table, #timeline table'));"
            "return [t.length, t.filter(x => x.getBoundingClientRect().right > right).map(x => x.className)];")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert tables >= 3 and overflowing == [], overflowing
