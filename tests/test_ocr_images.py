"""Pictures on text pages: OCR reads the ones that hold print (a table or a page pasted in as an
image) and skips charts, photos, logos, seals and ornaments, judged on a small rendering before any
OCR model is loaded (pipeline/read/ocr/picture.py, thresholds in patterns/ocr.yaml).

Synthetic pictures drawn here at the dpi the triage looks at, and one real file (北京市水务局 2026,
12 pages, two pie charts pasted as images on p7-8)."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, YANTIAN, require

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
DPI = 100
PT = DPI / 72
PAGE_AREA = 595 * 842
BEIJING = Path(ROOT.parent / "shared" / "corpus" / "cn" / "beijing_2026_bumen-yusuan_116f55.pdf")


def _canvas(w_pt: float, h_pt: float, colour=(255, 255, 255)):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (int(w_pt * PT), int(h_pt * PT)), colour)
    return img, ImageDraw.Draw(img)


def _font(size_pt: float):
    from PIL import ImageFont

    if not Path(FONT).exists():
        pytest.skip("fonts-wqy-zenhei is not installed (.ci/run installs it)")
    return ImageFont.truetype(FONT, max(int(size_pt * PT), 6))


def _px(*pts):
    return [v * PT for v in pts]


def _table(shaded_header: bool = False, seal: bool = False):
    """A ruled budget table (8 rows x 4 columns, 10.5 pt print), as a scan of it would look."""
    img, d = _canvas(480, 260)
    f = _font(10.5)
    rows = [("项目", "本年预算", "上年预算", "增减")] + [
        (label, f"{1234.56 * (i + 1):,.2f}", f"{987.65 * (i + 2):,.2f}", f"{12.3 * (i + 1):.2f}")
        for i, label in enumerate(["一般公共预算拨款收入", "政府性基金预算拨款", "事业收入", "上年结转结余",
                                   "基本支出", "项目支出", "合计"])]
    xs, top, step = [10, 190, 290, 390, 470], 10, 30
    if shaded_header:
        d.rectangle(_px(xs[0], top, xs[-1], top + step), fill=(189, 215, 238))
    for i, row in enumerate(rows):
        y = top + i * step
        for j, text in enumerate(row):
            d.text(_px(xs[j] + 4, y + 9), text, fill=(20, 20, 20), font=f)
    for i in range(len(rows) + 1):
        d.line(_px(xs[0], top + i * step, xs[-1], top + i * step), fill=(0, 0, 0), width=1)
    for x in xs:
        d.line(_px(x, top, x, top + len(rows) * step), fill=(0, 0, 0), width=1)
    if seal:
        _seal(d, 400, 130, 55)
    return np.asarray(img)


def _prose():
    img, d = _canvas(500, 300)
    f = _font(12)
    line = "按照综合预算的原则，本部门所有收入和支出均纳入部门预算管理。2026年本部门收入预算3,456.78万元。"
    for i in range(14):
        d.text(_px(20, 12 + i * 20), line[: 36 - (i % 3)], fill=(0, 0, 0), font=f)
    return np.asarray(img)


def _seal(d, cx, cy, r):
    red = (220, 30, 30)
    d.ellipse(_px(cx - r, cy - r, cx + r, cy + r), outline=red, width=int(2.5 * PT))
    f = _font(r / 4)
    for k, ch in enumerate("北京市财政局预算专用章"):
        a = math.radians(200 + k * 14)
        d.text(_px(cx + 0.7 * r * math.cos(a), cy + 0.7 * r * math.sin(a)), ch, fill=red, font=f, anchor="mm")


def _pie():
    """A pie chart as office software draws one: flat colours, a title, a legend, a percentage."""
    img, d = _canvas(360, 260)
    d.text(_px(150, 8), "收入预算", fill=(60, 60, 60), font=_font(14))
    box = _px(30, 50, 220, 240)
    start = -90
    for share, colour in ((0.83, (91, 155, 213)), (0.07, (237, 125, 49)), (0.10, (165, 165, 165))):
        d.pieslice(box, start, start + share * 360, fill=colour)
        start += share * 360
    d.text(_px(110, 200), "83%", fill=(40, 40, 40), font=_font(9))
    f = _font(9)
    for i, (label, colour) in enumerate((("一般公共预算拨款收入", (91, 155, 213)), ("事业收入", (237, 125, 49)),
                                         ("上年结转结余", (165, 165, 165)))):
        d.rectangle(_px(240, 110 + i * 18, 246, 116 + i * 18), fill=colour)
        d.text(_px(250, 107 + i * 18), label, fill=(60, 60, 60), font=f)
    return np.asarray(img)


def _bars():
    img, d = _canvas(480, 270)
    d.text(_px(170, 8), "支出按经济分类对比图", fill=(60, 60, 60), font=_font(13))
    f = _font(9)
    for i, y in enumerate(range(230, 40, -40)):
        d.line(_px(50, y, 460, y), fill=(217, 217, 217), width=1)
        d.text(_px(20, y - 5), str(i * 500), fill=(90, 90, 90), font=f)
    for i, (a, b) in enumerate(((170, 160), (99, 88), (40, 45), (12, 10))):
        x = 70 + i * 100
        d.rectangle(_px(x, 230 - a, x + 30, 230), fill=(68, 114, 196))
        d.rectangle(_px(x + 34, 230 - b, x + 64, 230), fill=(46, 220, 186))
        d.text(_px(x, 236), ["工资福利支出", "商品和服务支出", "对个人和家庭的补助", "资本性支出"][i][:6],
               fill=(60, 60, 60), font=f)
    return np.asarray(img)


def _zebra():
    """A table without rules, every other row shaded (a spreadsheet's print)."""
    img, d = _canvas(480, 260)
    f = _font(10.5)
    for i in range(8):
        if i % 2 == 0:
            d.rectangle(_px(10, 10 + i * 30, 470, 40 + i * 30), fill=(221, 235, 247))
        for x, text in zip((14, 194, 294, 394), ("一般公共预算拨款", f"{1234.56 * (i + 1):,.2f}", "987.65", "12.30")):
            d.text(_px(x, 19 + i * 30), text, fill=(0, 0, 0), font=f)
    return np.asarray(img)


def _line_chart():
    img, d = _canvas(480, 270)
    f = _font(9)
    d.text(_px(170, 8), "近三年支出趋势", fill=(60, 60, 60), font=_font(13))
    for i, y in enumerate(range(230, 40, -40)):
        d.line(_px(50, y, 460, y), fill=(217, 217, 217), width=1)
        d.text(_px(20, y - 5), str(i * 500), fill=(90, 90, 90), font=f)
    points = [(70, 200), (170, 150), (270, 170), (370, 90), (450, 110)]
    d.line([tuple(_px(*p)) for p in points], fill=(68, 114, 196), width=3)
    for k, (x, _) in enumerate(points):
        d.text(_px(x - 10, 236), f"202{k}年", fill=(60, 60, 60), font=f)
    return np.asarray(img)


def _photo():
    """Continuous tone in many colours (a photograph of a building, a meeting)."""
    import cv2

    rng = np.random.default_rng(7)
    h, w = int(260 * PT), int(380 * PT)
    out = np.zeros((h, w, 3), np.float32)
    for scale in (8, 24, 64):
        noise = rng.random((h // scale + 2, w // scale + 2, 3)).astype(np.float32)
        out += cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC) * scale
    out = (out - out.min()) / (out.max() - out.min()) * 235
    return out.clip(0, 255).astype(np.uint8)


def _logo():
    img, d = _canvas(200, 200)
    d.ellipse(_px(40, 40, 160, 160), outline=(200, 30, 40), width=int(6 * PT))
    d.polygon(_px(100, 60, 112, 95, 150, 95, 119, 117, 131, 152, 100, 130, 69, 152, 81, 117, 50, 95, 88, 95),
              fill=(230, 180, 30))
    return np.asarray(img)


def _lone_seal():
    img, d = _canvas(150, 150)
    _seal(d, 75, 75, 60)
    return np.asarray(img)


def _kind(rgb) -> str:
    from pipeline.read.ocr import picture

    look = picture.classify(rgb, DPI, PAGE_AREA)
    return look.kind


@pytest.mark.parametrize("draw", [_table, lambda: _table(shaded_header=True), lambda: _table(seal=True), _zebra, _prose],
                         ids=["table", "shaded header", "seal over a table", "zebra rows", "prose"])
def test_print_is_read(draw):
    assert _kind(draw()) == "text"


@pytest.mark.parametrize("draw, kind", [(_pie, "chart"), (_bars, "chart"), (_line_chart, "chart"), (_photo, "photo"),
                                        (_logo, "logo"), (_lone_seal, "seal")],
                         ids=["pie", "bars", "line chart", "photo", "logo", "seal"])
def test_pictures_without_text_the_page_needs_are_skipped(draw, kind):
    assert _kind(draw()) == kind


def test_picture_of_no_size_is_not_read():
    assert _kind(np.zeros((0, 40, 3), np.uint8)) != "text"


def test_banner_in_the_top_margin_is_an_ornament():
    from pipeline.read.ocr.picture import by_place

    assert by_place((0, 10, 595, 80), 595, 842) == "decoration"
    assert by_place((40, 300, 550, 500), 595, 842) is None


def test_scan_of_a_page_is_read_as_a_picture_too():
    """A whole page of a sample, scanned and degraded (seal, JPEG, grey paper, speckle), looked at as
    if pasted into a text page: read."""
    import cv2
    from scans import degrade, render_pages

    img = degrade(render_pages(require(YANTIAN), DPI, [10])[0], "jpeg40+skew+speckle+grey+seal", seed=1)
    assert _kind(np.asarray(img)) == "text"
    small = cv2.resize(np.asarray(img), None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)
    from pipeline.read.ocr import picture

    assert picture.classify(small, DPI * 0.75, PAGE_AREA).kind == "text"


def _no_models(monkeypatch):
    """Loading an OCR engine fails the test."""
    from pipeline.read.ocr import engines

    def refuse(name=None):
        raise AssertionError("an OCR model was loaded")

    monkeypatch.setattr(engines, "get_engine", refuse)


def test_charts_of_a_real_budget_are_skipped_without_loading_a_model(monkeypatch):
    from pipeline.read.ingest import load

    _no_models(monkeypatch)
    doc = load(require(BEIJING))
    assert doc.source.ocr_pages == []
    assert "OCR: images on pages 7-8 skipped (chart)" in doc.notes


def test_text_layer_audit_never_imports_the_ocr_runtime():
    import subprocess
    import sys

    code = ("import sys; from pipeline.api import audit; r = audit(sys.argv[1]); "
            "assert 'onnxruntime' not in sys.modules and 'rapidocr_onnxruntime' not in sys.modules; "
            "print(r.source.pages)")
    res = subprocess.run([sys.executable, "-c", code, str(require(BEIJING))], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr[-1500:]


def test_pasted_chart_on_a_text_page_gets_a_note(tmp_path, monkeypatch):
    """A text page of the samples with a pie chart pasted below its text: the text layer is kept,
    nothing is read by OCR, and a note says which image was skipped and why."""
    import io

    import img2pdf
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    from pipeline.read.ingest import load

    buf = io.BytesIO()
    Image.fromarray(_pie()).save(buf, "PNG", dpi=(DPI, DPI))
    picture = PdfReader(io.BytesIO(img2pdf.convert(buf.getvalue(),
                                                   layout_fun=img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))))).pages[0]
    writer = PdfWriter()
    writer.append(str(require(YANTIAN)), pages=[8])  # p9: its text ends mid-page
    writer.pages[0].merge_translated_page(picture, 60, 60)
    out = tmp_path / "chart.pdf"
    with open(out, "wb") as f:
        writer.write(f)
    _no_models(monkeypatch)
    doc = load(out)
    assert doc.source.ocr_pages == [] and doc.pages[0].n_chars > 100
    assert "OCR: image on page 1 skipped (chart)" in doc.notes


def test_models_are_released_after_the_file_that_loaded_them(tmp_path, monkeypatch):
    from scans import scan_pdf

    from pipeline import errors
    from pipeline.read.ingest import load
    from pipeline.read.ocr import engines

    made = []

    class Blank:  # an engine that reads nothing
        name = "rapidocr"

        def __init__(self):
            made.append(self)

        def read(self, image):
            return []

    monkeypatch.setitem(engines.ENGINES, "rapidocr", Blank)
    monkeypatch.delitem(engines._LOADED, "rapidocr", raising=False)
    scan = scan_pdf(require(YANTIAN), tmp_path / "scan.pdf", dpi=72, pages=[10])
    with pytest.raises(errors.InputError):  # nothing read: "OCR found no text either"
        load(scan)
    assert len(made) == 1 and not engines.loaded("rapidocr")


def test_bad_threshold_fails_at_load_with_one_line(tmp_path, monkeypatch):
    from pipeline.errors import PatternsError
    from pipeline.read.ocr import rules

    pats = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", pats)
    text = (pats / "ocr.yaml").read_text(encoding="utf-8")
    (pats / "ocr.yaml").write_text(text.replace("chart_fill: 0.04", "chart_fill: 4"), encoding="utf-8")
    monkeypatch.setenv("GOVAUDIT_PATTERNS", str(pats))
    rules.rules.cache_clear()
    try:
        with pytest.raises(PatternsError) as e:
            rules.rules()
        msg = str(e.value)
        assert "\n" not in msg and "pictures.chart_fill" in msg and str(pats) in msg
    finally:
        rules.rules.cache_clear()
