"""The HTML audit report (issue #6): page pictures, overview, charts, and the samples' batch
opened in headless Chromium (skipped, with the reason, when no browser is installed)."""
from __future__ import annotations

import base64
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pytest

from conftest import LONGHUA, REAL_FILES, SAMPLES, YANTIAN, report, require, run_cli, yantian_store

# Debian's packages (chromium, chromium-driver; .ci/run installs them); elsewhere point these at yours
CHROMIUM = Path(os.environ.get("GOVAUDIT_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("GOVAUDIT_CHROMEDRIVER", "/usr/bin/chromedriver"))
CHROME_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
               "--window-size=1366,900"]
CONTRACT_RULE = "contract_staff_control_rate"


# ----------------------------------------------------------------------------- helpers

def _source(path: Path, pages: int = 1):
    import hashlib

    from pipeline.document import Source
    return Source(path=str(path), sha256=hashlib.sha256(str(path).encode()).hexdigest(), pages=pages)


def _report(district: str, department: str, year: int, **rates):
    from pipeline.schema import Indicator, Issuer, Report

    inds = [Indicator(key=k, value=v, unit="%", raw_text=f"{v}%", decimals=2, page=1, bbox=(0, 0, 1, 1), quote="")
            for k, v in rates.items()]
    return Report(source=_source(Path(f"{district}.pdf")), issuer=Issuer(district=district, department=department),
                  year=year, report_type="performance_self_evaluation", indicators=inds)


def _png_pixels(data: bytes):
    from PIL import Image
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return Image.open(io.BytesIO(data)).convert("RGB")


def _count_colour(image, rgb) -> int:
    return dict((c, n) for n, c in image.getcolors(1 << 24)).get(tuple(rgb), 0)


def _data_uri_png(src: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix), src[:40]
    return base64.b64decode(src[len(prefix):])


def _external_refs(html: str) -> list[str]:
    pattern = r"""(?:\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*|url\(\s*["']?\s*|@import\s+["']?)(?:https?:)?//[^\s"')>]*"""
    return re.findall(pattern, html, flags=re.I)


def _real_finding_report():
    """A real report (extract only) with one hand-made finding on two of its real numbers."""
    from pipeline.api import extract
    from pipeline.schema import CheckResult, Evidence, Finding

    path = require(REAL_FILES["shehuigongzuobu"])
    r = extract(path)
    a, b = next((x, y) for x in r.indicators for y in r.indicators if x.page != y.page and x.source == "text")
    ev = [Evidence(page=i.page, bbox=i.bbox, quote=i.quote, label=i.key, value_text=i.raw_text) for i in (a, b)]
    r.findings = [Finding(rule="cross_mention.x", severity="warning", message="一处歧义", evidence=ev[:1]),
                  Finding(rule=f"cross_mention.{a.key}", severity="error", message="两处数值不一致",
                          stated=a.value, recomputed=b.value, interval=(b.value - 0.005, b.value + 0.005), evidence=ev)]
    r.checks = [CheckResult(rule="ratio.y", kind="ratio", outcome="pass", message="复算一致"),
                CheckResult(rule="ratio.z", kind="ratio", outcome="insufficient_data", message="缺少分母")]
    return path, r, (a, b)


# ----------------------------------------------------------------------------- without a browser

def test_pagecrop_boxes_the_number_in_colour():
    from pipeline.api import extract
    from pipeline.publish.pagecrop import PageCropper, color
    from pipeline.schema import Evidence

    path = require(REAL_FILES["shehuigongzuobu"])
    ind = next(i for i in extract(path).indicators if i.source == "text")
    with PageCropper(path) as pc:
        (crop,) = pc.crops([Evidence(page=ind.page, bbox=ind.bbox, quote=ind.quote, value_text=ind.raw_text)])
    image = _png_pixels(crop.png)
    assert image.size == (crop.width, crop.height)
    assert _count_colour(image, color(0)) > 50
    assert crop.alt == f"第{ind.page}页：{ind.raw_text}"


def test_contract_staff_crops_box_exactly_26_67_and_29_03():
    """The pictures for the 编外人员控制率 contradiction: under each box the PDF's own text layer
    reads the printed number, and the box is drawn around it in that number's colour."""
    import pdfplumber

    from pipeline.publish.pagecrop import _NUMBER, PageCropper, box_style, color

    finding = next(f for f in report(str(YANTIAN)).findings
                   if f.rule == f"cross_mention.{CONTRACT_RULE}")
    boxed = []
    with PageCropper(YANTIAN) as pc, pdfplumber.open(YANTIAN) as pdf:
        crops = pc.crops(finding.evidence)
        for crop in crops:
            image = _png_pixels(crop.png)
            pad, line = box_style(crop.scale)
            mid = (line - 1) // 2
            page = pdf.pages[crop.page - 1]
            for mark in crop.marks:
                x0, top, x1, bottom = mark.bbox
                text = "".join(c["text"] for c in page.chars
                               if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom)
                assert text.replace(" ", "") == _NUMBER.search(mark.value_text).group().replace(" ", ""), \
                    (crop.page, mark, text)
                boxed.append(text)
                px0, py0, px1, py1 = crop.pixel_box(mark)
                rgb = color(mark.index)
                sides = {"left": [(px0 - pad + mid, y) for y in range(py0, py1)],
                         "right": [(px1 + pad - mid, y) for y in range(py0, py1)],
                         "top": [(x, py0 - pad + mid) for x in range(px0, px1)],
                         "bottom": [(x, py1 + pad - mid) for x in range(px0, px1)]}
                for side, points in sides.items():
                    share = sum(image.getpixel(xy) == rgb for xy in points) / len(points)
                    assert share > 0.9, f"page {crop.page}, {mark.value_text}: {side} edge of the box {share:.0%} {rgb}"
    assert {"26.67%", "29.03%"} <= set(boxed), boxed
    assert {c.page for c in crops} == {ev.page for ev in finding.evidence}


def test_render_html_findings_checks_and_failed_files():
    from pipeline.publish.html import ReportEntry, render_html

    path, r, (a, b) = _real_finding_report()
    html = render_html([ReportEntry(file=path.name, report=r, pdf=path),
                        ReportEntry(file="broken.pdf", status="damaged", message="无法读取交叉引用表")])
    assert html.index("两处数值不一致") < html.index("一处歧义"), "errors come before warnings"
    assert f'alt="第{a.page}页：{a.raw_text}"' in html and f'alt="第{b.page}页：{b.raw_text}"' in html
    assert html.count("data:image/png;base64,") == 3  # two pages for the error, one for the warning
    assert re.search(r'<details class="checks"><summary>其他检查结果（通过 1 项，数据不足 1 项）', html)
    assert "PDF 已损坏" in html and "无法读取交叉引用表" in html
    assert 'lang="zh-CN"' in html and "@media print" in html


def test_each_problem_once_with_its_related_checks_and_counts_of_problems():
    """Issue 15 item 1: findings on the same printed numbers are one problem, listed once with
    the other checks under it; the header, the overview and the report's chips count problems."""
    from pipeline.publish.html import ReportEntry, render_html

    r = report(str(YANTIAN))
    assert len(r.problems) < len(r.findings)  # the sample has findings that rest on the same numbers
    html = render_html([ReportEntry(file=YANTIAN.name, report=r)])
    articles = re.findall(r'<article class="problem (\w+)" id="([^"]+)"[^>]*>(.*?)</article>', html, re.S)
    ordered = sorted(r.problems, key=lambda p: p.severity != "error")
    assert [(sev, pid) for sev, pid, _ in articles] == [(p.severity, p.id) for p in ordered]
    for (_, _, body), p in zip(articles, ordered):
        rules = re.findall(r'<section class="finding \w+" data-rule="([^"]+)">', body)
        assert rules == [r.findings[k].rule for k in p.findings]  # the lead first, each finding once
        assert ('<details class="related">' in body) == (len(p.findings) > 1)
        assert body.count("data:image/png") == 0  # no PDF given: and no picture for a related check anyway
    assert f"发现的问题（{len(r.problems)} 个，由 {len(r.findings)} 项不一致的检查归并" in html
    assert f"错误问题 {r.n_error_problems}</span>" in html and f"提示问题 {r.n_warning_problems}</span>" in html
    assert f"<b>{r.n_error_problems}</b><span>个错误问题" in html
    row = re.search(r'<table class="sortable overview">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    counts = re.findall(r'<span class="count \w+">(\d+)</span>', row)
    assert counts == [str(r.n_error_problems), str(r.n_warning_problems)]
    # 问题清单.xlsx links each problem to report.html#r-<sha256[:12]>-p<page>: every such id is there
    from pipeline.publish.problem_list import anchor
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) and anchor(r.source.sha256, None) in ids
    for p in r.problems:
        for ev in r.findings[p.findings[0]].evidence:
            assert anchor(r.source.sha256, ev.page) in ids, ev.page


def test_picture_budget_keeps_the_file_openable(monkeypatch):
    """Past the whole file's picture budget, findings are still listed, without pictures."""
    from pipeline.publish import html as htmlreport
    from pipeline.publish.html import ReportEntry, render_html

    path, r, _ = _real_finding_report()
    one = render_html([ReportEntry(file=path.name, report=r, pdf=path)]).count("data:image/png")
    assert one == 3
    monkeypatch.setattr(htmlreport, "MAX_PICTURE_BYTES", 1)  # the first finding uses it all up
    html = render_html([ReportEntry(file=path.name, report=r, pdf=path)])
    assert html.count("data:image/png") == 2 and "页面截图总量已达上限" in html
    assert "两处数值不一致" in html and "一处歧义" in html


def test_missing_pdf_still_lists_findings():
    from pipeline.publish.html import ReportEntry, render_html

    path, r, _ = _real_finding_report()
    html = render_html([ReportEntry(file=path.name, report=r, pdf=Path("/nonexistent.pdf"))])
    assert "两处数值不一致" in html and "原始 PDF 不可用" in html and "data:image/png" not in html


def test_indicator_charts_mark_outliers():
    from pipeline.publish.html import ReportEntry, render_html

    values = {"甲区": 98.5, "乙区": 97.2, "丙区": 99.1, "丁区": 96.8, "戊区": 41.0}
    entries = [ReportEntry(file=f"{d}.pdf", report=_report(d, "财政局", 2023, budget_execution_rate=v))
               for d, v in values.items()]
    html = render_html(entries)
    charts = re.findall(r'<figure class="chartbox">.*?</figure>', html, flags=re.S)
    assert len(charts) == 1 and "预算执行率" in charts[0]
    assert charts[0].count('<rect class="bar') == 5 and charts[0].count('class="bar out"') == 1
    assert "41.0%" in charts[0] and "中位数 97.2%" in charts[0]  # a bar's label as printed ("41.0%")
    tables = re.findall(r'<table class="(sortable indicators|indicators)">.*?</table>', html, flags=re.S)
    assert tables == ["sortable indicators", "indicators"]  # on screen; on paper
    for table in re.findall(r'<table class="(?:sortable )?indicators">.*?</table>', html, flags=re.S):
        assert len(re.findall(r'<td class="n out" data-v="41.0">', table)) == 1


def test_amounts_shared_by_two_reports_are_compared_apart_from_rates():
    from pipeline.publish.html import ReportEntry, render_html

    entries = [ReportEntry(file="a.pdf", report=_report("甲区", "财政局", 2024, three_public_budget=12.5,
                                                          budget_execution_rate=98.0, staff_quota=30)),
               ReportEntry(file="b.pdf", report=_report("乙区", "财政局", 2024, three_public_budget=40.0,
                                                          budget_execution_rate=97.0))]
    html = render_html(entries)
    rates = html[html.index("比率与得分（1 项）"):html.index("金额与数量（1 项）")]
    amounts = html[html.index("金额与数量（1 项）"):html.index('<section id="reports">')]
    assert "预算执行率" in rates and "<figure" in rates and "<details" not in rates
    assert "“三公”经费预算数" in amounts and 'data-v="40.0"' in amounts
    assert re.search(r'<details class="more-charts">.*<figure class="chartbox"><figcaption>“三公”经费预算数', amounts,
                     flags=re.S), "amount charts should be there, folded"
    assert "核定编制数" not in html, "an indicator of one report only is not a comparison"


def test_html_is_self_contained():
    from pipeline.publish.html import ReportEntry, render_html

    path, r, _ = _real_finding_report()
    html = render_html([ReportEntry(file=path.name, report=r, pdf=path)])
    assert _external_refs(html) == []
    assert "default-src 'none'" in html  # and the browser is told to fetch nothing


def test_write_report_from_store_failed_missing_and_duplicate_files(tmp_path):
    """What the batch leaves in the store: a report under two names (same bytes), a file that is
    not a PDF, a file gone before it was read. Each is a row; the shared report is detailed once."""
    from pipeline.publish.html import write_report

    store, r = yantian_store(tmp_path, ("a/yantian_2023.pdf", "b/copy_of_yantian.pdf"), "gone.pdf: no such file")
    with store:
        store.record({"sha256": "f" * 64, "status": "not_pdf", "message": "文件开头不是 %PDF-"},
                     [{"path": str(tmp_path / "notes.pdf"), "file": "notes.pdf", "sha256": "f" * 64, "size": 3}])
    html = write_report(tmp_path / "out").read_text(encoding="utf-8")
    overview = re.search(r'<table class="sortable overview">.*?</table>', html, flags=re.S).group()
    assert re.findall(r'<tr data-file="([^"]+)"', overview) == \
        ["a/yantian_2023.pdf", "b/copy_of_yantian.pdf", "gone.pdf", "notes.pdf"]
    failed = html[html.index('<section id="failed">'):]
    assert "不是 PDF 文件" in failed and "文件开头不是 %PDF-" in failed
    assert "文件不存在" in failed and "gone.pdf: no such file" in failed
    assert "已被删除、移动" in failed and "开头没有 %PDF 标记" in failed  # said in Chinese, whatever the message
    assert html.count(f'data-rule="cross_mention.{CONTRACT_RULE}"') == 1, "the shared report is detailed twice"
    assert re.search(r'id="r-1" data-file="b/copy_of_yantian.pdf">.*?内容与 <a href="#r-0">a/yantian_2023.pdf</a> 完全相同',
                     html)
    # counted once, and by problem: findings on the same printed numbers are one problem (issue 15)
    assert f"<b>{r.n_error_problems}</b><span>个错误问题" in html and r.n_error_problems < r.n_errors
    assert "data:image/png;base64," in html  # pictures from the path the store recorded
    n_passed = sum(c.outcome == "pass" for c in r.checks)
    assert f"通过 {n_passed} 项" in html, "the section is written from the full report, checks included"


def test_a_problem_gone_in_a_new_edition_is_shown_as_resolved(tmp_path):
    """Issue 15 item 3: a file replaced by a new edition without its problems lists them as resolved,
    with the review they had."""
    from pipeline.publish.html import write_report
    from pipeline.run.store import Store

    old, new = report(str(YANTIAN)), report(str(LONGHUA))
    path = str(tmp_path / "report.pdf")
    with Store.open(tmp_path / "out") as store:
        store.record({"sha256": old.source.sha256, "status": "ok", "message": "", "report_json": old.model_dump_json()},
                     [{"path": path, "file": "report.pdf", "sha256": old.source.sha256, "size": 1}])
        contract = next(p for p in old.problems
                        if old.findings[p.findings[0]].rule == f"cross_mention.{CONTRACT_RULE}")
        store.set_review(contract.id, "已核实", "与单位核对：应为 29.03%")
        store.record({"sha256": new.source.sha256, "status": "ok", "message": "", "report_json": new.model_dump_json()},
                     [{"path": path, "file": "report.pdf", "sha256": new.source.sha256, "size": 1}])
    html = write_report(tmp_path / "out").read_text(encoding="utf-8")
    resolved = re.search(r'<details class="resolved"><summary>已解决的问题（(\d+) 个）.*?</details>', html, re.S)
    assert resolved and int(resolved.group(1)) == len(old.problems), "the old edition's problems are not listed"
    assert "编外人员控制率" in resolved.group() and "复核：已核实" in resolved.group()
    articles = re.findall(r'<article class="problem', html)
    assert len(articles) == len(new.problems)  # the current problems are the new edition's


def test_cli_report_needs_a_store(tmp_path):
    result = run_cli("report", str(tmp_path))
    assert result.returncode == 2 and "govaudit batch" in result.stderr
    assert "report" in run_cli("--help").stdout


# ----------------------------------------------------------------------------- the samples' batch in Chromium

@pytest.fixture(scope="module")
def samples_report(tmp_path_factory) -> Path:
    """report.html for the samples' batch, the way a user makes it: `govaudit batch samples -o OUT`
    (which writes it at its end), then `govaudit report OUT` (which rewrites it from the store)."""
    require(YANTIAN), require(LONGHUA)
    out = tmp_path_factory.mktemp("samples_batch")
    result = run_cli("batch", str(SAMPLES), "-o", str(out))
    assert result.returncode in (0, 1) and (out / "govaudit.sqlite").exists(), result.stderr
    assert (out / "report.html").exists(), "the batch did not write report.html"
    (out / "report.html").unlink()
    result = run_cli("report", str(out))
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path == out / "report.html" and path.exists()
    return path


@pytest.fixture(scope="module")
def browser():
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.skip(f"no headless browser: {', '.join(missing)} not found (apt-get install chromium chromium-driver, "
                    "or set GOVAUDIT_CHROMIUM / GOVAUDIT_CHROMEDRIVER)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    profile = tempfile.TemporaryDirectory(prefix="govaudit-chrome-")
    options.add_argument(f"--user-data-dir={profile.name}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        profile.cleanup()


@pytest.fixture
def page(browser, samples_report):
    browser.get(samples_report.as_uri())
    return browser


def _say(capsys, text: str) -> None:
    with capsys.disabled():
        print(f"\n{text}")


def _decoded(driver) -> None:
    """Wait until every picture is decoded: a screenshot taken earlier shows empty frames."""
    assert driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all(Array.from(document.images, i => i.decode().then(() => true, () => false)))"
        ".then(ok => done(ok.every(Boolean)));"), "a picture failed to decode"


def _capture(driver, path: Path, element=None):
    """Screenshot of ``element`` (default: the whole page) at its full height, not clipped to the
    window, with the page scrolled to the top so the sticky navigation covers nothing below it."""
    _decoded(driver)
    driver.execute_script("window.scrollTo(0, 0)")
    x, y, w, h = driver.execute_script(
        "const r = (arguments[0] || document.documentElement).getBoundingClientRect();"
        "return [r.left + scrollX, r.top + scrollY, r.width, r.height];", element)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": x, "y": y, "width": w, "height": h, "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))
    return _png_pixels(path.read_bytes())


def _near(image, rgb, tol: int = 40) -> int:
    """Pixels within ``tol`` of ``rgb`` (a scaled picture blends its exact colours a little)."""
    return sum(n for n, c in image.getcolors(1 << 24) if all(abs(a - b) <= tol for a, b in zip(c, rgb)))


@pytest.mark.browser
def test_overview_lists_both_samples_with_error_counts(page):
    from selenium.webdriver.common.by import By

    rows = {tr.get_attribute("data-file"): tr for tr in page.find_elements(By.CSS_SELECTOR, "table.overview tbody tr")}
    for pdf in (YANTIAN, LONGHUA):
        assert pdf.name in rows, f"{pdf.name} not in the overview: {list(rows)}"
        cells = [td.text for td in rows[pdf.name].find_elements(By.TAG_NAME, "td")]
        expected = report(str(pdf))
        assert cells[7] == str(expected.n_error_problems) and cells[8] == str(expected.n_warning_problems), cells
        assert cells[6] == "成功" and cells[1] == expected.issuer.district
    assert report(str(YANTIAN)).n_error_problems >= 1


def samples_report_dir(driver) -> str:
    from urllib.parse import unquote, urlparse
    return str(Path(unquote(urlparse(driver.current_url).path)).parent)


@pytest.mark.browser
def test_contract_staff_finding_shows_boxed_numbers(page, capsys):
    from selenium.webdriver.common.by import By

    from pipeline.publish.pagecrop import color

    finding = page.find_element(By.CSS_SELECTOR, f'article[data-file="{YANTIAN.name}"] '
                                                 f'section.finding.error[data-rule="cross_mention.{CONTRACT_RULE}"]')
    assert "编外人员控制率" in finding.text
    images = finding.find_elements(By.CSS_SELECTOR, "figure.crop img")
    alts = [img.get_attribute("alt") for img in images]
    assert any("26.67%" in a for a in alts) and any("29.03%" in a for a in alts), alts
    assert all(re.fullmatch(r"第\d+页：.+", a) for a in alts), alts
    evidence = next(f for f in report(str(YANTIAN)).findings if f.rule == f"cross_mention.{CONTRACT_RULE}").evidence
    for img in images:
        assert page.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)
        pixels = _png_pixels(_data_uri_png(img.get_attribute("src")))
        shown = [k for k, ev in enumerate(evidence) if ev.value_text and ev.value_text in img.get_attribute("alt")]
        assert shown and all(_count_colour(pixels, color(k)) > 50 for k in shown), "no coloured box"
    shot = Path(samples_report_dir(page)) / "contract_staff_finding.png"
    picture = _capture(page, shot, finding)
    assert picture.height > 600, picture.size  # the whole finding, pictures included
    assert _near(picture, color(0)) > 200 and _near(picture, color(1)) > 200, "boxes not visible in the screenshot"
    _say(capsys, f"finding screenshot: {shot}")


@pytest.mark.browser
def test_sorting_by_clicking_a_header(page):
    from selenium.webdriver.common.by import By

    def column(i):
        return [tr.find_elements(By.TAG_NAME, "td")[i].get_attribute("data-v")
                for tr in page.find_elements(By.CSS_SELECTOR, "table.overview tbody tr")]

    header = page.find_elements(By.CSS_SELECTOR, "table.overview thead th")[7]
    assert header.text.startswith("错误")
    header.click()
    errors = [float(v) for v in column(7) if v]
    assert errors == sorted(errors) and header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert [float(v) for v in column(7) if v] == sorted(errors, reverse=True)


@pytest.mark.browser
def test_print_shows_folded_checks(page, samples_report):
    from selenium.webdriver.common.by import By

    shown = "return arguments[0].checkVisibility()"
    table = page.find_element(By.CSS_SELECTOR, "details.checks table")
    assert not page.execute_script(shown, table), "checks should be folded on screen"
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert page.execute_script(shown, table), "folded checks hidden in print"
        assert not page.execute_script(shown, page.find_element(By.CSS_SELECTOR, "nav.toc"))
        # at the width of a printed page no indicator runs off it or out of its cell: the wide
        # table is printed in slices
        page.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                             {"width": 720, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
        overflow = page.execute_script(
            "const right = document.querySelector('main').getBoundingClientRect().right + 1;"
            "const tables = Array.from(document.querySelectorAll('#indicators table')).filter(t => t.checkVisibility());"
            "const cells = tables.flatMap(t => Array.from(t.querySelectorAll('td.n, th')));"
            "return [tables.length, tables.filter(t => t.getBoundingClientRect().right > right).length,"
            "        cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent)];")
        assert overflow[0] >= 2 and overflow[1] == 0 and overflow[2] == [], overflow
    finally:
        page.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = samples_report.parent / "report_print.pdf"
    pdf.write_bytes(base64.b64decode(page.print_page()))
    import pdfplumber
    with pdfplumber.open(pdf) as doc:
        text = "".join((p.extract_text() or "") for p in doc.pages).replace("\n", "")
        n_images = sum(len(p.images) for p in doc.pages)
    from pipeline.read.normalize import compact  # Chromium's subset fonts may map radicals (⻚ for 页)

    assert "结果类型说明页码" in compact(text), "the folded checks' table is not in the printout"
    n_crops = len(page.find_elements(By.CSS_SELECTOR, "figure.crop img"))
    assert n_crops and n_images >= n_crops, f"{n_images} pictures printed of {n_crops} page crops"


@pytest.mark.browser
def test_no_network_requests(browser, samples_report):
    browser.get_log("performance")  # drop what earlier tests logged
    browser.get(samples_report.as_uri())
    browser.execute_script("return document.readyState")
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    assert any(u.startswith("file:") for u in urls), "performance log saw no request at all"
    assert all(u.startswith(("data:", "file:")) for u in urls), [u for u in urls if not u.startswith(("data:", "file:"))]
    assert _external_refs(samples_report.read_text(encoding="utf-8")) == []
    # and should anything in the page try, the browser refuses: the CSP blocks every fetch
    blocked = browser.execute_async_script(
        "const done = arguments[arguments.length - 1], seen = [];"
        "document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective));"
        "const img = new Image(); img.src = 'http://192.0.2.1/x.png'; document.body.appendChild(img);"
        "fetch('http://192.0.2.1/x.json').catch(() => null);"
        "setTimeout(() => done(seen), 500);")
    assert "img-src" in blocked and "connect-src" in blocked, blocked


@pytest.mark.browser
def test_screenshot(page, capsys, samples_report):
    from pipeline.publish.pagecrop import color

    shot = samples_report.parent / "report_full.png"
    picture = _capture(page, shot)
    assert picture.width > 1300 and picture.height > 3000, picture.size  # the window less its scroll bar
    # every box colour of the pictures is on screen: crops are painted, not empty frames
    assert all(_near(picture, color(k)) > 100 for k in range(4))
    _say(capsys, f"report: {samples_report}\nscreenshot: {shot}")
