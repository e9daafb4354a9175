"""Page pictures in the HTML report (issue #15, item 5): the numbered tags sit beside the boxes or
in the margin, never over a printed number, and each picture opens its whole page in the report."""
from __future__ import annotations

import re

import pytest

from conftest import LONGHUA, YANTIAN, report
from test_report_html import browser  # noqa: F401  (the headless Chromium fixture)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _number_boxes(page, crop):
    """Pixel boxes of every printed number (a word with a digit) in the crop's part of the page."""
    x0, top, x1, bottom = crop.region
    boxes = []
    for w in page.extract_words(use_text_flow=False, keep_blank_chars=False):
        if re.search(r"\d", w["text"]) and w["x1"] > x0 and w["x0"] < x1 and w["bottom"] > top and w["top"] < bottom:
            boxes.append((w["text"], crop.to_pixels((w["x0"], w["top"], w["x1"], w["bottom"]))))
    return boxes


@pytest.mark.parametrize("pdf", [YANTIAN, LONGHUA], ids=lambda p: p.stem)
def test_no_tag_covers_a_number_or_a_box(pdf):
    import pdfplumber

    from pipeline.publish.pagecrop import PageCropper, box_style

    findings = report(str(pdf)).findings
    assert findings, f"{pdf.name}: no findings to picture"
    n_tags = n_numbers = 0
    with PageCropper(pdf) as pc, pdfplumber.open(pdf) as doc:
        for finding in findings:
            for crop in pc.crops(finding.evidence):
                numbers = _number_boxes(doc.pages[crop.page - 1], crop)
                pad, _ = box_style(crop.scale)
                drawn = [tuple(v + d for v, d in zip(crop.pixel_box(m), (-pad, -pad, pad, pad))) for m in crop.marks]
                assert len(crop.tags) == len(crop.marks)
                for k, tag in enumerate(crop.tags):
                    where = f"{pdf.name} p.{crop.page} {finding.rule} tag {crop.marks[k].index + 1}"
                    assert 0 <= tag[0] and tag[2] <= crop.width and 0 <= tag[1] and tag[3] <= crop.height, where
                    hit = [text for text, box in numbers if _overlap(tag, box)]
                    assert not hit, f"{where} covers {hit}"
                    assert not any(_overlap(tag, box) for box in drawn), f"{where} covers a box"
                    assert not any(_overlap(tag, other) for other in crop.tags[k + 1:]), f"{where} covers a tag"
                n_tags += len(crop.tags)
                n_numbers += len(numbers)
    assert n_tags >= len(findings) and n_numbers > n_tags  # the check looked at something


def test_tags_in_the_margin_when_the_line_is_full():
    """Numbers in running text have no blank space beside them: their tags go to the margin,
    and the picture is widened when the page area shown has no margin left of the text."""
    from pipeline.publish.pagecrop import PageCropper

    finding = next(f for f in report(str(YANTIAN)).findings if f.rule == "ratio.procurement_execution_rate")
    with PageCropper(YANTIAN) as pc:
        crop = next(c for c in pc.crops(finding.evidence) if c.page == 10)
        text_left = min(crop.pixel_box(m)[0] for m in crop.marks)
        assert all(tag[2] < text_left for tag in crop.tags)
        left = pc.crop(10, [m.__class__((0.0, m.bbox[1], 30.0, m.bbox[3]), m.index, None) for m in crop.marks])
        assert left.left > 0 and left.width > crop.width  # widened for a box at the page's left edge


def test_each_picture_links_to_its_whole_page():
    from pipeline.publish.html import ReportEntry, render_html

    html = render_html([ReportEntry(file=YANTIAN.name, report=report(str(YANTIAN)), pdf=YANTIAN)])
    links = re.findall(r'<a class="open-page" href="#(pg-0-(\d+))" data-page="\1"[^>]*><img [^>]*alt="第(\d+)页', html)
    assert links and all(page == alt for _, page, alt in links), links[:3]
    dialogs = dict(re.findall(r'<dialog class="pageview" id="(pg-0-\d+)" data-type="image/png" data-png="([A-Za-z0-9+/=]+)"',
                              html))
    assert {pid for pid, _, _ in links} == set(dialogs), "a picture without its page, or a page without a picture"
    import base64
    assert all(base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n" for png in dialogs.values())


def open_yantian(browser, tmp_path) -> None:
    """report.html of the yantian sample alone, opened in ``browser``."""
    from pipeline.publish.html import ReportEntry, render_html

    path = tmp_path / "report.html"
    path.write_text(render_html([ReportEntry(file=YANTIAN.name, report=report(str(YANTIAN)), pdf=YANTIAN)]),
                    encoding="utf-8")
    browser.get(path.as_uri())


@pytest.mark.browser
def test_clicking_a_picture_opens_its_page_without_a_fetch(browser, tmp_path):  # noqa: F811
    import json

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_yantian(browser, tmp_path)
    browser.get_log("performance")
    link = browser.find_elements(By.CSS_SELECTOR, "figure.crop a.open-page")[0]
    page_no = re.search(r"第(\d+)页", link.find_element(By.TAG_NAME, "img").get_attribute("alt")).group(1)
    dialog = browser.find_element(By.ID, link.get_attribute("data-page"))
    assert not dialog.is_displayed()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    assert browser.execute_script("return arguments[0].open", dialog) and dialog.is_displayed()
    image = dialog.find_element(By.TAG_NAME, "img")
    assert browser.execute_async_script(
        "const done = arguments[arguments.length - 1]; arguments[0].decode().then(() => done(true), () => done(false));",
        image)
    size = browser.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image)
    assert size[1] > size[0] > 500, size  # a whole portrait page, not a strip
    assert f"第 {page_no} 页" in dialog.text
    urls = [json.loads(e["message"])["message"]["params"].get("request", {}).get("url", "")
            for e in browser.get_log("performance")]
    assert not [u for u in urls if u and not u.startswith("data:")], urls
    dialog.send_keys(Keys.ESCAPE)
    assert not browser.execute_script("return arguments[0].open", dialog)
