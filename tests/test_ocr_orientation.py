"""Scans turned a quarter either way or upside down are read upright (pipeline/read/ocr/_best_turn):
a landscape budget table of a real file (万里街道 2023 p10, 842 x 595 pt) scanned into a portrait
image both ways and upside down gives back the table the page prints; the same page upright stays
unturned; a portrait page of the samples upside down is read. One page each, at 200 dpi."""
from __future__ import annotations

import re

import pytest

from conftest import REAL_FILES, YANTIAN, require

PAGE = 10  # 万里街道 2023 部门预算 p10: 2023年部门财务收支预算总表, 4 columns
# the rows of its table that hold print, read off the page by eye (label, amount, label, amount)
ROWS = [
    ("一、财政拨款收入", "164,978,640", "一、一般公共服务支出", "2,976,800"),
    ("1.一般公共预算", "164,978,640", "二、公共安全支出", "1,252,300"),
    ("2.政府性基金", "", "三、科学技术支出", "100,000"),
    ("3.国有资本经营预算", "", "四、文化旅游体育与传媒支出", "200,000"),
    ("二、事业收入", "", "五、社会保障和就业支出", "27,073,236"),
    ("三、事业单位经营收入", "", "六、卫生健康支出", "3,095,732"),
    ("四、其他收入", "", "七、城乡社区支出", "121,319,878"),
    ("", "", "八、住房保障支出", "8,960,694"),
    ("收入总计", "164,978,640", "支出总计", "164,978,640"),
]
YANTIAN_PAGE = 10  # portrait: prose and 表1-3 采购执行情况表
NUM = re.compile(r"^-?\d[\d,]*(?:\.\d+)?%?$")


@pytest.fixture(scope="module")
def landscape(tmp_path_factory):
    """The landscape page scanned as it stands and turned: {degradation: (doc, the turn that makes
    it upright)}. PIL's ROTATE_90 turns counter-clockwise: a clockwise quarter puts it back."""
    from scans import scan_pdf

    from pipeline.read.ingest import load

    src, d = require(REAL_FILES["wanlijiedao"]), tmp_path_factory.mktemp("orient")
    turns = {"": 0, "rot90": 1, "rot270": 3, "rot180": 2}
    return {what: (load(scan_pdf(src, d / f"{what or 'upright'}.pdf", dpi=200, pages=[PAGE], what=what)), t)
            for what, t in turns.items()}


def _rows(doc):
    """The rows of the page's largest table that hold print, spaces dropped."""
    table = max((t for t in doc.tables if t.page == 1), key=lambda t: len(t.rows), default=None)
    assert table is not None and table.n_cols == 4
    rows = [tuple(re.sub(r"\s+", "", c.text) for c in r.cells) for r in table.rows]
    return [r for r in rows if any(r) and r[0] not in ("本年收入", "项目")]


@pytest.mark.parametrize("what", ["", "rot90", "rot270", "rot180"])
def test_landscape_table_scan_is_read_upright(landscape, what):
    doc, want = landscape[what]
    page = doc.pages[0]
    assert page.ocr_turns == want and doc.source.ocr_turns == ({1: want} if want else {})
    assert page.width > page.height  # the landscape page, upright
    assert _rows(doc) == ROWS


def test_upright_landscape_page_is_not_turned():
    """The page as printed (landscape, a wide ruled table: its column rules once made it look
    sideways), rendered and handed to the turn finder: no turn."""
    import numpy as np
    from scans import render_pages

    from pipeline.read.ocr import _best_turn
    from pipeline.read.ocr import image as im
    from pipeline.read.ocr.engines import get_engine

    src = require(REAL_FILES["shehuigongzuobu"])  # 社会工作部 p7: the page once read transposed
    grey = im.to_grey(np.asarray(render_pages(src, 150, [7])[0]))
    assert grey.shape[1] > grey.shape[0]
    assert _best_turn(get_engine(), grey, im.ink(grey)) == 0
    assert _best_turn(get_engine(), im.turn(grey, 2), None) == 2


def test_portrait_page_upside_down_is_read(tmp_path):
    from scans import scan_pdf

    from pipeline.read.ingest import load

    doc = load(scan_pdf(require(YANTIAN), tmp_path / "rot180.pdf", dpi=200, pages=[YANTIAN_PAGE], what="rot180"))
    page = doc.pages[0]
    assert page.ocr_turns == 2 and doc.source.ocr_turns == {1: 2}
    assert page.width < page.height
    text = load(YANTIAN, ocr="never")
    first = next(t for t in text.tables if t.page == YANTIAN_PAGE)  # continued on p11: its p10 rows
    want = [c.text for r in first.rows if r.page == YANTIAN_PAGE for c in r.cells if NUM.match(c.text)]
    table = max((t for t in doc.tables if t.page == 1), key=lambda t: len(t.rows))
    assert [c.text for r in table.rows for c in r.cells if NUM.match(c.text)] == want
    prose = doc.full_text()
    assert all(n in prose for n in ["5,008.04", "5,002.97", "2,128.07", "2,039.49"])


def test_sideways_page_whose_ink_looks_upright_is_turned():
    """万里街道 2023 p3, landscape prose, turned a quarter: its ink profile does not look sideways
    (the old test of a turn, which let it be read unturned); the detector's lines run down, and it
    is turned back, either way."""
    import numpy as np
    from scans import render_pages

    from pipeline.read.ocr import _best_turn
    from pipeline.read.ocr import image as im
    from pipeline.read.ocr.engines import get_engine

    grey = im.to_grey(np.asarray(render_pages(require(REAL_FILES["wanlijiedao"]), 150, [3])[0]))
    assert grey.shape[1] > grey.shape[0]
    for turn, back in ((1, 3), (3, 1)):
        turned = im.turn(grey, turn)
        assert not im.sideways(im.ink(turned))  # the trap
        assert _best_turn(get_engine(), turned, im.ink(turned)) == back
