"""The HTML report's templates and its Content-Security-Policy (issues #11, #14): the markup comes
from autoescaped Jinja2 templates, and the page runs no script or style but its own, named in the
CSP by their sha256, so text that slipped past escaping still could not run."""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from test_report_html import _report, browser  # noqa: F401  (the headless Chromium fixture)

HOSTILE = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>'


def _entries():
    from pipeline.publish.html import ReportEntry

    return [ReportEntry(file=f"{d}.pdf", report=_report(d, "财政局", 2023, budget_execution_rate=v))
            for d, v in {"甲区": 98.5, "乙区": 97.2, "丙区": 99.1}.items()]


def _csp(html: str) -> dict[str, list[str]]:
    (policy,) = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_csp_names_the_inline_script_and_style_by_hash_and_allows_no_unsafe_inline():
    from pipeline.publish.html import render_html

    html = render_html(_entries())
    csp = _csp(html)
    assert "'unsafe-inline'" not in html and "unsafe-eval" not in html
    assert csp["default-src"] == ["'none'"] and csp["img-src"] == ["data:"]
    (style,) = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    (script,) = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert csp["style-src"] == [_sha256(style)] and csp["script-src"] == [_sha256(script)]
    # nothing a hash cannot cover: no style attributes, no inline event handlers
    assert not re.search(r"\sstyle=", html) and not re.search(r"\son[a-z]+=", html)


def test_text_from_the_documents_is_escaped():
    from pipeline.publish.html import ReportEntry, render_html
    from pipeline.schema import Finding

    hostile = _entries()[0]
    hostile.report.issuer.department = HOSTILE
    hostile.report.findings = [Finding(rule="ratio.x", severity="error", message=HOSTILE)]
    html = render_html([hostile, ReportEntry(file=f"{HOSTILE}.pdf", status="damaged", message=HOSTILE)])
    assert HOSTILE not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;document.title=") >= 4  # overview, section, finding, failed file
    assert len(re.findall(r"<script>", html)) == 1


@pytest.mark.browser
def test_script_and_style_run_under_the_csp_and_nothing_else_does(browser, tmp_path):  # noqa: F811
    """The report's own script sorts and its styles apply under the hash-only CSP; a script and a
    style attribute put into the page as if escaping had failed are refused."""
    from selenium.webdriver.common.by import By

    from pipeline.publish.html import render_html

    html = render_html(_entries())
    injected = html.replace('<p class="hint">点击表头排序',
                            '<script>document.title="pwned"</script><p id="x" style="color: rgb(1, 2, 3)">x</p>'
                            '<p class="hint">点击表头排序', 1)
    assert injected != html
    path = tmp_path / "report.html"
    path.write_text(injected, encoding="utf-8")
    browser.get(path.as_uri())
    assert browser.title == "政府财务报告审核报告", "an injected inline script ran"
    assert browser.execute_script("return getComputedStyle(document.getElementById('x')).color") != "rgb(1, 2, 3)"
    nav = browser.find_element(By.CSS_SELECTOR, "nav.toc")
    assert browser.execute_script("return getComputedStyle(arguments[0]).position", nav) == "sticky", "CSS blocked"
    header = browser.find_elements(By.CSS_SELECTOR, "table.sortable.indicators thead th")[1]
    rows = lambda: [td.get_attribute("data-v") for td in  # noqa: E731
                    browser.find_elements(By.CSS_SELECTOR, "table.sortable.indicators tbody td.n")]
    assert rows() == ["99.1", "97.2", "98.5"]  # 丙, 乙, 甲: the batch's order, by district name
    header.click()
    assert header.get_attribute("aria-sort") == "ascending" and rows() == ["97.2", "98.5", "99.1"]
    header.click()
    assert header.get_attribute("aria-sort") == "descending" and rows() == ["99.1", "98.5", "97.2"]
