"""The HTML audit report (issue #6): page pictures, overview, charts, and the samples' batch
opened in headless Chromium (skipped, with the reason, when no browser is installed)."""
from __future__ import annotations

import base64
import importlib.util
import io
import json
import re
import tempfile
from pathlib import Path

import pytest

from conftest import LONGHUA, REAL_FILES, SAMPLES, YANTIAN, report, require, run_cli

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CHROME_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
               "--window-size=1366,900"]
CONTRACT_RULE = "contract_staff_control_rate"


# ----------------------------------------------------------------------------- helpers

def _source(path: Path, pages: int = 1):
    from pipeline.document import Source
    return Source(path=str(path), sha256="0" * 64, pages=pages)


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
    from pipeline.pagecrop import PageCropper, color
    from pipeline.schema import Evidence

    path = require(REAL_FILES["shehuigongzuobu"])
    ind = next(i for i in extract(path).indicators if i.source == "text")
    with PageCropper(path) as pc:
        (crop,) = pc.crops([Evidence(page=ind.page, bbox=ind.bbox, quote=ind.quote, value_text=ind.raw_text)])
    image = _png_pixels(crop.png)
    assert image.size == (crop.width, crop.height)
    assert _count_colour(image, color(0)) > 50
    assert crop.alt == f"第{ind.page}页：{ind.raw_text}"


def test_render_html_findings_checks_and_failed_files():
    from pipeline.htmlreport import ReportEntry, render_html

    path, r, (a, b) = _real_finding_report()
    html = render_html([ReportEntry(file=path.name, report=r, pdf=path),
                        ReportEntry(file="broken.pdf", status="damaged", message="无法读取交叉引用表")])
    assert html.index("两处数值不一致") < html.index("一处歧义"), "errors come before warnings"
    assert f'alt="第{a.page}页：{a.raw_text}"' in html and f'alt="第{b.page}页：{b.raw_text}"' in html
    assert html.count("data:image/png;base64,") == 3  # two pages for the error, one for the warning
    assert re.search(r'<details class="checks"><summary>其他检查结果（通过 1 项，数据不足 1 项）', html)
    assert "PDF 已损坏" in html and "无法读取交叉引用表" in html
    assert 'lang="zh-CN"' in html and "@media print" in html


def test_missing_pdf_still_lists_findings():
    from pipeline.htmlreport import ReportEntry, render_html

    path, r, _ = _real_finding_report()
    html = render_html([ReportEntry(file=path.name, report=r, pdf=Path("/nonexistent.pdf"))])
    assert "两处数值不一致" in html and "原始 PDF 不可用" in html and "data:image/png" not in html


def test_indicator_charts_mark_outliers():
    from pipeline.htmlreport import ReportEntry, render_html

    values = {"甲区": 98.5, "乙区": 97.2, "丙区": 99.1, "丁区": 96.8, "戊区": 41.0}
    entries = [ReportEntry(file=f"{d}.pdf", report=_report(d, "财政局", 2023, budget_execution_rate=v))
               for d, v in values.items()]
    html = render_html(entries)
    charts = re.findall(r'<figure class="chartbox">.*?</figure>', html, flags=re.S)
    assert len(charts) == 1 and "预算执行率" in charts[0]
    assert charts[0].count('<rect class="bar') == 5 and charts[0].count('class="bar out"') == 1
    assert "41%" in charts[0] and "中位数 97.2%" in charts[0]
    assert len(re.findall(r'<td class="n out" data-v="41.0">', html)) == 1


def test_html_is_self_contained():
    from pipeline.htmlreport import ReportEntry, render_html

    path, r, _ = _real_finding_report()
    html = render_html([ReportEntry(file=path.name, report=r, pdf=path)])
    assert _external_refs(html) == []
    assert "default-src 'none'" in html  # and the browser is told to fetch nothing


def test_cli_report_needs_a_store(tmp_path):
    result = run_cli("report", str(tmp_path))
    assert result.returncode == 2 and "govaudit batch" in result.stderr
    assert "report" in run_cli("--help").stdout


# ----------------------------------------------------------------------------- the samples' batch in Chromium

def _batch_available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("pipeline.store", "pipeline.batch"))


@pytest.fixture(scope="module")
def samples_report(tmp_path_factory) -> Path:
    """report.html for the samples' batch: `govaudit batch samples` + `govaudit report` when the
    batch exists, else the same entries built here."""
    require(YANTIAN), require(LONGHUA)
    out = tmp_path_factory.mktemp("samples_batch")
    if _batch_available():
        result = run_cli("batch", str(SAMPLES), "-o", str(out))
        assert (out / "govaudit.sqlite").exists(), result.stderr
        result = run_cli("report", str(out))
        assert result.returncode == 0, result.stderr
        path = Path(result.stdout.strip().splitlines()[-1])
    else:
        from pipeline.htmlreport import ReportEntry, render_html
        entries = [ReportEntry(file=p.name, report=report(str(p)), pdf=p) for p in (YANTIAN, LONGHUA)]
        path = out / "report.html"
        path.write_text(render_html(entries), encoding="utf-8")
    assert path == out / "report.html" and path.exists()
    return path


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(f"no headless browser ({CHROMIUM}, {CHROMEDRIVER}): apt-get install chromium chromium-driver")
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


@pytest.mark.browser
def test_overview_lists_both_samples_with_error_counts(page):
    from selenium.webdriver.common.by import By

    rows = {tr.get_attribute("data-file"): tr for tr in page.find_elements(By.CSS_SELECTOR, "table.overview tbody tr")}
    for pdf in (YANTIAN, LONGHUA):
        assert pdf.name in rows, f"{pdf.name} not in the overview: {list(rows)}"
        cells = [td.text for td in rows[pdf.name].find_elements(By.TAG_NAME, "td")]
        expected = report(str(pdf))
        assert cells[7] == str(expected.n_errors) and cells[8] == str(expected.n_warnings), cells
        assert cells[6] == "成功" and cells[1] == expected.issuer.district
    assert report(str(YANTIAN)).n_errors >= 1


@pytest.mark.browser
def test_contract_staff_finding_shows_boxed_numbers(page, capsys, tmp_path):
    from selenium.webdriver.common.by import By

    from pipeline.pagecrop import color

    finding = page.find_element(By.CSS_SELECTOR, f'article[data-file="{YANTIAN.name}"] '
                                                 f'section.finding.error[data-rule$="{CONTRACT_RULE}"]')
    assert "编外人员控制率" in finding.text
    images = finding.find_elements(By.CSS_SELECTOR, "figure.crop img")
    alts = [img.get_attribute("alt") for img in images]
    assert any("26.67%" in a for a in alts) and any("29.03%" in a for a in alts), alts
    assert all(re.fullmatch(r"第\d+页：.+", a) for a in alts), alts
    evidence = next(f for f in report(str(YANTIAN)).findings if f.rule.endswith(CONTRACT_RULE)).evidence
    for img in images:
        assert page.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)
        pixels = _png_pixels(_data_uri_png(img.get_attribute("src")))
        shown = [k for k, ev in enumerate(evidence) if ev.value_text and ev.value_text in img.get_attribute("alt")]
        assert shown and all(_count_colour(pixels, color(k)) > 50 for k in shown), "no coloured box"
    page.execute_script("arguments[0].scrollIntoView()", finding)
    shot = tmp_path / "contract_staff_finding.png"
    finding.screenshot(str(shot))
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
    finally:
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = samples_report.parent / "report_print.pdf"
    pdf.write_bytes(base64.b64decode(page.print_page()))
    import pdfplumber
    with pdfplumber.open(pdf) as doc:
        text = "".join((p.extract_text() or "") for p in doc.pages).replace("\n", "")
    assert "结果类型说明页码" in text.replace(" ", ""), "the folded checks' table is not in the printout"


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


@pytest.mark.browser
def test_screenshot(page, capsys, samples_report):
    height = page.execute_script("return document.documentElement.scrollHeight")
    page.set_window_size(1366, min(height, 12000))
    try:
        shot = samples_report.parent / "report_full.png"
        assert page.save_screenshot(str(shot))
    finally:
        page.set_window_size(1366, 900)
    _say(capsys, f"report: {samples_report}\nscreenshot: {shot}")
