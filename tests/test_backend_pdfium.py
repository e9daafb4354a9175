"""The pdfium backend reads what the pdfplumber backend reads: same characters and edges per page,
same lines, paragraphs, tables, cells and cross-check verdicts per document, boxes within a
fraction of a point. Also: camelot only where it adds information, the jieba dictionary cached on
disk, and a fast cold start."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import pytest

from conftest import LONGHUA, REAL_FILES, ROOT, YANTIAN, document, require
from pipeline.read.backends import PageRecord, backend_name, dedupe_chars

ALL = {"yantian": YANTIAN, "longhua": LONGHUA, **REAL_FILES}
TOL = 0.5  # points


@lru_cache(maxsize=None)
def plumber_document(path: str):
    from pipeline.read.ingest import load
    return load(require(Path(path)), backend="pdfplumber")


def _close(a, b, tol=TOL) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


# -- page records --------------------------------------------------------------------------------

def _records(path: Path, backend: str) -> list[PageRecord]:
    from pipeline.read.backends import open_pdf
    reader = open_pdf(path, backend)
    try:
        return [reader.page(i) for i in range(reader.n_pages)]
    finally:
        reader.close()


def _printable(rec: PageRecord) -> list[dict]:
    return [c for c in rec.chars if c["text"].strip()]


def _pair(ref: list, ours: list, key, box, tol=TOL) -> list[tuple]:
    """Pair every item of ``ref`` with an item of ``ours`` of the same ``key`` whose ``box`` is
    within ``tol`` (each used once); fails on any item left over on either side."""
    buckets: dict = {}
    for o in ours:
        b = box(o)
        buckets.setdefault((key(o), round(b[0]), round(b[1])), []).append(o)
    pairs = []
    for r in ref:
        b = box(r)
        found = None
        for dx in (0, -1, 1):
            for dy in (0, -1, 1):
                for o in buckets.get((key(r), round(b[0]) + dx, round(b[1]) + dy), []):
                    if _close(b, box(o), tol):
                        found = o
                        break
                if found is not None:
                    break
            if found is not None:
                break
        assert found is not None, f"no counterpart for {key(r)} at {b}"
        buckets[(key(found), round(box(found)[0]), round(box(found)[1]))].remove(found)
        pairs.append((r, found))
    left = [o for lst in buckets.values() for o in lst]
    assert not left, f"{len(left)} items only in pdfium's, e.g. {left[:3]}"
    return pairs


_CHAR_BOX = itemgetter("x0", "top", "x1", "bottom", "size")
_EDGE_BOX = itemgetter("x0", "top", "x1", "bottom")


def _grids(rec: PageRecord) -> list[list[list]]:
    return [[list(r.cells) for r in t.rows] for t in rec.find_tables()]


@pytest.mark.parametrize("name", sorted(ALL))
def test_page_records_match_pdfplumber(name):
    """Per page: the same characters (text, box, size, upright), the same level and plumb edges,
    and pdfplumber's table finder sees the same grids in both."""
    path = require(ALL[name])
    for ref, rec in zip(_records(path, "pdfplumber"), _records(path, "pdfium"), strict=True):
        assert (rec.page_number, round(rec.width, 2), round(rec.height, 2)) == \
            (ref.page_number, round(ref.width, 2), round(ref.height, 2))
        for x, y in _pair(_printable(ref), _printable(rec), itemgetter("text"), _CHAR_BOX):
            assert x["upright"] == y["upright"]
        _pair([e for e in ref.edges if e["orientation"]], [e for e in rec.edges if e["orientation"]],
              itemgetter("orientation"), _EDGE_BOX)
        ga, gb = _grids(ref), _grids(rec)
        assert [[len(r) for r in g] for g in ga] == [[len(r) for r in g] for g in gb], f"p{ref.page_number}"
        for g1, g2 in zip(ga, gb):
            for r1, r2 in zip(g1, g2):
                for c1, c2 in zip(r1, r2):
                    assert (c1 is None) == (c2 is None) and (c1 is None or _close(c1, c2)), (ref.page_number, c1, c2)


# -- documents ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ALL))
def test_documents_match_pdfplumber_backend(name):
    """What ingestion makes of the pages: same lines (text and box), paragraphs, furniture, tables
    (rows, cell texts and boxes, caption, unit, pages, cross-check verdicts)."""
    ref = plumber_document(str(ALL[name]))
    doc = document(str(ALL[name]))  # the default backend
    assert backend_name() == "pdfium"
    assert [(p.number, p.n_chars) for p in doc.pages] == [(p.number, p.n_chars) for p in ref.pages]
    assert [p.text for p in doc.paragraphs] == [p.text for p in ref.paragraphs]
    assert [p.raw for p in doc.paragraphs] == [p.raw for p in ref.paragraphs]
    for pa, pb in zip(ref.paragraphs, doc.paragraphs):
        assert [(ln.page, ln.text) for ln in pa.lines] == [(ln.page, ln.text) for ln in pb.lines]
        for la, lb in zip(pa.lines, pb.lines):
            assert _close(la.bbox, lb.bbox), (la.text, la.bbox, lb.bbox)
            assert len(la.xs) == len(lb.xs) and all(_close(u, v) for u, v in zip(la.xs, lb.xs))
    assert [[ln.text for ln in p.furniture] for p in doc.pages] == [[ln.text for ln in p.furniture] for p in ref.pages]
    assert len(doc.tables) == len(ref.tables)
    for ta, tb in zip(ref.tables, doc.tables):
        assert (tb.page, tb.pages, tb.caption, tb.unit, tb.finder, tb.n_header_rows, tb.cross_check) == \
            (ta.page, ta.pages, ta.caption, ta.unit, ta.finder, ta.n_header_rows, ta.cross_check)
        assert [r.texts for r in tb.rows] == [r.texts for r in ta.rows]
        assert [r.raw for r in tb.rows] == [r.raw for r in ta.rows]
        assert _close(ta.bbox, tb.bbox)
        for ra, rb in zip(ta.rows, tb.rows):
            for ca, cb in zip(ra.cells, rb.cells):
                assert (ca.bbox is None) == (cb.bbox is None) and (ca.bbox is None or _close(ca.bbox, cb.bbox))


# -- a hand-made PDF: what the report PDFs do not exercise ---------------------------------------

def _synthetic_pdf(path: Path) -> Path:
    """Text under a scaled text matrix and a scaling cm, a standard-14 font, a TrueType font whose
    descriptor says Descent 0, a form XObject with a rect, a line and text, a filled triangle and a
    Bézier curve."""
    content = b"""BT /F1 1 Tf 12 0 0 12 100 700 Tm (Hello) Tj ET
q 2 0 0 2 0 0 cm BT /F1 10 Tf 50 300 Td (World) Tj ET Q
BT /F2 10 Tf 100 650 Td (Desc0) Tj ET
100 100 200 50 re S
100 50 m 300 50 l S
100 30 m 300 30 l 300 20 l h f
q 1 0 0 1 50 400 cm /Fm1 Do Q
100 500 m 150 550 200 500 250 550 c S
"""
    form = b"100 0 120 40 re S 100 20 m 220 20 l S BT /F1 8 Tf 105 5 Td (InForm) Tj ET"
    widths = b" ".join([b"500"] * 95)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 7 0 R >> /XObject << /Fm1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 300 100] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Length %d >>\nstream\n" % len(form) + form + b"\nendstream",
        b"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Arial /FirstChar 32 /LastChar 126 /Widths ["
        + widths + b"] /FontDescriptor 8 0 R >>",
        b"<< /Type /FontDescriptor /FontName /ABCDEF+Arial /Flags 32 /FontBBox [-665 -325 2000 1006] "
        b"/ItalicAngle 0 /Ascent 0 /Descent 0 /CapHeight 716 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_synthetic_pdf_chars_and_edges(tmp_path):
    pdf = _synthetic_pdf(tmp_path / "synthetic.pdf")
    (ref,), (rec,) = _records(pdf, "pdfplumber"), _records(pdf, "pdfium")
    a, b = _printable(ref), _printable(rec)
    assert sorted(c["text"] for c in a) == sorted(c["text"] for c in b)
    assert {c["text"] for c in b} >= set("HelloWorldDesc0InForm")
    # exact but for x1 where the ink of a substituted (not embedded) glyph overhangs its advance:
    # pdfium's loose box then ends at the ink ("D" in the Arial stand-in: 1.74 pt); a known limit
    for x, y in _pair(a, b, itemgetter("text"), itemgetter("x0", "top", "bottom", "size"), 0.01):
        assert -0.01 < y["x1"] - x["x1"] < 2.0, (x["text"], x["x1"], y["x1"])
    _pair([e for e in ref.edges], [e for e in rec.edges], lambda e: e["orientation"] or "", _EDGE_BOX, 0.01)


# -- dedupe ------------------------------------------------------------------------------------

def test_dedupe_is_pdfplumbers():
    from pdfplumber.utils.text import dedupe_chars as reference

    rnd = random.Random(7)
    for _ in range(300):
        chars = []
        for _ in range(rnd.randint(0, 60)):
            noise = rnd.choice([0.0, rnd.random() * 0.3])
            chars.append({"text": rnd.choice("ab1"), "upright": rnd.random() > 0.1, "fontname": rnd.choice("FG"),
                          "size": rnd.choice([9.0, 10.0]), "doctop": rnd.choice([10, 10.5, 11.2, 12.5, 30]) + noise,
                          "x0": rnd.choice([5, 5.4, 6, 7.3, 20]) + noise})
        assert [id(c) for c in dedupe_chars(chars)] == [id(c) for c in reference(chars)]


# -- where camelot runs --------------------------------------------------------------------------

def _spy_camelot(monkeypatch) -> list[list[int]]:
    from pipeline.read import camelot_check

    asked: list[list[int]] = []
    real = camelot_check.read_grids

    def spy(path, pages, heights=None, failed=None):
        asked.append(list(pages))
        return real(path, pages, heights, failed)

    monkeypatch.setattr(camelot_check, "read_grids", spy)
    return asked


def test_camelot_not_run_where_our_finder_found_the_table(monkeypatch):
    """龙华 2019 has a header rule on 23 pages and one ruled table (p19), which our finder reads
    whole: camelot is not asked; with cross_check="all" it reads p19 only, and agrees."""
    from pipeline.read.ingest import load

    asked = _spy_camelot(monkeypatch)
    doc = load(require(LONGHUA))
    assert asked == [] and [t.page for t in doc.tables] == [19] and doc.tables[0].cross_check == []
    doc = load(require(LONGHUA), cross_check="all")
    assert asked == [[19]]
    assert [(v.page, v.reason, v.verdict) for v in doc.tables[0].cross_check] == [(19, "requested", "agrees")]


def _rules(ys: list[float], xs: list[float]) -> list[dict]:
    h = [{"orientation": "h", "x0": xs[0], "x1": xs[-1], "top": y, "bottom": y, "width": xs[-1] - xs[0],
          "height": 0.0} for y in ys]
    v = [{"orientation": "v", "x0": x, "x1": x, "top": ys[0], "bottom": ys[-1], "width": 0.0,
          "height": ys[-1] - ys[0]} for x in xs]
    return h + v


def test_camelot_asked_where_our_finder_may_have_missed_a_grid(monkeypatch):
    """No table of ours on a page whose rules make two rows and two columns: camelot is asked.
    Rules for one row at most (财政局 2024 p14, 万里街道 2024 p15 and p20: a boxed row, where camelot
    finds nothing or one row, which is never adopted): not asked, camelot not even imported."""
    from pipeline.read import ingest

    grid = PageRecord(page_number=1, width=600, height=800, chars=[], edges=_rules([100, 120, 140], [50, 150, 250]))
    one_row = PageRecord(page_number=1, width=600, height=800, chars=[],
                         edges=_rules([100, 120], [50, 100, 150, 200, 250, 300]))
    assert ingest._ask_camelot(True, grid, [], []) == "no_table_found"
    assert ingest._ask_camelot(True, one_row, [], []) is None
    assert ingest._ask_camelot("all", one_row, [], []) == "requested"
    asked = _spy_camelot(monkeypatch)
    ingest.load(require(REAL_FILES["caizhengju"]))
    assert asked == []


def test_a_grid_only_camelot_finds_is_adopted_and_filled_with_our_characters(monkeypatch):
    """The page read again with camelot's grid: its cells take the page's own characters, and the
    table says camelot found it (verdict camelot_only)."""
    from pipeline.read import camelot_check, ingest
    from pipeline.document import Page

    chars = [{"text": t, "x0": x, "x1": x + 8, "top": y, "bottom": y + 10, "doctop": y, "size": 10.0,
              "upright": True, "fontname": "F"} for t, x, y in (("甲", 60, 105), ("1", 160, 105), ("乙", 60, 125),
                                                                 ("2", 160, 125))]
    rec = PageRecord(page_number=3, width=600, height=800, chars=chars, edges=[])
    cam = camelot_check.CamelotTable(page=3, bbox=(50, 100, 250, 140), texts=[["x", "y"], ["z", "w"]], grid=[
        [(50, 100, 150, 120), (150, 100, 250, 120)], [(50, 120, 150, 140), (150, 120, 250, 140)]])
    monkeypatch.setattr(camelot_check, "read_grids", lambda path, pages, heights=None: {3: [cam]})
    per_page = {3: ingest._read_page(rec)[:2]}
    assert per_page[3][1] == []
    ingest._cross_check_tables(Path("x.pdf"), [Page(number=3, width=600, height=800, n_chars=4)], per_page,
                               {3: (rec, "no_table_found")})
    (table,) = per_page[3][1]
    assert table.finder == "camelot" and [r.texts for r in table.rows] == [["甲", "1"], ["乙", "2"]]
    assert [(v.reason, v.verdict, v.other) for v in table.cross_check] == [("no_table_found", "camelot_only", (2, 2))]


def test_structure_in_doubt_asks_camelot(monkeypatch):
    """A table with characters inside its box that no cell took is read again by camelot."""
    from pipeline.document import Cell, Row, Table
    from pipeline.read import ingest
    from pipeline.read.backends import PageRecord

    t = Table(index=0, page=1, bbox=(10, 10, 100, 50), rows=[Row(page=1, bbox=(10, 10, 100, 30), cells=[
        Cell(text="a", raw="a", bbox=(10, 10, 100, 30))])])
    inside = {"text": "x", "x0": 40, "x1": 45, "top": 35, "bottom": 45}
    outside = {"text": "y", "x0": 140, "x1": 145, "top": 35, "bottom": 45}
    assert ingest._stray_chars(t, [inside, outside]) and not ingest._stray_chars(t, [outside])
    rec = PageRecord(page_number=1, width=200, height=200, chars=[], edges=[])
    assert ingest._ask_camelot(True, rec, [t], [t]) == "structure_in_doubt"
    assert ingest._ask_camelot(True, rec, [t], []) is None
    assert ingest._ask_camelot(False, rec, [t], [t]) is None


def test_second_reading_on_demand_is_structured_and_read_once(monkeypatch):
    """What the check stage calls when a table check fails: one CrossCheck per page of the table,
    kept on the table; asking again reads nothing."""
    from pipeline.read.camelot_check import second_reading

    asked = _spy_camelot(monkeypatch)
    table = next(t for t in document(str(YANTIAN)).tables if t.continued_on).model_copy(deep=True)
    verdicts = second_reading(str(YANTIAN), table)
    assert [v.page for v in verdicts] == table.pages and table.cross_check == verdicts
    assert all(v.reason == "check_failed" and v.verdict == "agrees" and v.ours == v.other and v.cells_compared
               for v in verdicts[:1])
    assert second_reading(str(YANTIAN), table) == verdicts and len(asked) == 1
    # a file camelot cannot read: no verdict (not "not_found"), nothing kept on the table
    fresh = table.model_copy(update={"cross_check": []})
    assert second_reading(str(ROOT / "README.md"), fresh) == [] and fresh.cross_check == []


def test_backend_choice(monkeypatch):
    monkeypatch.setenv("GOVAUDIT_BACKEND", "pdfplumber")
    assert backend_name() == "pdfplumber"
    monkeypatch.setenv("GOVAUDIT_BACKEND", "nonsense")
    with pytest.raises(ValueError):
        backend_name()


# -- cold start --------------------------------------------------------------------------------

def test_cold_start_help_is_fast_and_light():
    """``govaudit --help`` imports none of the PDF, table or data libraries (measured: ~0.05 s)."""
    code = ("import sys, time; t = time.perf_counter(); import pipeline.cli; "
            "heavy = [m for m in ('pdfplumber', 'pdfminer', 'pypdfium2', 'camelot', 'cv2', 'pandas', 'jieba', 'numpy') "
            "if m in sys.modules]; print(heavy)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert res.stdout.strip() == "[]", res.stdout
    exe = Path(sys.executable).with_name("govaudit")
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "pipeline", "--help"]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        assert res.returncode == 0 and "extract" in res.stdout
    assert min(times) < 2.0, times


def test_audit_imports_no_table_or_data_library_and_stays_small(tmp_path):
    """An audit whose tables our finder read and whose table checks pass (龙华) imports neither
    camelot nor pandas nor OpenCV (camelot reads a table again only when a table check fails:
    tests/test_second_reading.py), and reads the jieba dictionary from its disk cache: peak RSS
    well under jieba's whole dictionary plus camelot (measured: ~100 MB against ~250 MB before)."""
    # peak RSS from /proc (VmHWM: this process's own memory); ru_maxrss would also count what the
    # pytest process held when it forked this one (Linux keeps it across exec)
    code = ("import re, sys; from pipeline.api import audit; audit(sys.argv[1]); "
            "heavy = [m for m in ('camelot', 'cv2', 'pandas', 'pkg_resources') if m in sys.modules]; "
            "print(heavy, int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024)")
    env = {**os.environ, "GOVAUDIT_CACHE": str(tmp_path)}
    for _ in range(2):  # the first run builds the dictionary cache, the second reads it
        res = subprocess.run([sys.executable, "-c", code, str(require(LONGHUA))], capture_output=True, text=True,
                             cwd=ROOT, env=env, check=True)
    heavy, rss = res.stdout.strip().rsplit(" ", 1)
    assert heavy == "[]" and int(rss) < 160, res.stdout
    assert [p.name[:6] for p in tmp_path.iterdir()] == ["jieba-"]


# -- jieba's dictionary --------------------------------------------------------------------------

def test_jieba_dictionary_cached_on_disk_and_reused(tmp_path, monkeypatch):
    """The merged dictionary is built once into the cache folder; later tokenizers read it (jieba's
    own loader is not called) and cut exactly as jieba with the whole dictionary does."""
    import importlib

    import jieba

    words = importlib.import_module("pipeline.extract.words")
    monkeypatch.setenv("GOVAUDIT_CACHE", str(tmp_path))
    words._tokenizer.cache_clear()
    try:
        built = words._tokenizer()
        (cached,) = tmp_path.glob("jieba-*.dict")
        stamp = cached.stat().st_mtime_ns
        words._tokenizer.cache_clear()

        def no_loading(*a, **k):
            raise AssertionError("jieba's dictionary loaded again")

        monkeypatch.setattr(jieba.Tokenizer, "initialize", no_loading)
        again = words._tokenizer()
        assert again is not built and cached.stat().st_mtime_ns == stamp
        monkeypatch.undo()
        whole = jieba.Tokenizer()
        for w in words._our_words():
            whole.add_word(w, freq=words._USER_FREQ)
        for text in [p.text for p in document(str(YANTIAN)).paragraphs[:80]] + ["离退休干部用车0辆", "退休2人"]:
            assert list(again.cut(text, HMM=False)) == list(whole.cut(text, HMM=False)), text
        assert len(again.FREQ) < len(whole.FREQ) / 2  # only the buckets these texts needed
    finally:
        words._tokenizer.cache_clear()
        words.boundaries.cache_clear()


# -- table finding and cell filling ---------------------------------------------------------------

def _random_edges(rnd: random.Random) -> list[dict]:
    xs = sorted(rnd.sample(range(0, 400, 10), rnd.randint(2, 7)))
    ys = sorted(rnd.sample(range(0, 400, 10), rnd.randint(2, 7)))
    edges = []
    for y in ys:
        for a, b in zip(xs, xs[1:]):
            if rnd.random() < 0.85:
                edges.append({"orientation": "h", "x0": a + rnd.choice([0, 0, 1.5]), "x1": b, "top": y, "bottom": y,
                              "width": b - a, "height": 0.0, "object_type": "line", "doctop": y})
    for x in xs:
        for a, b in zip(ys, ys[1:]):
            if rnd.random() < 0.85:
                edges.append({"orientation": "v", "x0": x, "x1": x, "top": a, "bottom": b + rnd.choice([0, 0, 2.5]),
                              "width": 0.0, "height": b - a, "object_type": "line", "doctop": a})
    rnd.shuffle(edges)
    return edges


def test_table_finder_steps_are_pdfplumbers():
    """Intersections and cells by index give pdfplumber's points (with their edges, in order) and
    cells, on random partly ruled grids; find_tables gives its tables."""
    from pdfplumber import table as pt

    from pipeline.read.backends import _cells, _intersections

    rnd = random.Random(11)
    for _ in range(150):
        edges = _random_edges(rnd)
        ref = pt.edges_to_intersections(edges, 3, 3)
        ours = _intersections(edges, 3, 3)
        assert list(ours) == list(ref)
        assert all([id(e) for e in ours[p][k]] == [id(e) for e in ref[p][k]] for p in ref for k in ("v", "h"))
        assert _cells(ref) == pt.intersections_to_cells(ref)
        rec = PageRecord(page_number=1, width=400, height=400, chars=[], edges=edges)
        assert [t.cells for t in rec.find_tables()] == [t.cells for t in pt.TableFinder(rec).tables]


def test_cell_index_finds_the_first_box_holding_a_point():
    """Cell filling's index answers as testing every box in grid order would, on and off edges."""
    from pipeline.read.tables import _CellIndex

    rnd = random.Random(5)
    for _ in range(300):
        xs = sorted(rnd.sample(range(0, 60), rnd.randint(2, 6)))
        ys = sorted(rnd.sample(range(0, 60), rnd.randint(2, 6)))
        boxes = [(xs[a], ys[b], xs[min(len(xs) - 1, a + rnd.choice([1, 1, 2]))], ys[min(len(ys) - 1, b + rnd.choice([1, 2]))])
                 for a in range(len(xs) - 1) for b in range(len(ys) - 1)]
        index = _CellIndex(boxes)
        for _ in range(40):
            x = rnd.choice([rnd.uniform(-2, 62), rnd.choice(xs)])
            y = rnd.choice([rnd.uniform(-2, 62), rnd.choice(ys)])
            assert index(x, y) == next((b for b in boxes if b[0] <= x <= b[2] and b[1] <= y <= b[3]), None)


def test_image_boxes_read_in_the_edge_walk(tmp_path):
    """The pdfium backend lists image objects' boxes while it walks the page for edges: the boxes
    OCR's page plan would otherwise read with a second pass over every object."""
    import importlib

    from PIL import Image

    select = importlib.import_module("pipeline.read.ocr.select")
    pdf = tmp_path / "image.pdf"
    Image.new("RGB", (200, 100), "white").save(pdf, resolution=72)
    (rec,) = _records(pdf, "pdfium")
    from pipeline.read.backends import open_pdf
    reader = open_pdf(pdf, "pdfium")
    try:
        assert rec.images == select.image_boxes(reader.pdf, 0) == [(0.0, 0.0, 200.0, 100.0)]
    finally:
        reader.close()
    assert _records(LONGHUA, "pdfium")[0].images == []


def test_a_dropped_grid_leaves_its_text_as_text():
    """A ruled box of one row is not a table; its characters stay in the running text (nothing lost)."""
    from pipeline.read.tables import grid_to_table

    chars = [{"text": t, "x0": x, "x1": x + 8, "top": 102, "bottom": 110, "size": 8, "upright": True, "fontname": "F"} for t, x in (("总", 10), ("分", 20), ("9", 60))]
    used: set[int] = set()
    grid = [[(0, 100, 50, 112), (50, 100, 100, 112)]]
    assert grid_to_table(1, grid, chars, used, 0) is None
    assert used == set()
    two = grid + [[(0, 112, 50, 124), (50, 112, 100, 124)]]
    assert grid_to_table(1, two, chars, used, 0) is not None and used == {0, 1, 2}
