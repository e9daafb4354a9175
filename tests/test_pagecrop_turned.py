"""A page scanned sideways is read upright by OCR (its boxes are the upright page's); its pictures
in report.html and the working papers are turned the same way (issue 16)."""
from __future__ import annotations

import io

import pytest

from conftest import YANTIAN

np = pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def sideways(tmp_path_factory):
    """yantian p14 (表1-4 固定资产情况表) scanned at 150 dpi and turned a quarter counter-clockwise."""
    from scans import scan_pdf

    from pipeline.api import build_report
    from pipeline.read.ingest import load

    scan = scan_pdf(YANTIAN, tmp_path_factory.mktemp("turned") / "rot90.pdf", dpi=150, pages=[14], what="rot90")
    doc = load(scan)
    return scan, doc, build_report(doc)


def _grey(png: bytes):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def _likeness(crop) -> float:
    """Correlation of the crop's page area with the same region of the text PDF's page 14."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(YANTIAN))
    try:
        page = pdf[13]
        w, h = page.get_size()
        x0, top, x1, bottom = crop.region
        truth = np.asarray(page.render(scale=crop.scale, crop=(x0, h - bottom, w - x1, top)).to_pil().convert("L"),
                           dtype=float)
    finally:
        pdf.close()
    seen = _grey(crop.png)[:, crop.left:]
    hgt, wid = min(seen.shape[0], truth.shape[0]), min(seen.shape[1], truth.shape[1])
    return float(np.corrcoef(seen[:hgt, :wid].ravel(), truth[:hgt, :wid].ravel())[0, 1])


def test_the_report_says_which_pages_were_turned(sideways):
    _, _, report = sideways
    # the scan lies on its left side: one quarter turn clockwise makes it upright
    assert report.source.ocr_pages == [1] and report.source.ocr_turns == {1: 1}
    assert '"ocr_turns":{"1":1}' in report.model_dump_json()


def test_crops_and_page_pictures_are_upright(sideways):
    from pipeline.publish.pagecrop import Mark, PageCropper

    scan, doc, report = sideways
    table = max(doc.tables, key=lambda t: len(t.rows))
    total = next(r for r in table.rows if r.cells and r.cells[0].text.startswith("合计"))
    with PageCropper(scan, turns=report.source.ocr_turns) as pc:
        crop = pc.crop(1, [Mark(total.bbox, 0, None)])
        _, width, height = pc.page_png(1)
    assert height > width  # the A4 page stands, as printed
    with PageCropper(scan) as pc:  # as before: the sideways image cut at upright coordinates
        wrong = pc.crop(1, [Mark(total.bbox, 0, None)])
    assert _likeness(crop) > 0.3 > 0.1 > _likeness(wrong)
