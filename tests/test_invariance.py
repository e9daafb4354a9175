"""Rendering invariance: the same report printed by other routes reads the same.

tests/data/renderings/ holds the two samples printed by routes other than samples/' own
(samples/build.py --routes b5,b5-large,html,html-bare --out tests/data/renderings): LibreOffice on
B5 at 11 pt and on JIS B5 at 12.5 pt in Noto Sans CJK; Chromium on Letter with repeated table headers and on A4 without, in
WenQuanYi Zen Hei. Their page breaks fall elsewhere: long tables break at other rows, rows are cut
elsewhere, merged cells span other page breaks. Pages and boxes aside, the indicators (key, value,
unit, printed text, section), the scoring table and the findings (rule, severity, numbers) must be
those of the sample, and each rendering must match the sample's hand-written expected file.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from accuracy import compare
from conftest import LONGHUA, ROOT, YANTIAN, report

RENDERINGS = ROOT / "tests" / "data" / "renderings"
ROUTES = ("b5", "b5-large", "html", "html-bare")
SAMPLES = {"yantian_2023": YANTIAN, "longhua_2019": LONGHUA}
CASES = [(stem, route) for stem in SAMPLES for route in ROUTES]


def built(path: Path, how: str) -> Path:
    """A PDF the build script made and the repository holds; a clear failure when it is not there."""
    if not path.exists():
        pytest.fail(f"rendering missing: {path} (python samples/build.py {how})")
    return path


def rendering(stem: str, route: str) -> Path:
    return built(RENDERINGS / f"{stem}.{route}.pdf", f"--routes {','.join(ROUTES)} --out tests/data/renderings")


def _num(x):
    return None if x is None else round(float(x), 6)


def _ink(text: str | None) -> str:
    """Printed text without blanks: a blank between a figure and its unit is spacing in the text
    layer (renderers and fonts place it or leave a gap), not a printed character."""
    return re.sub(r"\s+", "", text or "")


def signature(rep) -> dict[str, Counter]:
    """What must not depend on the rendering: everything but pages and boxes."""
    return {
        "indicators": Counter((i.key, _num(i.value), i.unit, _ink(i.raw_text), _ink(i.section))
                              for i in rep.indicators),
        "scores": Counter((s.level1, s.level2, s.level3, _num(s.max_score), _num(s.score)) for s in rep.scores),
        "findings": Counter((f.rule, f.severity, _num(f.stated), _num(f.recomputed)) for f in rep.findings),
        "report": Counter([(rep.issuer.district, rep.issuer.department, rep.year, rep.report_type,
                            _num(rep.total_score))]),
    }


def differences(a: dict[str, Counter], b: dict[str, Counter]) -> list[str]:
    out = []
    for part in a:
        out += [f"{part} only in the sample: {x}" for x in sorted((a[part] - b[part]).elements(), key=str)]
        out += [f"{part} only in the rendering: {x}" for x in sorted((b[part] - a[part]).elements(), key=str)]
    return out


@pytest.mark.parametrize("stem,route", CASES)
def test_rendering_reads_as_the_sample(stem, route):
    base = signature(report(str(SAMPLES[stem])))
    other = signature(report(str(rendering(stem, route))))
    diff = differences(base, other)
    assert not diff, f"{stem}.{route}: " + "\n".join(diff[:30])


@pytest.mark.parametrize("stem,route", CASES)
def test_rendering_matches_expected_file(stem, route):
    pdf = rendering(stem, route)
    acc = compare(pdf, report(str(pdf)), expected=SAMPLES[stem].with_name(f"{stem}.expected.json"))
    assert acc.perfect, acc.summary() + "\n" + "\n".join(
        [f"missing {m}" for m in acc.missing] + [f"extra {m}" for m in acc.extra] + acc.field_errors
        + acc.score_diffs + acc.mention_errors)


def _fonts(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            name = str(font.get_object().get("/BaseFont", ""))
            names.add(name.split("+")[-1].lstrip("/"))
    return names


def test_routes_really_differ():
    """The renderings are not the sample again: other page counts, and two CJK fonts in all."""
    for stem, sample in SAMPLES.items():
        counts = {"a4": len(PdfReader(sample).pages)}
        counts |= {r: len(PdfReader(rendering(stem, r)).pages) for r in ROUTES}
        assert len(set(counts.values())) >= 3, f"{stem}: page counts {counts}"
    fonts = set().union(*(_fonts(rendering(s, r)) for s, r in CASES), _fonts(YANTIAN))
    assert any("WenQuanYi" in f for f in fonts) and any("NotoSansCJK" in f for f in fonts), fonts


# ---------------------------------------------------------------- scoring tables read incompletely
def _rescored(drop_rows: int, total_delta: float):
    """The Yantian sample's report with its last `drop_rows` scoring rows lost (as a page break
    can lose them) and its printed total moved by `total_delta`, validated again."""
    from pipeline.check.validate import validate

    rep = report(str(YANTIAN)).model_copy(deep=True)
    if drop_rows:
        rep.scores = rep.scores[:-drop_rows]
    for i in rep.indicators:
        if i.key == "total_score":
            i.value += total_delta
    validate(rep)
    return [f for f in rep.findings if f.rule == "score.total"]


def test_lost_scoring_row_is_a_warning_not_an_error():
    (finding,) = _rescored(drop_rows=1, total_delta=0)   # Σ 分值 99-or-less ≠ 100: rows in doubt
    assert finding.severity == "warning" and finding.message.startswith("结构存疑"), finding


def test_whole_scoring_table_with_wrong_total_is_an_error():
    (finding,) = _rescored(drop_rows=0, total_delta=-2)  # every row read: the total is wrong
    assert finding.severity == "error", finding


def test_whole_scoring_table_with_right_total_passes():
    assert _rescored(drop_rows=0, total_delta=0) == []


# ---------------------------------------------------------------- rows cut by a page break
def _table(page: int, rows: list[list[str]]):
    from pipeline.document import Cell, Row, Table

    rs = [Row(page=page, bbox=(0, 10 * i, 100, 10 * i + 10), cells=[Cell(text=t, raw=t) for t in r])
          for i, r in enumerate(rows)]
    return Table(index=0, page=page, bbox=(0, 0, 100, 10 * len(rows)), rows=rs, n_header_rows=1)


HEAD = ["一级指标", "二级指标", "三级指标", "分值", "得分"]


def _stitched(first: list[list[str]], second: list[list[str]]):
    from pipeline.read.tables import stitch_tables

    a, b = _table(1, [HEAD] + first), _table(2, second)
    (t,) = stitch_tables([(1, 0.0, a), (2, 0.0, b)], [])
    return [[c.text for c in r.cells] for r in t.body]


BODY = [["投入", "目标", "绩效目标合理性", "5", "5"], ["", "", "绩效指标明确性", "5", "4"],
        ["", "配置", "在职人员控制率", "5", "5"]]


def test_cut_row_with_its_numbers_on_the_first_page_is_joined():
    rows = _stitched(BODY + [["过程", "执行", "预算完成", "10", "9"]], [["", "", "率", "", ""], ["", "", "结转结余率", "5", "5"]])
    assert rows[3] == ["过程", "执行", "预算完成率", "10", "9"] and len(rows) == 5


def test_cut_row_with_its_numbers_on_the_next_page_is_joined():
    rows = _stitched(BODY + [["过程", "执行", "预算完成率", "", ""]], [["", "", "", "10", "9"], ["", "", "结转结余率", "5", "5"]])
    assert rows[3] == ["过程", "执行", "预算完成率", "10", "9"] and len(rows) == 5


def test_a_whole_row_at_the_top_of_the_next_page_is_not_joined():
    rows = _stitched(BODY, [["", "", "预算完成率", "10", "9"]])
    assert len(rows) == 4

