"""The working paper (审核底稿, issue #15 item 6): one A4 paper per report with its header, coverage,
problems (with pictures and review state) and a sign-off block; `govaudit report --per-report`
writes it as HTML and prints it to A4 PDF through headless Chromium. Also: report.html prints on A4."""
from __future__ import annotations

import base64
import re
import shutil

import pytest

from conftest import YANTIAN, report, run_cli, yantian_store
from test_report_html import CHROMIUM, browser  # noqa: F401  (the headless Chromium fixture)
from test_report_pages import open_yantian

A4 = (595.28, 841.89)  # points


def _hand_made():
    """The yantian report with problems, reviews and coverage set by hand (the grouping stage's
    output is not what is tested here)."""
    from pipeline.schema import Coverage, NotChecked, Problem, Review

    r = report(str(YANTIAN)).model_copy(deep=True)
    rules = [f.rule for f in r.findings]
    cross = rules.index("cross_mention.contract_staff_control_rate")
    ratio = rules.index("ratio.contract_staff_control_rate")
    r.problems = [Problem(id="p-contract", severity="error", findings=[cross, ratio],
                          review=Review(status="已核实", note="与单位核对：应为 29.03%", at="2026-11-28T10:00")),
                  Problem(id="p-sum", severity="error", findings=[rules.index("table_sum.表1-4.合计.原值")])]
    r.coverage = Coverage(checked=117, not_checked=[NotChecked(what="决算数（实际支出）合计", reason="报告未给出基本支出")])
    return r


def _page_sizes(pdf_bytes: bytes) -> list[tuple[float, float]]:
    import io

    import pdfplumber
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as doc:
        return [(float(p.width), float(p.height)) for p in doc.pages]


def _is_a4(size) -> bool:
    return abs(size[0] - A4[0]) < 1.5 and abs(size[1] - A4[1]) < 1.5


def test_paper_holds_header_coverage_problems_and_sign_off():
    from pipeline.publish.html import ReportEntry
    from pipeline.publish.paper import render_paper

    r = _hand_made()
    html = render_paper(ReportEntry(file="a/yantian_2023.pdf", report=r, pdf=YANTIAN), also_named=["b/copy.pdf"])
    text = re.sub(r"<[^>]+>", " ", html)
    for fact in ("盐田区", "政务服务数据管理局", "2023 年度", "绩效自评报告", "a/yantian_2023.pdf、b/copy.pdf",
                 r.source.sha256, "30 页"):
        assert fact in text, fact
    assert re.search(r"已完成核对\s*117\s*项；未能核对\s*1\s*项", text) and "报告未给出基本支出" in text
    # the contract problem holds two findings; a finding the hand-made list leaves out is a problem of its own
    n = len(r.findings) - 1
    assert f"发现的问题（{n}）" in text, "problems are counted, not findings"
    assert html.count('<article class="problem') == n and html.count('<section class="finding') == n
    first = html[html.index('id="p-contract"'):html.index('id="p-sum"')]
    assert "复核状态：已核实" in first and "与单位核对：应为 29.03%" in first
    assert "依据相同数值的其他检查" in first and "比率复算" in first  # the ratio finding, under the same problem
    assert first.count("data:image/png;base64,") >= 2  # the pictures of the pages it rests on
    assert "复核状态：待核" in html[html.index('id="p-sum"'):]
    assert all(who in text for who in ("编制人", "复核人", "审定人", "审核意见"))
    assert "@page { size: A4" in html
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "script-src 'none'" in policy and "'unsafe-inline'" not in policy and "<script" not in html


def test_paper_without_problems_or_coverage_says_so():
    from pipeline.publish.html import ReportEntry
    from pipeline.publish.paper import render_paper

    r = _hand_made().model_copy(update={"problems": [], "findings": [], "coverage": None})
    html = render_paper(ReportEntry(file="x.pdf", report=r))
    assert "未发现前后矛盾" in html and "未记录审核覆盖范围" in html


@pytest.mark.browser
def test_cli_per_report_writes_papers_printed_on_a4(tmp_path):
    import pdfplumber

    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip("no Chromium to print with")
    store, r = yantian_store(tmp_path, ("yantian_2023.pdf", "copy.pdf"), "gone")
    store.close()
    result = run_cli("report", str(tmp_path / "out"), "--per-report")
    assert result.returncode == 0, result.stderr
    papers = tmp_path / "out" / "审核底稿"
    assert sorted(p.name for p in papers.iterdir()) == ["copy.html", "copy.pdf"], "one paper per distinct report"
    assert str(papers / "copy.pdf") in result.stdout
    with pdfplumber.open(papers / "copy.pdf") as doc:
        sizes = [(float(p.width), float(p.height)) for p in doc.pages]
        text = "".join(p.extract_text() or "" for p in doc.pages)
        n_images = sum(len(p.images) for p in doc.pages)
    assert sizes and all(_is_a4(s) for s in sizes), sizes
    from pipeline.read.normalize import compact
    assert "审核底稿" in compact(text) and "编制人" in compact(text) and "yantian_2023.pdf" in text
    assert n_images >= len(r.findings), "page pictures missing from the printed paper"


@pytest.mark.browser
def test_report_html_prints_on_a4(browser, tmp_path):  # noqa: F811
    open_yantian(browser, tmp_path)
    printed = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    sizes = _page_sizes(base64.b64decode(printed["data"]))
    assert len(sizes) > 1 and all(_is_a4(s) for s in sizes), sizes[:3]


def test_report_html_shows_each_findings_review_state():
    from pipeline.publish.html import ReportEntry, render_html

    html = render_html([ReportEntry(file=YANTIAN.name, report=_hand_made())])
    problems = dict(re.findall(r'<article class="problem \w+" id="([^"]+)"[^>]*>(.*?)</article>', html, re.S))
    contract = problems["p-contract"]
    # one problem, its review shown once; both its checks listed in it, the ratio under the cross-mention
    assert contract.count("复核：已核实") == 1 and "与单位核对：应为 29.03%" in contract
    assert contract.index('data-rule="cross_mention.contract_staff_control_rate"') < \
        contract.index('<details class="related">') < contract.index('data-rule="ratio.contract_staff_control_rate"')
    sections = dict(re.findall(r'<section class="finding \w+" data-rule="([^"]+)">(.*?)</section>', html, re.S))
    assert "复核：待核" in sections["table_sum.表1-4.合计.原值"]
    assert "复核：" not in sections["table_sum.表1-4.合计.其中:在用"]  # in no problem of this hand-made list
