"""OCR of scanned pages: a few pages of the samples and of a real file, scanned by poppler and
degraded (tests/scans.py), read back and compared with what the text layer of the same PDF gives.
The full sets (whole samples at 300 and 150 dpi, real files) run in bench/bench_ocr.py."""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import REAL_FILES, YANTIAN, require, run_cli

TABLE_PAGE = 10  # yantian p10: prose with four amounts, and 表1-3 采购执行情况表 (5 columns)
PROSE_NUMBERS = ["5,008.04", "5,002.97", "2,128.07", "2,039.49"]
NUM = re.compile(r"^-?\d[\d,]*(?:\.\d+)?%?$")


@pytest.fixture(scope="session")
def scans(tmp_path_factory):
    from scans import mixed_pdf, pasted_pdf, scan_pdf

    d = tmp_path_factory.mktemp("scans")
    require(YANTIAN)
    return {
        "degraded": scan_pdf(YANTIAN, d / "degraded.pdf", dpi=150, pages=[TABLE_PAGE], what="jpeg40+skew+speckle+grey"),
        "rot90": scan_pdf(YANTIAN, d / "rot90.pdf", dpi=200, pages=[TABLE_PAGE], what="rot90"),
        "seal": scan_pdf(YANTIAN, d / "seal.pdf", dpi=200, pages=[TABLE_PAGE], what="seal"),
        "mixed": mixed_pdf(require(REAL_FILES["caizhengju"]), d / "mixed.pdf", scanned_page=11),
        "pasted": pasted_pdf(YANTIAN, d / "pasted.pdf", table_page=TABLE_PAGE, onto_page=9),
    }


@pytest.fixture(scope="session")
def text_table():
    from pipeline.read.ingest import load

    doc = load(YANTIAN, ocr="never")
    table = next(t for t in doc.tables if t.page == TABLE_PAGE)  # continued on p11: its p10 rows only
    return table.model_copy(update={"rows": [r for r in table.rows if r.page == TABLE_PAGE], "continued_on": []})


@pytest.fixture(scope="session")
def docs(scans):
    from pipeline.read.ingest import load

    return {name: load(path) for name, path in scans.items() if name in ("degraded", "rot90", "seal")}


def _numbers(table):
    return [c.text for r in table.rows for c in r.cells if NUM.match(c.text)]


def _table_on(doc, page=1):
    return max((t for t in doc.tables if t.page == page), key=lambda t: len(t.rows), default=None)


# ----------------------------------------------------------------------------- engines and models

def test_models_come_in_the_wheel_and_load_once():
    """Nothing is downloaded: the PP-OCR models are files of the installed package."""
    import rapidocr_onnxruntime

    from pipeline.read.ocr.engines import get_engine

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    names = {p.name for p in models.glob("*.onnx")}
    assert any("det" in n for n in names) and any("rec" in n for n in names), names
    assert get_engine("rapidocr") is get_engine("rapidocr")  # one onnxruntime session set per process


def test_engine_reads_printed_digits_with_confidence():
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from pipeline.read.ocr.engines import get_engine

    img = Image.new("L", (900, 120), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 40)
    ImageDraw.Draw(img).text((20, 30), "实际支出 5,002.97 万元", fill=0, font=font)
    lines = get_engine().read(np.asarray(img))
    text = "".join(ln.text for ln in lines)
    assert "5,002.97" in text.replace(" ", "")
    digits = [c for ln in lines for c in ln.chars if c.text.isdigit()]
    assert len(digits) == 6 and all(c.conf > 0.95 for c in digits)
    assert all(c.x0 < c.x1 for c in digits) and [c.x0 for c in digits] == sorted(c.x0 for c in digits)


def test_one_read_as_a_dash_is_put_back():
    # 盐田 评分表 at 150 dpi: "一级指标" came back as "—级指标", and the table's shape was lost
    from pipeline.read.ocr import _fix_one
    from pipeline.read.ocr.engines import OcrChar

    def fixed(text):
        chars = [OcrChar(ch, i, i + 1, 0.99) for i, ch in enumerate(text)]
        _fix_one(chars)
        return "".join(c.text for c in chars)

    assert fixed("—级指标") == "一级指标" and fixed("（—）—般公共预算") == "（—）一般公共预算"
    assert fixed("——详见附件") == "——详见附件" and fixed("1—3月") == "1—3月" and fixed("—") == "—"


def test_mu_read_as_zi_in_xiangmu_is_put_back_as_a_guess():
    # 盐田 p19 at 150 dpi: "项目预算执行率 99.96%" came back as "项自预算执行率" (目 read as 自)
    from pipeline.read.ocr import GUESSED, _fix_words
    from pipeline.read.ocr.engines import OcrChar

    def fixed(text):
        chars = [OcrChar(ch, i, i + 1, 0.98) for i, ch in enumerate(text)]
        _fix_words(chars)
        return "".join(c.text for c in chars), min(c.conf for c in chars)

    assert fixed("项自预算执行率99.96%") == ("项目预算执行率99.96%", GUESSED)
    assert fixed("此项自2024年起执行") == ("此项自2024年起执行", 0.98)


def test_speck_before_a_number_is_dropped():
    # 龙华 p19 at 150 dpi with speckle: "执行率为.101.80%" (a number has one point, not two)
    from pipeline.read.ocr import _strip_specks
    from pipeline.read.ocr.engines import OcrChar

    def read(text):
        return "".join(c.text for c in _strip_specks([OcrChar(ch, i, i + 1, 0.99) for i, ch in enumerate(text)]))

    assert read("执行率为.101.80%；") == "执行率为101.80%；" and read("105.58:") == "105.58"
    assert read("1.101.80") == "1.101.80" and read("约.5元") == "约.5元"
    # 社会工作部 p6 at 200 dpi with speckle: the code 2080506 came back as "2080506-", which left its
    # row out of the code hierarchy and made two table sums false errors
    assert read("2080506-") == "2080506" and read("-5.00") == "-5.00" and read("1-3") == "1-3"
    # 社会工作部 p18 and p21: a speck before a year, and between an amount and its unit
    assert read("编报绩效目标的.2024年度项目1个") == "编报绩效目标的2024年度项目1个"
    assert read("拨款支出:307.82.万元，主要") == "拨款支出:307.82万元，主要"
    assert read("2.1.项目概况") == "2.1.项目概况" and read("2023.5年") == "2023.5年"


def test_separators_read_as_other_marks_are_put_back_as_guesses():
    # 社会工作部 p7 at 200 dpi: 购房补贴 "11.72" came back as "11,72" (not a number: the row was
    # taken for blank and 住房改革支出 29.42 = 17.70 + 11.72 became a false error)
    from pipeline.read.ocr import GUESSED, _fix_separators
    from pipeline.read.ocr.engines import OcrChar

    def fixed(text):
        chars = [OcrChar(ch, i, i + 1, 0.99) for i, ch in enumerate(text)]
        _fix_separators(chars)
        return "".join(c.text for c in chars), min(c.conf for c in chars)

    assert fixed("11,72") == ("11.72", GUESSED) and fixed("16:44") == ("16.44", GUESSED)
    assert fixed("2.039.49") == ("2,039.49", GUESSED)
    assert fixed("1,234") == ("1,234", 0.99) and fixed("1,234.56") == ("1,234.56", 0.99)
    assert fixed("3，456.00") == ("3,456.00", 0.99)


def test_upright_landscape_table_is_not_turned():
    """社会工作部 p7, a landscape page whose wide table's column rules make its ink look sideways:
    the detector's lines run across, so it stays upright (it was turned and read transposed)."""
    import numpy as np

    from pipeline.read.ocr import _best_turn
    from pipeline.read.ocr import image as im
    from pipeline.read.ocr.engines import get_engine

    grey, _ = _grid_image()
    grey = np.pad(grey, ((0, 300), (0, 900)), constant_values=255)  # landscape, table at the top
    assert _best_turn(get_engine(), grey, im.ink(grey)) == 0
    turned = im.turn(grey, 1)
    assert _best_turn(get_engine(), turned, im.ink(turned)) == 3  # a quarter turn back


# ----------------------------------------------------------------------------- cells detection missed

# a small ruled table drawn at 300 dpi: rows of (label, this year, last year)
GRID_ROWS = [("项目", "本年", "上年"), ("合计", "30.75", "28.00"), ("基本支出", "18.50", "16.00"),
             ("项目支出", "12.25", "12.00")]


def _grid_image(specks_in_last_cell: bool = False):
    """The table of GRID_ROWS as a grey page image (300 dpi), with the cell positions (pixels); the
    last column of the last row holds only speckle noise when ``specks_in_last_cell``."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1500, 700), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 42)  # 10 pt at 300 dpi
    xs, ys = [100, 600, 1000, 1400], [100, 220, 340, 460, 580]
    for x in xs:
        d.rectangle([x, ys[0], x + 3, ys[-1] + 3], fill=0)
    for y in ys:
        d.rectangle([xs[0], y, xs[-1] + 3, y + 3], fill=0)
    cells = {}
    for i, row in enumerate(GRID_ROWS):
        for j, text in enumerate(row):
            cells[(i, j)] = (xs[j], ys[i], xs[j + 1], ys[i + 1])
            if specks_in_last_cell and (i, j) == (3, 2):
                continue
            d.text(((xs[j] + xs[j + 1]) / 2, (ys[i] + ys[i + 1]) / 2), text, fill=0, font=font, anchor="mm")
    a = np.asarray(img).copy()
    if specks_in_last_cell:
        x0, y0, x1, y1 = cells[(3, 2)]
        rng = np.random.default_rng(1)
        for _ in range(25):
            y, x = rng.integers(y0 + 12, y1 - 12), rng.integers(x0 + 12, x1 - 12)
            a[y:y + 2, x:x + 2] = 0
    return a, cells


class _Blind:
    """The real engine, except that detection misses whatever lies in ``lost`` (pixel boxes)."""

    name = "blind"

    def __init__(self, lost):
        from pipeline.read.ocr.engines import get_engine

        self.engine, self.lost = get_engine("rapidocr"), lost

    def read(self, image):
        def inside(ln):
            cx, cy = (ln.box[0] + ln.box[2]) / 2, (ln.box[1] + ln.box[3]) / 2
            return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in self.lost)
        return [ln for ln in self.engine.read(image) if not inside(ln)]

    def recognize(self, image, boxes):
        return self.engine.recognize(image, boxes)


def test_cell_missed_by_detection_is_read_again():
    """Detection leaves a number's cell empty (a faint or speckled cell on a reduced copy of the
    page): the cell holds ink, so it is read again, and the number is back in its cell with its
    recognition confidence; a cell holding only specks is not read."""
    import numpy as np

    from pipeline.read.ocr import ocr_image

    grey, cells = _grid_image()
    lost = cells[(3, 1)]  # 12.25
    got = ocr_image(np.dstack([grey] * 3), 300, _Blind([lost]))
    k = 72 / 300
    inside = [c for c in got.chars if lost[0] * k <= (c["x0"] + c["x1"]) / 2 <= lost[2] * k
              and lost[1] * k <= (c["top"] + c["bottom"]) / 2 <= lost[3] * k]
    assert "".join(c["text"] for c in inside) == "12.25"
    assert all(c["conf"] > 0.9 for c in inside) and got.recovered == 1 and got.unread == []

    grey, cells = _grid_image(specks_in_last_cell=True)
    got = ocr_image(np.dstack([grey] * 3), 300, _Blind([]))
    assert got.recovered == 0 and got.unread == []


def test_cell_read_again_lands_in_the_table(tmp_path, monkeypatch):
    """Through ingestion: the scanned table's lost cell is a cell of the Table again."""
    import io

    import img2pdf
    from PIL import Image

    from pipeline.read.ingest import load
    from pipeline.read.ocr import engines

    grey, cells = _grid_image()
    buf = io.BytesIO()
    Image.fromarray(grey).save(buf, "PNG", dpi=(300, 300))
    pdf = tmp_path / "grid.pdf"
    pdf.write_bytes(img2pdf.convert(buf.getvalue(), layout_fun=img2pdf.get_fixed_dpi_layout_fun((300, 300))))
    monkeypatch.setitem(engines._LOADED, "rapidocr", _Blind([cells[(3, 1)], cells[(1, 2)]]))  # 12.25, 28.00
    doc = load(pdf, cross_check=False)
    table = _table_on(doc)
    assert table is not None
    assert [[c.text for c in r.cells] for r in table.rows] == [list(r) for r in GRID_ROWS]


# ----------------------------------------------------------------------------- page selection

def test_pages_chosen_for_ocr():
    from pipeline.read.backends import PageRecord
    from pipeline.read.ocr.select import garbage_share, plan_page

    def chars(text):
        return [{"text": ch, "x0": i * 10.0, "x1": i * 10.0 + 9, "top": 100.0, "bottom": 110.0} for i, ch in
                enumerate(text)]

    class NoImages:  # a pdfium document whose page has no image objects
        def __getitem__(self, i):
            raise AssertionError("image objects are not needed here")

    garbage = PageRecord(1, 595, 842, chars("\ue012\ue013\ue014⺀⺁2023年\ue020\ue021\ue022\ue023\ue024\ue025"
                                            "\ue026\ue027\ue028\ue029\ue02a"), [])
    good = PageRecord(1, 595, 842, chars("2023年度部门整体支出绩效评价报告，预算执行率为99.9%。"), [])
    assert garbage_share(garbage.chars) > 0.5 and garbage_share(good.chars) == 0
    assert plan_page(garbage, NoImages(), 0, "auto").whole
    assert plan_page(good, NoImages(), 0, "always").whole
    assert not plan_page(garbage, NoImages(), 0, "never")


# ----------------------------------------------------------------------------- scans

def test_degraded_scan_reads_the_table_and_the_prose(docs, text_table):
    """150 dpi, JPEG 40, 1.5° skew, speckles, grey paper: the ruled table comes back as the same
    Table (same shape, numbers in the same cells) and the prose amounts are read."""
    doc = docs["degraded"]
    assert doc.source.ocr_pages == [1] and doc.pages[0].ocr_regions
    table = _table_on(doc)
    assert table is not None
    assert (len(table.rows), table.n_cols) == (len(text_table.rows), text_table.n_cols)
    want, got = _numbers(text_table), [c.text for r in table.rows for c in r.cells]
    same = sum(a == b for a, b in zip([c.text for r in text_table.rows for c in r.cells], got)
               if NUM.match(a))
    assert same / len(want) >= 0.97, (want, got)
    prose = doc.full_text()
    assert all(n in prose for n in PROSE_NUMBERS)


def test_sideways_scan_is_turned(docs, text_table):
    doc = docs["rot90"]
    assert doc.pages[0].ocr_turns in (1, 3)
    assert doc.pages[0].width < doc.pages[0].height  # the upright page
    table = _table_on(doc)
    assert table is not None and _numbers(table) == _numbers(text_table)


def test_red_seal_never_gives_a_confident_wrong_number(docs, text_table):
    """Every number under the seal is either read right or carries a doubtful confidence."""
    from pipeline.check.ocr import DOUBTFUL

    doc = docs["seal"]
    page = doc.pages[0]
    table = _table_on(doc)
    assert table is not None and table.n_cols == text_table.n_cols
    wrong_but_sure = []
    for want_row, row in zip(text_table.rows, table.rows):
        for want, cell in zip(want_row.cells, row.cells):
            if NUM.match(want.text) and cell.text != want.text:
                conf = page.ocr_confidence(cell.bbox)
                if conf is None or conf >= DOUBTFUL:
                    wrong_but_sure.append((want.text, cell.text, conf))
    assert not wrong_but_sure


def test_low_confidence_turns_an_error_into_a_warning(docs):
    """The central rule: the same failed check is an error on confident digits and a warning
    naming OCR 置信度低 when one of its numbers was read with low confidence."""
    from pipeline.check.ocr import LOW_CONFIDENCE, doubt_errors
    from pipeline.schema import CheckResult, Evidence

    doc = docs["degraded"].model_copy(deep=True)
    page = doc.pages[0]
    span = next(s for s in page.ocr_spans if "5,008.04" in s.text)
    k = span.text.index("5,008.04")
    span.chars = [(x0, x1, 0.99) for x0, x1, _ in span.chars]  # all read with confidence
    box = (span.chars[k][0], span.bbox[1], span.chars[k + 7][1], span.bbox[3])  # the number's box

    def failed():
        return CheckResult(rule="t", kind="sum", outcome="fail", severity="error", message="合计不符",
                           evidence=[Evidence(page=1, bbox=box, quote=span.text, value_text="5,008.04")])

    sure = failed()
    doubt_errors([sure], doc)
    assert sure.severity == "error"
    span.chars[k + 2] = (span.chars[k + 2][0], span.chars[k + 2][1], 0.41)  # the "0" became doubtful
    doubtful = failed()
    doubt_errors([doubtful], doc)
    assert doubtful.severity == "warning" and LOW_CONFIDENCE in doubtful.message and "0.41" in doubtful.message


def test_cell_with_unread_print_turns_an_error_into_a_warning(docs):
    """A cell of the table holds print that OCR could not read (``Page.ocr_unread``): a failed
    check in its column is a warning naming OCR 可能漏读; one elsewhere stays an error."""
    from pipeline.check.ocr import MAYBE_MISSED, doubt_errors
    from pipeline.schema import CheckResult, Evidence

    doc = docs["degraded"].model_copy(deep=True)
    page = doc.pages[0]
    for s in page.ocr_spans:
        s.chars = [(x0, x1, 0.99) for x0, x1, _ in s.chars]  # every digit read with confidence
    table = _table_on(doc)  # yantian p10 表1-3: 二级项目名称 | 指标金额 | 计划金额 | 已支付金额 | 执行率
    total, below, elsewhere_cell = table.rows[1].cells[1], table.rows[2].cells[1], table.rows[4].cells[2]
    assert (total.text, below.text) == ("155.20", "92.48")

    def failed():
        return CheckResult(rule="t", kind="table_sum", outcome="fail", severity="error", message="合计不符",
                           evidence=[Evidence(page=1, bbox=total.bbox, quote=total.text, value_text=total.text)])

    sure = failed()
    doubt_errors([sure], doc)
    assert sure.severity == "error"
    page.ocr_unread = [elsewhere_cell.bbox]  # neither its row nor its column
    elsewhere = failed()
    doubt_errors([elsewhere], doc)
    assert elsewhere.severity == "error"
    page.ocr_unread.append(below.bbox)  # the cell under the total
    missed = failed()
    doubt_errors([missed], doc)
    assert missed.severity == "warning" and MAYBE_MISSED in missed.message


def test_mixed_pdf_reads_only_the_scanned_page(scans):
    from pipeline.api import audit

    text = audit(REAL_FILES["caizhengju"], ocr="never")
    mixed = audit(scans["mixed"])
    assert mixed.source.ocr_pages == [11]
    on = {(i.key, i.value) for i in mixed.indicators if i.page == 11}
    want = {(i.key, i.value) for i in text.indicators if i.page == 11}
    assert len(on & want) >= 0.97 * len(want)
    assert all(i.confidence is not None for i in mixed.indicators if i.page == 11)
    assert all(i.confidence is None for i in mixed.indicators if i.page != 11)
    errors = lambda r: sorted(f.rule for f in r.findings if f.severity == "error")  # noqa: E731
    assert errors(mixed) == errors(text)  # every contradiction found, no new error


def test_table_pasted_as_a_picture_is_read(scans, text_table):
    """A text page (yantian p9, whose text ends mid-page) with a picture of a table pasted below
    its text: the picture is read as a region, the text layer is kept."""
    from pipeline.read.ingest import load

    text = load(YANTIAN, ocr="never")
    doc = load(scans["pasted"])
    assert doc.source.ocr_pages == [1]
    region = doc.pages[0].ocr_regions[0]
    assert region[3] - region[1] < doc.pages[0].height / 2  # a region, not the page
    kept = [p.text for p in text.paragraphs if p.pages == [9]]
    assert kept and all(t in doc.full_text() for t in kept)
    table = _table_on(doc)
    assert table is not None and _numbers(table) == _numbers(text_table)


# ----------------------------------------------------------------------------- command line, batch

def test_ocr_flag(scans, tmp_path):
    never = run_cli("extract", str(scans["degraded"]), "--ocr", "never")
    assert never.returncode == 2 and "no text layer" in never.stderr
    out = tmp_path / "r.json"
    auto = run_cli("extract", str(scans["degraded"]), "-o", str(out))
    assert auto.returncode == 0, auto.stderr
    data = json.loads(out.read_text())
    assert data["source"]["ocr_pages"] == [1]
    assert data["indicators"] and all(i["confidence"] is not None for i in data["indicators"])


def test_batch_caches_pages(scans, tmp_path):
    """A second batch over a changed file with the same page image reads it from the cache."""
    import pikepdf

    from pipeline.run.runner import batch
    from pipeline.run.store import OCR_CACHE_NAME

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    shutil.copy(scans["degraded"], folder / "scan.pdf")
    first = batch(folder, out, jobs=1, ocr="auto")
    assert first.ocr_pages == 1 and first.ok == 1
    cache = out / OCR_CACHE_NAME

    def rows():
        with sqlite3.connect(cache) as db:
            return db.execute("SELECT key, created_at FROM ocr_pages").fetchall()

    before = rows()
    assert len(before) == 1
    with pikepdf.open(folder / "scan.pdf", allow_overwriting_input=True) as pdf:
        pdf.docinfo["/Title"] = "changed"
        pdf.save(folder / "scan.pdf")
    second = batch(folder, out, jobs=1, ocr="auto")
    assert second.processed == 1 and second.ocr_pages == 1
    assert rows() == before  # the page was not read again
