"""Mutation tests on real 预算/决算 PDFs: one printed number, comparison word or table cell is edited
in the PDF's own content stream (pikepdf; the glyph codes come from the font's ToUnicode map, so
the edited page reads like the original in every other respect), the report is audited again, and
the edit must be found (a new finding on the edited page) without any new error elsewhere.

The whole set runs in bench/bench_mutations.py; this test runs a representative subset.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import REAL

pikepdf = pytest.importorskip("pikepdf")


@dataclass(frozen=True)
class Mutation:
    file: str  # corpus file name
    page: int  # 1-based
    context: str  # unique text of the page's content stream, holding `old`
    old: str
    new: str  # "" blanks the printed text (a table cell)
    what: str

    @property
    def id(self) -> str:
        return f"{self.file.split('_')[1]}-p{self.page}-{self.old}->{self.new or '空'}"


CZJ = "sh-putuo_caizhengju_2024_bumen-juesuan.pdf"
SHGZB = "sh-putuo_shehuigongzuobu_2024_bumen-juesuan.pdf"
WLJD = "sh-putuo_wanlijiedao_2024_bumen-yusuan.pdf"
SFJ = "sh-putuo_sifaju_2026_danwei-yusuan.pdf"
FLY = "sh-putuo_fuliyuan_2024_danwei-yusuan.pdf"
ZFB = "sh-putuo_zhengfuban_2025_bumen-yusuan.pdf"
SWW = "sh-putuo_shangwuwei_2025_danwei-yusuan.pdf"

M = Mutation
MUTATIONS: list[Mutation] = [
    # ---- 决算: headline figures of the 情况说明 against the tables
    M(CZJ, 21, "本年收入合计2946.25", "2946.25", "2946.85", "text: 本年收入合计"),
    M(CZJ, 21, "本年支出合计2940.05", "2940.05", "2940.65", "text: 本年支出合计"),
    M(CZJ, 21, "收入支出总计2995.39万元。", "2995.39", "2995.31", "text: 收入支出总计"),
    M(CZJ, 21, "其中：基本支出2336.91", "2336.91", "2336.97", "text: 基本支出"),
    M(CZJ, 23, "基本支出2336.91万元。", "2336.91", "2336.97", "text: 一般公共预算财政拨款基本支出"),
    M(CZJ, 23, "人员经费2152.26", "2152.26", "2152.86", "text: 人员经费"),
    M(CZJ, 23, "公用经费184.65", "184.65", "184.15", "text: 公用经费"),
    M(CZJ, 23, "年初预算为0.95", "0.95", "0.35", "text: 三公 年初预算"),
    # ---- 决算: per-item explanations, comparison words
    M(CZJ, 22, "支出决算为1511.89", "1511.89", "1511.39", "item: 行政运行 决算"),
    M(CZJ, 22, "支出决算为135.25", "135.25", "135.85", "item: 信息化建设 决算"),
    M(CZJ, 22, "支出决算为449.52", "449.52", "449.59", "item: 财政委托业务支出 决算"),
    M(CZJ, 22, "支出决算为84.65", "84.65", "84.15", "item: 行政单位离退休 决算"),
    M(CZJ, 22, "支出决算为187.19", "187.19", "187.16", "item: 住房公积金 决算"),
    M(CZJ, 22, "1511.89万元。决算数小于", "小于", "大于", "word: 小于 -> 大于"),
    M(CZJ, 22, "135.25万元。决算数小于", "小于", "大于", "word: 小于 -> 大于"),
    M(CZJ, 22, "84.65万元。决算数小于", "小于", "大于", "word: 小于 -> 大于"),
    M(CZJ, 22, "年初预算为10.00", "10.00", "19.00", "word: 基本持平 beyond its tolerance"),
    M(CZJ, 22, "年初预算为258.50", "258.50", "288.50", "word: 基本持平 beyond its tolerance"),
    # ---- 决算: table cells
    M(CZJ, 15, "行政运行1,511.89", "1,511.89", "1,511.99", "cell: 行政运行 合计"),
    M(CZJ, 15, "购房补贴258.50", "258.50", "258.90", "cell: 购房补贴 合计"),
    M(CZJ, 18, "决算数0.950.95", "0.95", "", "blank: 三公 预算数 合计"),
    M(CZJ, 24, "截至2024年12月31日", "2024", "2023", "year: 截至 date of a 2024 决算"),
    M(SHGZB, 17, "本年收入合计307.82", "307.82", "307.32", "text: 本年收入合计"),
    M(SHGZB, 20, "人员经费95.36", "95.36", "95.86", "text: 人员经费"),
    M(SHGZB, 18, "支出决算为51.32", "51.32", "51.82", "item: 行政运行 决算"),
    M(SHGZB, 19, "支出决算为6.18", "6.18", "6.13", "item: 基本养老保险缴费 决算"),
    M(SHGZB, 20, "支出决算为11.72", "11.72", "11.12", "item: 购房补贴 决算 (持平)"),
    # ---- 预算: 编制说明 against the tables, per-item figures and changes
    M(WLJD, 6, "收入预算15621.11", "15621.11", "15621.61", "text: 收入预算"),
    M(WLJD, 6, "一般公共预算拨款支出预算15621.11", "15621.11", "15621.19", "text: 一般公共预算拨款支出预算"),
    M(WLJD, 6, "”25.77", "25.77", "25.17", "item: 专项普查活动 金额"),
    M(WLJD, 6, "执行数减少57.14", "57.14", "51.14", "change: rate"),
    M(WLJD, 6, "执行数增加46.19", "46.19", "40.19", "change: rate"),
    M(WLJD, 6, "执行数减少2.98", "减少", "增加", "word: 减少 -> 增加"),
    M(WLJD, 7, "执行数增加100.00%。主要原因是：公共", "增加", "减少", "word: 增加 -> 减少"),
    M(WLJD, 8, "”142.22", "142.22", "142.92", "item: 行政单位医疗 金额"),
    M(WLJD, 29, "基本工资5,873,551", "5,873,551", "5,878,551", "cell: 基本工资"),
    M(SFJ, 6, "收入预算8695.94", "8695.94", "8695.04", "text: 收入预算"),
    M(SFJ, 6, "（04项）2170.39", "2170.39", "2170.89", "item: 基层司法业务 金额"),
    M(SFJ, 6, "执行数增加4.92", "4.92", "4.12", "change: rate"),
    M(SFJ, 14, "普法宣传1,242,900.00", "1,242,900.00", "1,242,600.00", "cell: 普法宣传"),
    M(FLY, 6, "收入预算1,212.12", "1,212.12", "1,212.82", "text: 收入预算"),
    M(FLY, 6, "”53.84", "53.84", "53.34", "item: 事业单位离退休 金额"),
    M(FLY, 16, "政府采购预算120.60", "120.60", "120.00", "text: 政府采购预算 against its items"),
    M(ZFB, 6, "收入预算9,101.68", "9,101.68", "9,101.08", "text: 收入预算"),
    M(ZFB, 21, "三公”经费预算数为867.50", "867.50", "867.30", "text: 三公 预算"),
    M(SWW, 22, "机关运行经费预算为171.01", "171.01", "171.31", "text: 机关运行经费预算"),
]

# the subset the test suite runs (the bench runs all): each kind of edit, four files
SUBSET = [0, 8, 13, 16, 20, 21, 27, 29, 35, 39]


# --------------------------------------------------------------------------------------- editing
def _cmap(font) -> dict[bytes, str]:
    """code -> text from a font's ToUnicode CMap (bfchar and bfrange)."""
    data = bytes(font.ToUnicode.read_bytes()).decode("latin-1")
    out: dict[bytes, str] = {}

    def txt(h: str) -> str:
        return bytes.fromhex(h).decode("utf-16-be", errors="replace")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[bytes.fromhex(src)] = txt(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for a, b, rest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            lo, hi, n = int(a, 16), int(b, 16), len(a) // 2
            if rest.startswith("["):
                for k, h in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", rest)):
                    out[(lo + k).to_bytes(n, "big")] = txt(h)
            else:
                base = int(rest[1:-1], 16)
                width = len(rest[1:-1]) // 2
                for k in range(hi - lo + 1):
                    out[(lo + k).to_bytes(n, "big")] = (base + k).to_bytes(width, "big").decode("utf-16-be", "replace")
    return out


def mutate(src: Path, m: Mutation, dst: Path) -> None:
    """Write ``src`` with ``m`` applied to ``dst``; raises ValueError when the context is not
    unique on the page or a glyph of the new text is not in the font."""
    pdf = pikepdf.open(src)
    page = pdf.pages[m.page - 1]
    fonts = page.obj.Resources.Font
    cmaps = {str(k): _cmap(fonts[k]) for k in fonts.keys() if "/ToUnicode" in fonts[k]}
    ops = list(pikepdf.parse_content_stream(page))
    chars: list[tuple[int, int | None, int, str, str]] = []  # (op, array index, byte offset, text, font)
    font = None
    for i, (operands, op) in enumerate(ops):
        if str(op) == "Tf":
            font = str(operands[0])
        if str(op) not in ("Tj", "TJ") or font not in cmaps:
            continue
        strings = [(None, operands[0])] if str(op) == "Tj" else \
            [(k, s) for k, s in enumerate(operands[0]) if isinstance(s, pikepdf.String)]
        for k, s in strings:
            raw = bytes(s)
            for off in range(0, len(raw), 2):
                chars.append((i, k, off, cmaps[font].get(raw[off:off + 2], "\ufffd"), font))
    text = "".join(c[3] for c in chars)
    # the page's text joins without the spaces the layout adds; contexts are written without them
    norm = m.context
    at = [x.start() for x in re.finditer(re.escape(norm), text)]
    if len(at) != 1:
        raise ValueError(f"{m.id}: context {m.context!r} found {len(at)} times on page {m.page}")
    start = at[0] + norm.index(m.old)
    targets = chars[start:start + len(m.old)]
    if not m.new:
        edits = {(c[0], c[1], c[2]): b"" for c in targets}
    else:
        if len(m.new) != len(m.old):
            raise ValueError(f"{m.id}: old and new must have the same length")
        edits = {}
        for c, ch in zip(targets, m.new):
            reverse = {v: k for k, v in cmaps[c[4]].items()}
            if ch not in reverse:
                raise ValueError(f"{m.id}: glyph {ch!r} not in font {c[4]}")
            edits[(c[0], c[1], c[2])] = reverse[ch]
    rebuilt = []
    for i, (operands, op) in enumerate(ops):
        operands = list(operands)
        rebuilt.append((operands, op))
        if not any(k[0] == i for k in edits):
            continue

        def rewrite(raw: bytes, idx) -> bytes:
            out = bytearray()
            for off in range(0, len(raw), 2):
                out += edits.get((i, idx, off), raw[off:off + 2])
            return bytes(out)
        if str(op) == "Tj":
            operands[0] = pikepdf.String(rewrite(bytes(operands[0]), None))
        else:
            operands[0] = pikepdf.Array([pikepdf.String(rewrite(bytes(x), k)) if isinstance(x, pikepdf.String) else x
                                         for k, x in enumerate(operands[0])])
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(rebuilt))
    pdf.save(dst)


# --------------------------------------------------------------------------------------- judging
@lru_cache(maxsize=None)
def _baseline(name: str):
    from pipeline.api import audit
    return audit(REAL / name)


def _key(f) -> tuple:
    return (f.rule, f.severity, f.message)


def run(m: Mutation, workdir: Path) -> tuple[bool, list[str], list[str]]:
    """(found, new findings on the edited page, new errors elsewhere) for one mutation."""
    from pipeline.api import audit

    dst = workdir / f"{abs(hash(m)):x}.pdf"
    mutate(REAL / m.file, m, dst)
    before = {_key(f) for f in _baseline(m.file).findings}
    after = audit(dst)
    new = [f for f in after.findings if _key(f) not in before]
    on_page = [f for f in new if any(e.page == m.page for e in f.evidence) or (m.new and m.new in f.message)]
    unrelated = [f for f in new if f not in on_page and f.severity == "error"]
    return bool(on_page), [f"{f.severity} {f.rule}: {f.message}" for f in on_page], \
        [f"{f.rule}: {f.message}" for f in unrelated]


def _files_used() -> set[str]:
    return {m.file for m in MUTATIONS}


def test_the_mutation_set_is_broad():
    assert len(MUTATIONS) >= 40 and len(_files_used()) >= 4
    assert all(0 <= i < len(MUTATIONS) for i in SUBSET)


@pytest.mark.parametrize("m", [MUTATIONS[i] for i in SUBSET], ids=lambda m: m.id)
def test_mutation_is_found_without_unrelated_errors(m, tmp_path):
    found, hits, unrelated = run(m, tmp_path)
    assert found, f"{m.what}: not found"
    assert not unrelated, unrelated


def test_mutating_keeps_the_rest_of_the_page(tmp_path):
    """The edit changes the chosen characters only: the page reads the same otherwise."""
    from pipeline.read.ingest import load

    m = MUTATIONS[0]
    dst = tmp_path / "m.pdf"
    mutate(REAL / m.file, m, dst)
    a = [p.text for p in load(REAL / m.file).paragraphs if p.page == m.page]
    b = [p.text for p in load(dst).paragraphs if p.page == m.page]
    assert len(a) == len(b)
    changed = [(x, y) for x, y in zip(a, b) if x != y]
    assert len(changed) == 1 and changed[0][0].replace(m.old, m.new) == changed[0][1]


def test_bad_context_is_refused(tmp_path):
    with pytest.raises(ValueError, match="found 0 times"):
        mutate(REAL / CZJ, Mutation(CZJ, 21, "不存在的文字", "不存", "存不", "x"), tmp_path / "x.pdf")


if __name__ == "__main__":  # pragma: no cover
    import sys
    with tempfile.TemporaryDirectory() as d:
        for m in MUTATIONS if len(sys.argv) < 2 else [x for x in MUTATIONS if sys.argv[1] in x.id]:
            print(m.id, run(m, Path(d)))
