"""Rebuild the two sample PDFs in samples/ from the seed texts in ../shared/seeds/.

    samples/yantian_2023.pdf  <- 000_9698efe23f623bb8.txt  (盐田区 2023, plain text layer)
    samples/longhua_2019.pdf  <- 001_1b61a0e051686e8d.txt  (龙华区 2019, Markdown from a layout model)

The PDFs are made the way Word/WPS reports are made: python-docx writes a .docx (A4, WenQuanYi Zen
Hei, ruled tables, running header, page-number footer), LibreOffice converts it to PDF headless.
The seeds' page-break artifacts are undone first: paragraphs and table rows cut by a page break of
the original are joined again, the scoring table's repeated header rows are dropped; the new PDF
re-flows them by itself. Every paragraph, heading and number of the seeds is kept as printed,
spacing included ("2023 年", "截至2023年"). Judgement calls, each marked where it is made: a
title's last blank is taken as the original's line break; the seed's 表 1-1 puts
网络安全部（数据资源部） one column left of where it belongs; "A0504010 1" is a code wrapped in
a narrow cell; LaTeX bits ($90\% \leq …$) print as plain text (90%≤…).

Layout: A4, 14 pt body on an exact 28 pt line, 14.1 cm of text (28 characters a line), headings
bold 14-16 pt, tables 9-10.5 pt with every cell ruled. Yantian's page breaks are checked on the
PDF and arranged (see tune_yantian): 表 1-3 runs across a page break with its header repeated,
and the 人员管理情况 paragraph breaks across pages at 编外员额数, as in the original.

Other routes (ROUTES) print the same blocks with their page breaks elsewhere, for the rendering
invariance test (tests/test_invariance.py): `b5` (LibreOffice, B5, 11 pt, Noto Sans CJK SC),
`html` (an HTML rendering printed by headless Chromium, Letter, table headers repeated in
<thead>) and `html-bare` (Chromium, A4, header rows not repeated), and `rl`: the page drawn
directly on a reportlab canvas, the way report exporters that paint on the page print (government
sites' PDF exporters, WPS): each text line one positioned string (one body paragraph in five,
chosen by a hash of its text, glyph by glyph), lines wrapped by measured widths, tables as grids
of ruled lines with their header rows redrawn on each page, the annex (after a 附表/附件 label)
and any table of 8 or more columns on A4 landscape pages, 第X页 共Y页 in the footer (write_rl).
Our own reports (tests/data/reports/<stem>.txt, format in parse_own) are built by the same
writers.

Needs
    apt: libreoffice-writer-nogui fonts-wqy-zenhei fonts-noto-cjk chromium poppler-utils
    pip: python-docx pdfplumber reportlab (the `build` extra: pip install -e '.[build]')

Run from the repo root:

    python samples/build.py            # seeds from $GOVAUDIT_SEEDS, else ../shared/seeds
    python samples/build.py --routes b5,html,html-bare --out tests/data/renderings
    python samples/build.py --reports tests/data/reports --routes a4,html
    python samples/build.py --reports /tmp/reports --routes rl      # no LibreOffice needed

It prints a short layout report (pages, tables and the pages they are on, tables that run across
a page break, sentences split by a page break) and a check that every number of each seed is in
the text of its PDF. Intermediate files (.docx, LibreOffice profile) live in a temp dir and are
deleted.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import pdfplumber
from pdfminer.pdftypes import resolve1
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
SEEDS = Path(os.environ.get("GOVAUDIT_SEEDS", HERE.parent.parent / "shared" / "seeds"))
FONT = "WenQuanYi Zen Hei"
TERMINAL = "。！？；：;:!?"  # a paragraph ending otherwise was cut by a page break


# --------------------------------------------------------------------------------------------
# Document model
# --------------------------------------------------------------------------------------------

@dataclass
class Para:
    runs: list[tuple[str, bool]]          # (text, bold)
    kind: str = "body"                    # title | heading | body | caption | unit | label
    level: int = 0                        # heading level 1..4
    page_break_before: bool = False

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)

    def append(self, other: "Para") -> None:
        self.runs.extend(other.runs)


@dataclass
class Table:
    name: str                             # the caption, for the layout report
    rows: list[list[str]]
    widths: list[float]                   # relative column widths
    header_rows: int = 1
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    font_pt: float = 10.5
    cant_split: bool = True               # w:cantSplit on every row
    left_cols: tuple[int, ...] = ()       # columns of running text (left-aligned)


@dataclass
class Toc:
    entries: list[tuple[str, str, bool]]  # text, page number, bold


@dataclass
class Cover:
    title: str
    fields: list[str]


class NewSection:
    """Section break: the body starts here (running header/footer, page numbers from 1)."""


@dataclass
class Report:
    name: str                 # output stem
    title: str                # document title (core properties, running header)
    author: str               # the department
    blocks: list
    footer: str               # "total" -> 第 X 页 共 Y 页, "dash" -> - X -
    layout: "Layout"
    tune: object = None       # tune(report, layout, build) -> (layout, views), or None


# --------------------------------------------------------------------------------------------
# Shared text helpers
# --------------------------------------------------------------------------------------------

CN_NUM = "一二三四五六七八九十"


def heading_level(text: str) -> int:
    """Level of a numbered heading: 一、 / （一） / 1. / （1）; 0 if not numbered like one."""
    if re.match(rf"^[{CN_NUM}]+、", text):
        return 1
    if re.match(rf"^[（(][{CN_NUM}]+[）)]", text):
        return 2
    if re.match(r"^\d+\.\s*\S", text):
        return 3
    if re.match(r"^[（(]\d+[）)]", text):
        return 4
    return 0


def latex_to_text(src: str) -> str:
    """The few LaTeX bits the layout model wrote: 90\\% \\leq \\text{x} -> 90%≤x."""
    s = re.sub(r"\\text\{([^}]*)\}", r"\1", src)
    for a, b in ((r"\%", "%"), (r"\leq", "≤"), (r"\geq", "≥"), (r"\le", "≤"), (r"\ge", "≥"),
                 (r"\times", "×"), (r"\lt", "<"), (r"\gt", ">")):
        s = s.replace(a, b)
    return re.sub(r"\s+", "", s)


def plain_math(text: str) -> str:
    """Inline $…$ formulas as the plain text a report prints (no blanks around them)."""
    return re.sub(r"\s*\$([^$]+)\$\s*", lambda m: latex_to_text(m.group(1)), text)


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def markup_runs(text: str) -> list[tuple[str, bool]]:
    """Markdown/HTML inline markup (**b**, <b>b</b>, <sup>2</sup>, $…$) to (text, bold) runs."""
    text = re.sub(r"<sup>(\d+)</sup>", lambda m: m.group(1).translate(SUPERSCRIPT), text)
    text = plain_math(text)
    runs = []
    for part in re.split(r"(\*\*.+?\*\*|<b>.+?</b>)", text):
        if not part:
            continue
        m = re.fullmatch(r"\*\*(.+?)\*\*|<b>(.+?)</b>", part)
        runs.append((m.group(1) or m.group(2), True) if m else (part, False))
    return runs


def strip_markup(text: str) -> str:
    return "".join(t for t, _ in markup_runs(text)).strip()


def join_cut_paragraphs(blocks: list) -> list:
    """A body paragraph that does not end a sentence was cut by a page break: join the next."""
    out: list = []
    for b in blocks:
        prev = out[-1] if out else None
        if (isinstance(b, Para) and b.kind == "body" and isinstance(prev, Para)
                and prev.kind == "body" and not prev.text.rstrip().endswith(tuple(TERMINAL))):
            prev.append(b)
        else:
            out.append(b)
    return out


def blank_merges(rows: list[list[str]], cols, first: int, last: int) -> list[tuple]:
    """Vertical merges for `cols`: a blank cell belongs to the filled cell above it."""
    merges = []
    for c in cols:
        top = None
        for r in range(first, last + 1):
            if rows[r][c]:
                if top is not None and r - 1 > top:
                    merges.append((top, c, r - 1, c))
                top = r
        if top is not None and last > top:
            merges.append((top, c, last, c))
    return merges


def glue(a: str, b: str) -> str:
    """Join the two halves of a table cell cut by a page break."""
    if not a or not b:
        return a + b
    return a + (" " if re.search(r"\d\.$", a) else "") + b


def join_continuation_row(prev: list[str], cont: list[str]) -> None:
    for i, piece in enumerate(cont):
        prev[i] = glue(prev[i], piece)


# --------------------------------------------------------------------------------------------
# Yantian seed (plain text layer; tables as TSV; page breaks as blank lines)
# --------------------------------------------------------------------------------------------

# Text wrapped inside a narrow cell of the original, rejoined (the seed also shows where).
CELL_WRAPS = {"A0504010 1 复印纸": "A05040101 复印纸"}


def raw_items(text: str) -> list[tuple]:
    """('text', line) | ('rows', [segment, …]) with a segment per page of a TSV table."""
    items: list[tuple] = []
    gap = False
    for line in text.split("\n"):
        if not line.strip():
            gap = True
            continue
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            if items and items[-1][0] == "rows":
                if gap:
                    items[-1][1].append([])
                items[-1][1][-1].append(cells)
            else:
                items.append(("rows", [[cells]]))
        else:
            items.append(("text", line.strip()))
        gap = False
    return items


def yantian_simple(name, segments, widths, left_cols=(0,)) -> Table:
    rows = [r for seg in segments for r in seg]
    return Table(name, rows, widths, left_cols=left_cols)


def yantian_structure(name, segments) -> Table:
    """表 1-1: 部门 / 本级及下属单位 / 内设科室. The seed's last row puts 网络安全部（数据资源部）
    one column to the left; it is an internal department of 政务服务中心 like the rows above."""
    rows = [r[:3] for seg in segments for r in seg]
    for r in rows[1:]:
        if r[1] and not r[2] and r[1].endswith("部）"):
            r[1], r[2] = "", r[1]
    merges = blank_merges(rows, (0, 1), 1, len(rows) - 1)
    return Table(name, rows, [4.2, 5.4, 5.4], merges=merges)


def yantian_budget_adjustments(name, segments) -> Table:
    """表 1-2: two header rows (预算金额（万元） over 调整前/调整数/调整后); a row cut by the
    page break (…经历 | 对企业补 … / 费 | 助) is joined; the 印刷费 sub-row stays in its group."""
    rows: list[list[str]] = []
    for k, seg in enumerate(segments):
        for i, r in enumerate(seg):
            r = [CELL_WRAPS.get(c, c) for c in r]
            if k and i == 0 and not any(r[3:]):
                join_continuation_row(rows[-1], r)
            else:
                rows.append(r)
    merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 5), (0, 6, 1, 6)]
    merges += blank_merges(rows, (0, 1, 2), 2, len(rows) - 1)
    return Table(name, rows, [2.5, 1.8, 2.2, 1.75, 1.6, 1.75, 2.5], header_rows=2, merges=merges,
                 font_pt=10)


def yantian_scores(name, segments) -> Table:
    """附件 scoring table. The seed repeats the two header rows after each page break of the
    original and cuts rows there (项目实施程 / 序, 项目 / 管理, …): drop the repeats, join the
    cut rows (a first row with no 分数 continues the row before), merge 一级/二级指标 cells."""
    header = segments[0][:2]
    rows = [list(r) for r in header]
    for seg in segments:
        body = seg[2:] if seg[:2] == header else seg
        for i, r in enumerate(body):
            if seg is not segments[0] and i == 0 and not r[3]:
                join_continuation_row(rows[-1], r)
            else:
                rows.append(list(r))
    total = len(rows) - 1
    assert rows[total][0] == "合计", rows[total]
    merges = [(0, 0, 0, 3), (0, 4, 1, 4), (0, 5, 1, 5), (0, 6, 1, 6),
              (total, 0, total, 2), (total, 4, total, 5)]
    merges += blank_merges(rows, (0, 1), 2, total - 1)
    return Table(name, rows, [1.35, 1.35, 1.9, 1.5, 3.5, 5.6, 1.6], header_rows=2, merges=merges,
                 font_pt=9, cant_split=False, left_cols=(4, 5))


YANTIAN_TABLES = {  # caption prefix -> builder
    "表 1-1": yantian_structure,
    "表 1-2": yantian_budget_adjustments,
    "表 1-3": lambda n, s: yantian_simple(n, s, [6.0, 2.3, 2.3, 2.6, 2.3]),
    "表 1-4": lambda n, s: yantian_simple(n, s, [7.0, 2.6, 2.6, 2.4]),
    "表 2": lambda n, s: yantian_simple(n, s, [7.0, 2.6, 2.6, 2.4]),
    "部门整体支出绩效评价共性指标体系框架": yantian_scores,
}


def parse_yantian(text: str) -> list:
    items = raw_items(text)
    blocks: list = []
    caption = None
    for k, (kind, val) in enumerate(items):
        nxt = items[k + 1] if k + 1 < len(items) else (None, None)
        if kind == "rows":
            builder = next(f for p, f in YANTIAN_TABLES.items() if caption.startswith(p))
            blocks.append(builder(caption, val))
            caption = None
            continue
        line = plain_math(val)
        if not blocks:
            blocks.append(Para([(line, True)], "title"))
        elif line == "附件":
            blocks.append(Para([(line, True)], "label", page_break_before=True))
        elif line.startswith("单位："):
            blocks.append(Para([(line, False)], "unit"))
        elif re.match(r"^表\s*\d", line) or (nxt[0] == "rows" and "。" not in line):
            caption = line
            blocks.append(Para([(line, True)], "caption"))
        elif heading_level(line) and len(line) <= 30 and not re.search("[。，；]", line):
            blocks.append(Para([(line, True)], "heading", heading_level(line)))
        else:
            blocks.append(Para([(line, False)]))
    return join_cut_paragraphs(blocks)


# --------------------------------------------------------------------------------------------
# Longhua seed (Markdown: # headings, **bold** / <b>, TSV table, $…$, <sup>)
# --------------------------------------------------------------------------------------------

def longhua_quarters(name, segments) -> Table:
    rows = [r for seg in segments for r in seg]
    return Table(name, rows, [3.0, 4.0, 4.0, 3.2])


def parse_longhua(text: str) -> list:
    cover_title, fields, toc, body = None, [], [], []
    part = "cover"
    for kind, val in raw_items(text):
        if kind == "rows" and part == "toc":
            for left, page in (r[:2] for seg in val for r in seg):
                entry = re.sub(r"\s*\.{3,}\s*$", "", strip_markup(left))
                toc.append((entry, strip_markup(page), "<b>" in left))
            continue
        if kind == "rows":
            body.append(longhua_quarters("季度预算执行率表", val))
            continue
        if val.startswith("#"):
            title = strip_markup(val.lstrip("#"))
            if part == "cover" and cover_title is None:
                cover_title = title
            elif title == "目录":
                part = "toc"
            elif part == "toc":
                part = "body"
                body.append(Para([(title, True)], "title"))
            else:
                level = heading_level(title) or val.count("#", 0, val.index(" "))
                body.append(Para([(title, True)], "heading", level))
        elif part == "cover":
            fields.append(strip_markup(val))
        else:
            body.append(Para(markup_runs(val)))
    return [Cover(cover_title, fields), Toc(toc), NewSection()] + join_cut_paragraphs(body)


# --------------------------------------------------------------------------------------------
# DOCX writer
# --------------------------------------------------------------------------------------------

@dataclass
class Layout:
    top_cm: float = 2.54
    bottom_cm: float = 2.54
    left_cm: float = 3.45      # 14.1 cm of text: 28 characters of 14 pt a line
    right_cm: float = 3.45
    body_pt: float = 14
    line_pt: float = 28                  # exact line spacing (固定值)
    space_before: dict = field(default_factory=dict)   # block text prefix -> extra points
    page_break_before: tuple = ()                      # block text prefixes
    row_pt: float = 23                                 # least row height of the small tables
    page_w_cm: float = 21.0                            # A4
    page_h_cm: float = 29.7
    font: str = FONT

    @property
    def text_width_cm(self) -> float:
        return self.page_w_cm - self.left_cm - self.right_cm


# Schema order of the children of w:pPr and w:trPr (Word rejects elements out of order).
CHILD_ORDER = {
    "pPr": ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
            "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
            "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
            "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
            "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split(),
    "trPr": ("cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
             "tblCellSpacing jc hidden").split(),
}


def element(tag: str, **attrs) -> OxmlElement:
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    return el


def insert_ordered(parent, el) -> None:
    """Insert `el` into w:pPr / w:trPr at its schema position (replacing one already there)."""
    order = CHILD_ORDER[parent.tag.split("}")[1]]
    name = el.tag.split("}")[1]
    old = parent.find(el.tag)
    if old is not None:
        parent.remove(old)
    later = set(order[order.index(name) + 1:])
    for child in parent:
        if child.tag.split("}")[1] in later:
            child.addprevious(el)
            return
    parent.append(el)


_font = [FONT]   # the font of the document being written (write_docx sets it from its Layout)


def set_fonts(rpr) -> None:
    """All four font slots (ascii, hAnsi, eastAsia, cs) to the layout's font, no theme fonts."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{slot}"), _font[0])


def para_style(doc, name, base, size, bold=False, align=None, indent_chars=0, exact=None,
               before=0, after=0, keep_next=False):
    st = doc.styles[name] if name in [s.name for s in doc.styles] else \
        doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        st.base_style = doc.styles[base]
    st.font.size = Pt(size)
    st.font.bold = bold
    st.font.italic = False
    st.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(st.element.get_or_add_rPr())
    pf = st.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.first_line_indent = Pt(indent_chars * size) if indent_chars else Pt(0)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(exact)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.keep_with_next = keep_next
    pf.widow_control = True
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):  # no extra gap between 汉字 and 123/abc:
        insert_ordered(st.element.get_or_add_pPr(), element(tag, val="0"))  # print seed spacing
    return st


def setup_styles(doc, L: Layout) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = element("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    # Left-aligned, not justified: LibreOffice justifies CJK lines by widening the gaps
    # around digits and Latin words, which the text layer would then show as blanks.
    LEFT, C, R = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    para_style(doc, "Normal", None, L.body_pt, align=LEFT, indent_chars=2, exact=L.line_pt)
    for level, size in ((1, 16), (2, 15), (3, 14), (4, 14)):
        st = para_style(doc, f"Heading {level}", "Normal", size, bold=True, align=LEFT,
                        indent_chars=2, exact=L.line_pt, before=6 if level <= 2 else 0,
                        keep_next=True)
        st.paragraph_format.keep_together = True
    para_style(doc, "Report Title", "Normal", 18, bold=True, align=C, exact=34, after=18)
    para_style(doc, "Table Caption", "Normal", 12, bold=True, align=C, exact=24, before=6,
               keep_next=True)
    para_style(doc, "Table Unit", "Normal", 10.5, align=R, exact=20, keep_next=True)
    para_style(doc, "Attachment Label", "Normal", 16, bold=True, align=LEFT, exact=L.line_pt,
               after=12)
    para_style(doc, "Table Text", "Normal", 10.5, align=C)
    para_style(doc, "Header", "Normal", 9, align=C)
    para_style(doc, "Footer", "Normal", 10.5, align=C)
    para_style(doc, "TOC Entry", "Normal", L.body_pt, align=LEFT, exact=L.line_pt + 4)
    set_fonts(doc.styles["Table Grid"].element.get_or_add_rPr())


STYLE_OF = {"title": "Report Title", "body": "Normal", "caption": "Table Caption",
            "unit": "Table Unit", "label": "Attachment Label"}


def add_runs(p, runs) -> None:
    for text, bold in runs:
        r = p.add_run(text)
        if bold:
            r.bold = True
        set_fonts(r._r.get_or_add_rPr())


def add_title(p, text: str) -> None:
    """A two-line title: the seeds' last blank in a title is where the original broke it."""
    first, _, second = text.rpartition(" ")
    add_runs(p, [(first or second, True)])
    if first:
        p.runs[-1].add_break()
        add_runs(p, [(second, True)])


def write_para(doc, b: Para, L: Layout) -> None:
    style = f"Heading {b.level}" if b.kind == "heading" else STYLE_OF[b.kind]
    p = doc.add_paragraph(style=style)
    if b.kind == "title":
        add_title(p, b.text)
    else:
        add_runs(p, b.runs)
    if b.page_break_before or b.text.startswith(L.page_break_before or ("\0",)):
        p.paragraph_format.page_break_before = True
    extra = next((pt for prefix, pt in L.space_before.items() if b.text.startswith(prefix)), 0)
    if extra:
        base = doc.styles[style].paragraph_format.space_before or Pt(0)
        p.paragraph_format.space_before = Pt(base.pt + extra)


def row_flag(row, tag: str) -> None:
    insert_ordered(row._tr.get_or_add_trPr(), element(tag))


def write_table(doc, t: Table, L: Layout) -> None:
    n = len(t.rows[0])
    table = doc.add_table(rows=len(t.rows), cols=n)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(w / sum(t.widths) * L.text_width_cm) for w in t.widths]
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(w.twips))
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
    covered = set()
    for r0, c0, r1, c1 in t.merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    text_style = doc.styles["Table Text"].style_id
    for tc in table._tbl.iter(qn("w:tc")):     # merged-away cells keep an empty paragraph too
        for p in tc.iter(qn("w:p")):
            insert_ordered(p.get_or_add_pPr(), element("w:pStyle", val=text_style))
    for r, values in enumerate(t.rows):
        header = r < t.header_rows
        for c, text in enumerate(values):
            if (r, c) in covered:
                continue
            cell = table.cell(r, c)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.style = doc.styles["Table Text"]
            if t.font_pt != 10.5:
                p.paragraph_format.line_spacing = Pt(t.font_pt + 4)
                p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            if not header and c in t.left_cols:
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            if text:
                add_runs(p, [(text, header)])
                if t.font_pt != 10.5:
                    for run in p.runs:
                        run.font.size = Pt(t.font_pt)
        if t.cant_split:
            row_flag(table.rows[r], "w:cantSplit")
            if L.row_pt:
                table.rows[r].height = Pt(L.row_pt)   # w:trHeight, rule "at least"
        if header:
            row_flag(table.rows[r], "w:tblHeader")
    # an empty line after the table, as people type one
    doc.add_paragraph(style="Table Unit").paragraph_format.keep_with_next = False


def write_cover(doc, b: Cover) -> None:
    for _ in range(5):
        doc.add_paragraph(style="Report Title")
    p = doc.add_paragraph(style="Report Title")
    add_title(p, b.title)
    for run in p.runs:
        run.font.size = Pt(26)
    p.paragraph_format.line_spacing = Pt(44)
    p.paragraph_format.space_after = Pt(120)
    for line in b.fields:
        p = doc.add_paragraph(style="Normal")
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.left_indent = Cm(1.0)
        p.paragraph_format.line_spacing = Pt(40)
        add_runs(p, [(line, False)])
        for run in p.runs:
            run.font.size = Pt(15)


def write_toc(doc, b: Toc, L: Layout) -> None:
    p = doc.add_paragraph(style="Report Title")
    add_runs(p, [("目录", True)])
    p.paragraph_format.page_break_before = True
    for text, page, bold in b.entries:
        p = doc.add_paragraph(style="TOC Entry")
        if not bold:
            p.paragraph_format.left_indent = Pt(2 * L.body_pt)
        p.paragraph_format.tab_stops.add_tab_stop(Cm(L.text_width_cm), WD_TAB_ALIGNMENT.RIGHT,
                                                  WD_TAB_LEADER.DOTS)
        add_runs(p, [(text, bold), ("\t", False), (page, bold)])


def add_field(p, instr: str, shown: str) -> None:
    def run_with(el):
        r = p.add_run()
        set_fonts(r._r.get_or_add_rPr())
        r._r.append(el)
    begin, sep, end = (OxmlElement("w:fldChar") for _ in range(3))
    begin.set(qn("w:fldCharType"), "begin")
    sep.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instr} "
    run_with(begin)
    run_with(code)
    run_with(sep)
    add_runs(p, [(shown, False)])
    run_with(end)


def bottom_border(p) -> None:
    bdr = element("w:pBdr")
    bdr.append(element("w:bottom", val="single", sz="6", space="1", color="000000"))
    insert_ordered(p._p.get_or_add_pPr(), bdr)


def setup_page(section, L: Layout) -> None:
    section.page_width, section.page_height = Cm(L.page_w_cm), Cm(L.page_h_cm)
    section.top_margin, section.bottom_margin = Cm(L.top_cm), Cm(L.bottom_cm)
    section.left_margin, section.right_margin = Cm(L.left_cm), Cm(L.right_cm)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(1.5)


def running_header_footer(section, rep: Report) -> None:
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    hp = section.header.paragraphs[0]
    hp.style = "Header"
    add_runs(hp, [(rep.title, False)])
    bottom_border(hp)
    fp = section.footer.paragraphs[0]
    fp.style = "Footer"
    if rep.footer == "total":
        add_runs(fp, [("第 ", False)])
        add_field(fp, "PAGE", "1")
        add_runs(fp, [(" 页 共 ", False)])
        add_field(fp, "NUMPAGES", "1")
        add_runs(fp, [(" 页", False)])
    else:
        add_runs(fp, [("- ", False)])
        add_field(fp, "PAGE", "1")
        add_runs(fp, [(" -", False)])


def write_docx(rep: Report, L: Layout, path: Path) -> None:
    _font[0] = L.font
    doc = Document()
    setup_styles(doc, L)
    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by = rep.title, rep.author, rep.author
    cp.created = cp.modified = datetime(2024, 1, 1)
    setup_page(doc.sections[0], L)
    has_cover = any(isinstance(b, NewSection) for b in rep.blocks)
    if not has_cover:
        running_header_footer(doc.sections[0], rep)
    for b in rep.blocks:
        if isinstance(b, Para):
            write_para(doc, b, L)
        elif isinstance(b, Table):
            write_table(doc, b, L)
        elif isinstance(b, Cover):
            write_cover(doc, b)
        elif isinstance(b, Toc):
            write_toc(doc, b, L)
        elif isinstance(b, NewSection):
            sec = doc.add_section(WD_SECTION.NEW_PAGE)
            setup_page(sec, L)
            running_header_footer(sec, rep)
            sec._sectPr.find(qn("w:cols")).addprevious(element("w:pgNumType", start="1"))
    doc.save(path)


def to_pdf(docx: Path, outdir: Path) -> Path:
    profile = Path(tempfile.mkdtemp(prefix="lo_"))
    try:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
                       check=True, capture_output=True, timeout=600)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = outdir / (docx.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice wrote no PDF for {docx}")
    return pdf


# --------------------------------------------------------------------------------------------
# HTML writer (the Chromium route): the same blocks as an HTML page, printed by headless Chromium
# --------------------------------------------------------------------------------------------

def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html_runs(runs) -> str:
    return "".join(f"<b>{_esc(t)}</b>" if bold else _esc(t) for t, bold in runs)


def html_table(t: Table, repeat_header: bool) -> str:
    """Rows with rowspan/colspan from the merges; the header rows go into <thead> (repeated by
    Chromium on every page the table runs onto) or, without repeat, stay ordinary first rows."""
    span = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in t.merges}
    covered = {(r, c) for r0, c0, r1, c1 in t.merges for r in range(r0, r1 + 1)
               for c in range(c0, c1 + 1)} - set(span)
    total = sum(t.widths)
    out = ["<table>", "<colgroup>"]
    out += [f'<col style="width:{w / total * 100:.2f}%">' for w in t.widths]
    out.append("</colgroup>")
    for r, values in enumerate(t.rows):
        header = r < t.header_rows
        if r == 0:
            out.append("<thead>" if header and repeat_header else "<tbody>")
        if r == t.header_rows and repeat_header and t.header_rows:
            out.append("</thead><tbody>")
        cells = []
        for c, text in enumerate(values):
            if (r, c) in covered:
                continue
            rs, cs = span.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            cls = ' class="l"' if not header and c in t.left_cols else ""
            tag = "th" if header else "td"
            cells.append(f"<{tag}{attrs}{cls}>{_esc(text)}</{tag}>")
        out.append(f'<tr style="font-size:{t.font_pt}pt">' + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def write_html(rep: Report, L: Layout, path: Path, repeat_header: bool) -> None:
    heading_pt = {1: L.body_pt + 2, 2: L.body_pt + 1, 3: L.body_pt, 4: L.body_pt}
    css = f"""
@page {{ size: {L.page_w_cm}cm {L.page_h_cm}cm;
        margin: {L.top_cm}cm {L.right_cm}cm {L.bottom_cm}cm {L.left_cm}cm;
        @top-center {{ content: "{rep.title}"; font-size: 8pt; font-family: "{L.font}"; }}
        @bottom-center {{ content: "- " counter(page) " -"; font-size: 9pt; font-family: "{L.font}"; }} }}
body {{ font-family: "{L.font}"; font-synthesis: none; font-size: {L.body_pt}pt; line-height: {L.line_pt}pt; margin: 0; }}
p {{ margin: 0; text-indent: 2em; text-align: left; }}
.title {{ font-size: {L.body_pt + 4}pt; font-weight: bold; text-align: center; text-indent: 0;
          line-height: 1.6; margin-bottom: 12pt; }}
.cover {{ font-size: 24pt; margin-top: 6cm; margin-bottom: 4cm; }}
.caption {{ font-weight: bold; text-align: center; text-indent: 0; margin-top: 6pt; }}
.unit {{ text-align: right; font-size: {L.body_pt - 3}pt; text-indent: 0; }}
.label {{ font-weight: bold; text-indent: 0; }}
.field {{ text-indent: 0; margin-left: 1cm; line-height: 2.4; }}
.toc {{ text-indent: 0; display: flex; }} .toc .dots {{ flex: 1; border-bottom: 1px dotted #000; margin: 0 4pt 6pt; }}
.toc.sub {{ padding-left: 2em; }}
.newpage {{ break-before: page; }}
""" + "".join(f"h{k} {{ font-size: {pt}pt; margin: 4pt 0 0; text-indent: 2em; "
              f"break-after: avoid; line-height: {L.line_pt}pt; }}\n" for k, pt in heading_pt.items()) + """
table { border-collapse: collapse; width: 100%; margin: 2pt 0 8pt; table-layout: fixed; }
td, th { border: 0.75pt solid #000; padding: 1pt 3pt; text-align: center; vertical-align: middle;
         line-height: 1.35; font-weight: normal; }
th { font-weight: bold; }
td.l { text-align: left; }
"""
    body = []
    pending_break = False
    for b in rep.blocks:
        brk = ' newpage' if pending_break else ""
        pending_break = False
        if isinstance(b, Para):
            if b.page_break_before or b.text.startswith(L.page_break_before or ("\0",)):
                brk = " newpage"
            if b.kind == "heading":
                body.append(f'<h{b.level} class="{brk}">{_html_runs(b.runs)}</h{b.level}>')
            elif b.kind == "title":
                first, _, second = b.text.rpartition(" ")
                text = f"{_esc(first)}<br>{_esc(second)}" if first else _esc(second)
                body.append(f'<p class="title{brk}">{text}</p>')
            else:
                body.append(f'<p class="{b.kind}{brk}">{_html_runs(b.runs)}</p>')
        elif isinstance(b, Table):
            body.append(html_table(b, repeat_header))
        elif isinstance(b, Cover):
            body.append(f'<p class="title cover">{_esc(b.title)}</p>')
            body += [f'<p class="field">{_esc(f)}</p>' for f in b.fields]
        elif isinstance(b, Toc):
            body.append('<p class="title newpage">目录</p>')
            for text, page, bold in b.entries:
                cls = "toc" if bold else "toc sub"
                body.append(f'<p class="{cls}"><span>{_html_runs([(text, bold)])}</span>'
                            f'<span class="dots"></span><span>{_html_runs([(page, bold)])}</span></p>')
        elif isinstance(b, NewSection):
            pending_break = True
    path.write_text(f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
                    f'<title>{_esc(rep.title)}</title><style>{css}</style></head>'
                    f'<body>\n' + "\n".join(body) + "\n</body></html>\n", encoding="utf-8")


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    sys.exit("chromium not found: apt-get install chromium")


def html_to_pdf(html: Path, pdf: Path) -> Path:
    profile = Path(tempfile.mkdtemp(prefix="chromium_"))
    try:
        subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                        f"--user-data-dir={profile}", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", html.as_uri()],
                       check=True, capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not pdf.exists():
        raise RuntimeError(f"Chromium wrote no PDF for {html}")
    return pdf


# --------------------------------------------------------------------------------------------
# Canvas writer (the reportlab route): the page drawn directly, as report exporters that paint
# on the page do (government sites' PDF exporters, WPS): every text line drawn at a computed
# position (some paragraphs glyph by glyph), lines wrapped by measured widths, tables as ruled
# grids of single lines, the annex on landscape pages, 第X页 共Y页 in the footer.
# --------------------------------------------------------------------------------------------

RL_FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
RL_FACE = "WQYZenHei"          # registered name; the PDF names the subsets after the face
CM_PT = 72 / 2.54
RL_ASCENT = 0.8                # WenQuanYi Zen Hei: ascent 0.8, descent 0.2 of the em
# a word or number is never cut (Word does not either); any other character may end a line
RL_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,%‰_/+\-]*|\s+|.", re.S)
NO_LINE_START = "，。；：、）！？”》"
NO_LINE_END = "（“《"
RL_WIDE_TABLE = 8              # columns: a table this wide gets a landscape page
RL_CELL_PAD = (3.0, 3.0)       # x, y padding inside a cell
RL_TABLE_GAP = 8.0             # space after a table
RL_BOLD_STROKE = 0.035         # fake bold: fill + stroke (text render mode 2), width per pt


def rl_font() -> str:
    """Register WenQuanYi Zen Hei (face 0 of the TTC) with reportlab, once."""
    try:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
    except ImportError:
        sys.exit("reportlab not found: pip install reportlab (or pip install -e '.[build]')")
    if RL_FACE not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(RL_FACE, RL_FONT_FILE, subfontIndex=0))
    return RL_FACE


def rl_width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    return stringWidth(text, RL_FACE, size)


def rl_wrap(text: str, size: float, first_width: float, width: float) -> list[tuple[int, int]]:
    """Lines of `text` as (start, end) offsets: broken at any CJK character, never inside a
    word or number, blanks at a line's ends dropped, no line starting with ，。；：、） and the
    like nor ending with （“《 (the character before goes down with it)."""
    toks = []
    for m in RL_TOKEN.finditer(text):
        s, e = m.span()
        if e - s > 1 and not m.group().isspace() and rl_width(m.group(), size) > width:
            toks += [(i, i + 1) for i in range(s, e)]      # longer than a line: cut anywhere
        else:
            toks.append((s, e))
    blank = lambda tok: text[tok[0]:tok[1]].isspace()
    width_of = lambda toks_: sum(rl_width(text[s:e], size) for s, e in toks_)
    lines, cur, used, limit = [], [], 0.0, first_width
    for tok in toks:
        piece = text[tok[0]:tok[1]]
        if blank(tok) and not cur:
            continue
        tw = rl_width(piece, size)
        if cur and not blank(tok) and used + tw > limit + 0.01:
            while cur and blank(cur[-1]):
                cur.pop()
            carry = []
            while len(cur) > 1 and (text[carry[0][0]] if carry else piece[0]) in NO_LINE_START \
                    or len(cur) > 1 and text[cur[-1][1] - 1] in NO_LINE_END:
                carry.insert(0, cur.pop())
                while len(cur) > 1 and blank(cur[-1]):
                    cur.pop()
            lines.append(cur)
            cur, limit = carry, width
            used = width_of(cur)
        cur.append(tok)
        used += tw
    if cur:
        lines.append(cur)
    out = []
    for ln in lines:
        while ln and blank(ln[-1]):
            ln.pop()
        if ln:
            out.append((ln[0][0], ln[-1][1]))
    return out


def glyph_by_glyph(b: "Para") -> bool:
    """About one body paragraph in five is drawn glyph by glyph, each glyph its own positioned
    text object (as WPS exports often are); chosen by a hash of its text, so deterministic
    (sha1: 22 of the 97 paragraphs of tests/data/reports, at least one in each report)."""
    import hashlib
    return b.kind == "body" and int(hashlib.sha1(b.text.encode("utf-8")).hexdigest(), 16) % 5 == 0


@dataclass
class RLPage:
    width: float
    height: float
    numbered: bool
    key: object                # which flow the page belongs to (body, annex, a wide table)
    ops: list = field(default_factory=list)   # ("text", x, y, size, text, bold, glyphs) | ("line", x0, y0, x1, y1)
    segments: set = field(default_factory=set)


@dataclass
class RLCell:
    r0: int
    c0: int
    r1: int
    c1: int
    lines: list[str]
    bold: bool
    left: bool
    x: float = 0.0
    w: float = 0.0


class CanvasLayout:
    """First pass: the blocks laid out into pages of drawing operations (the page count is then
    known for 第X页 共Y页); write_rl draws them."""

    def __init__(self, rep: "Report", L: "Layout"):
        self.rep, self.L = rep, L
        self.pages: list[RLPage] = []
        self.page: RLPage | None = None
        self.y = 0.0
        self.fresh = True           # nothing drawn on the page yet
        self.numbered = not any(isinstance(b, NewSection) for b in rep.blocks)

    # --- pages -------------------------------------------------------------------------------
    def new_page(self, key) -> None:
        L = self.L
        w, h = L.page_w_cm * CM_PT, L.page_h_cm * CM_PT
        if key != "body":           # the annex and wide tables: A4 landscape (rotated size)
            w, h = max(w, h), min(w, h)
        self.page = RLPage(w, h, self.numbered, key)
        self.pages.append(self.page)
        self.y = h - L.top_cm * CM_PT
        self.fresh = True

    @property
    def bottom(self) -> float:
        return self.L.bottom_cm * CM_PT

    @property
    def left(self) -> float:
        return self.L.left_cm * CM_PT

    def text_width(self, key) -> float:
        L = self.L
        w, h = L.page_w_cm, L.page_h_cm
        if key != "body":
            w = max(w, h)
        return (w - L.left_cm - L.right_cm) * CM_PT

    def room(self) -> float:
        return self.y - self.bottom

    def need(self, height: float, key) -> None:
        if self.page is None or self.page.key != key or (self.room() < height - 0.01
                                                          and not self.fresh):
            self.new_page(key)

    def text(self, x, y, size, text, bold, glyphs=False) -> None:
        self.page.ops.append(("text", round(x, 3), round(y, 3), size, text, bold, glyphs))
        self.fresh = False

    def rule(self, x0, y0, x1, y1) -> None:
        seg = tuple(round(v, 2) for v in (x0, y0, x1, y1))
        if seg not in self.page.segments:          # a border shared by two cells: drawn once
            self.page.segments.add(seg)
            self.page.ops.append(("line",) + seg)

    # --- paragraphs --------------------------------------------------------------------------
    def para_style(self, b: "Para") -> dict:
        """size, line height, alignment, first-line indent (pt), space before/after."""
        body, lp = self.L.body_pt, self.L.line_pt
        if b.kind == "title":
            size = body + 6
            return dict(size=size, line=round(size * 1.6, 1), align="center", indent=0,
                        before=0, after=12)
        if b.kind == "heading":
            size = {1: body + 2, 2: body + 1}.get(b.level, body)
            return dict(size=size, line=lp, align="left", indent=2 * size,
                        before=4 if b.level <= 2 else 0, after=0)
        if b.kind == "caption":
            return dict(size=body, line=lp, align="center", indent=0, before=6, after=0)
        if b.kind == "unit":
            size = body - 2
            return dict(size=size, line=size + 8, align="right", indent=0, before=0, after=0)
        if b.kind == "label":
            size = body + 2
            return dict(size=size, line=lp, align="left", indent=0, before=0, after=6)
        return dict(size=body, line=lp, align="left", indent=2 * body, before=0, after=0)

    def para_lines(self, b: "Para", key) -> tuple[dict, list[tuple[float, list]]]:
        """The paragraph's lines: (x offset, [(text, bold), …]) each."""
        st = self.para_style(b)
        width = self.text_width(key)
        text = b.text
        bold_at = [bold for t, bold in b.runs for _ in t]
        pieces = [(0, len(text))]
        if b.kind == "title":       # a title's last blank is where the original broke it
            cut = text.rfind(" ")
            if cut > 0:
                pieces = [(0, cut), (cut + 1, len(text))]
        lines = []
        for p0, p1 in pieces:
            spans = rl_wrap(text[p0:p1], st["size"], width - st["indent"], width)
            if st["align"] == "center" and len(spans) > 1:   # centred lines of even length
                lo, hi = width / 2, width
                for _ in range(12):
                    mid = (lo + hi) / 2
                    if len(rl_wrap(text[p0:p1], st["size"], mid, mid)) == len(spans):
                        hi = mid
                    else:
                        lo = mid
                spans = rl_wrap(text[p0:p1], st["size"], hi, hi)
            for s, e in spans:
                s, e = s + p0, e + p0
                runs = []
                for i in range(s, e):
                    if runs and runs[-1][1] == bold_at[i]:
                        runs[-1][0] += text[i]
                    else:
                        runs.append([text[i], bold_at[i]])
                lw = rl_width(text[s:e], st["size"])
                if st["align"] == "center":
                    x = (width - lw) / 2
                elif st["align"] == "right":
                    x = width - lw
                else:
                    x = st["indent"] if not lines else 0.0
                lines.append((x, [tuple(r) for r in runs]))
        return st, lines

    def para_height(self, b: "Para", key, first_only=False) -> float:
        st, lines = self.para_lines(b, key)
        n = min(len(lines), 1) if first_only else len(lines)
        return st["before"] + n * st["line"] + (0 if first_only else st["after"])

    def place_para(self, b: "Para", key, keep: float = 0.0) -> None:
        st, lines = self.para_lines(b, key)
        extra = next((pt for prefix, pt in self.L.space_before.items()
                      if b.text.startswith(prefix)), 0)
        before = st["before"] + extra
        first = before + (st["line"] if lines else 0)
        self.need(max(first, keep), key)
        if not self.fresh:
            self.y -= before
        glyphs = glyph_by_glyph(b)
        size = st["size"]
        for x, runs in lines:
            if self.room() < st["line"] - 0.01:
                self.new_page(key)
            base = self.y - (st["line"] - size) / 2 - RL_ASCENT * size
            x = self.left + x
            for text, bold in runs:          # one drawString a line (and a run of other weight)
                self.text(x, base, size, text, bold, glyphs)
                x += rl_width(text, size)
            self.y -= st["line"]
        self.y -= st["after"]

    # --- tables ------------------------------------------------------------------------------
    def table_cells(self, t: "Table", key):
        width = self.text_width(key)
        total = sum(t.widths)
        colw = [w / total * width for w in t.widths]
        colx = [sum(colw[:c]) for c in range(len(colw))]
        span = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in t.merges}
        covered = {(r, c) for r0, c0, r1, c1 in t.merges for r in range(r0, r1 + 1)
                   for c in range(c0, c1 + 1)} - set(span)
        size = t.font_pt
        lh = round(size * 1.4, 2)
        px, py = RL_CELL_PAD
        cells = []
        for r, values in enumerate(t.rows):
            for c, text in enumerate(values):
                if (r, c) in covered:
                    continue
                r1, c1 = span.get((r, c), (r, c))
                x, w = colx[c], sum(colw[c:c1 + 1])
                lines = [text[s:e] for s, e in rl_wrap(text, size, w - 2 * px, w - 2 * px)]
                header = r < t.header_rows
                cells.append(RLCell(r, c, r1, c1, lines, header,
                                    not header and c in t.left_cols, x, w))
        heights = [max(self.L.row_pt, lh + 2 * py)] * len(t.rows)
        for cell in cells:                          # row heights from the wrapped text
            if cell.r0 == cell.r1:
                heights[cell.r0] = max(heights[cell.r0], len(cell.lines) * lh + 2 * py)
        for cell in cells:                          # a merged cell: its last row grows
            if cell.r1 > cell.r0:
                short = len(cell.lines) * lh + 2 * py - sum(heights[cell.r0:cell.r1 + 1])
                if short > 0:
                    heights[cell.r1] += short
        return cells, heights, lh

    def table_lead(self, t: "Table", key) -> float:
        """Height the table needs on a page: its header rows and the first row after them."""
        _cells, heights, _lh = self.table_cells(t, key)
        return sum(heights[:t.header_rows + 1])

    def place_table(self, t: "Table", key) -> None:
        cells, heights, lh = self.table_cells(t, key)
        hdr = list(range(t.header_rows))
        head_h = sum(heights[:t.header_rows])
        starts = {}
        for cell in cells:
            if cell.r1 > cell.r0:
                starts.setdefault(cell.r0, []).append(len(cell.lines) * lh + 2 * RL_CELL_PAD[1])

        def row_need(r: int) -> float:
            # a merged cell's text must fit in the part of it that is on this page
            return max([heights[r]] + starts.get(r, []))

        self.need(head_h + (row_need(t.header_rows) if t.header_rows < len(t.rows) else 0), key)
        chunk, left = list(hdr), self.room() - head_h
        for r in range(t.header_rows, len(t.rows)):
            if len(chunk) > len(hdr) and min(row_need(r), sum(heights[r:])) > left + 0.01:
                self.draw_rows(t, cells, heights, lh, chunk)
                self.new_page(key)                  # the header rows again on the next page
                chunk, left = list(hdr), self.room() - head_h
            chunk.append(r)
            left -= heights[r]
        self.draw_rows(t, cells, heights, lh, chunk)
        self.y -= RL_TABLE_GAP

    def draw_rows(self, t: "Table", cells, heights, lh, chunk: list[int]) -> None:
        """Rows `chunk` (header rows first) from the cursor down: a cell (a merged one as one
        cell, or the part of it on this page) is four ruled lines and its centred text."""
        tops, y = {}, self.y
        for r in chunk:
            tops[r] = y
            y -= heights[r]
        on = set(chunk)
        size = t.font_pt
        px, _py = RL_CELL_PAD
        for cell in cells:
            rows = [r for r in range(cell.r0, cell.r1 + 1) if r in on]
            if not rows:
                continue
            x0, x1 = self.left + cell.x, self.left + cell.x + cell.w
            top, bot = tops[rows[0]], tops[rows[-1]] - heights[rows[-1]]
            self.rule(x0, top, x1, top)
            self.rule(x0, bot, x1, bot)
            self.rule(x0, top, x0, bot)
            self.rule(x1, top, x1, bot)
            if cell.r0 not in on or not cell.lines:
                continue                            # a merged cell's text: in its first part
            block = len(cell.lines) * lh
            line_top = top - max((top - bot - block) / 2, RL_CELL_PAD[1])
            for text in cell.lines:
                base = line_top - (lh - size) / 2 - RL_ASCENT * size
                tw = rl_width(text, size)
                x = x0 + px if cell.left else x0 + (cell.w - tw) / 2
                self.text(x, base, size, text, cell.bold)
                line_top -= lh
        self.y = y
        self.fresh = False

    # --- the document ------------------------------------------------------------------------
    def flows(self) -> list:
        """Each block's flow: "body" (A4 portrait), "annex" (everything after a 附表/附件 label)
        or ("wide", i): a table of RL_WIDE_TABLE or more columns outside the annex, on a
        landscape page of its own with the caption and unit line above it."""
        keys, annex = [], False
        for b in self.rep.blocks:
            annex = annex or (isinstance(b, Para) and b.kind == "label")
            keys.append("annex" if annex else "body")
        for i, b in enumerate(self.rep.blocks):
            if isinstance(b, Table) and keys[i] == "body" and len(b.rows[0]) >= RL_WIDE_TABLE:
                keys[i] = ("wide", i)
                j = i - 1
                while (j >= 0 and keys[j] == "body" and isinstance(self.rep.blocks[j], Para)
                       and self.rep.blocks[j].kind in ("caption", "unit")):
                    keys[j] = ("wide", i)
                    j -= 1
        return keys

    def lead(self, i: int, keys: list) -> float:
        """Headings, captions, unit lines and labels keep with what follows: the height of the
        run of them from block i and the first line (or header and first row) after it."""
        blocks, h, j = self.rep.blocks, 0.0, i
        while (j < len(blocks) and keys[j] == keys[i] and isinstance(blocks[j], Para)
               and blocks[j].kind in ("heading", "caption", "unit", "label")):
            h += self.para_height(blocks[j], keys[j])
            j += 1
        if j < len(blocks) and keys[j] == keys[i]:
            nxt = blocks[j]
            if isinstance(nxt, Para) and not nxt.page_break_before:
                h += self.para_height(nxt, keys[j], first_only=True)
            elif isinstance(nxt, Table):
                h += self.table_lead(nxt, keys[j])
        return h

    def cover(self, b: "Cover") -> None:
        self.need(0, "body")
        self.y -= 6 * CM_PT
        width = self.text_width("body")
        first, _, second = b.title.rpartition(" ")     # broken at its last blank, as add_title
        for piece in (first, second) if first else (second,):
            for s, e in rl_wrap(piece, 26, width, width):
                line = piece[s:e]
                self.text(self.left + (width - rl_width(line, 26)) / 2,
                          self.y - 9 - RL_ASCENT * 26, 26, line, True)
                self.y -= 44
        self.y -= 120
        for field_ in b.fields:
            self.text(self.left + CM_PT, self.y - 12.5 - RL_ASCENT * 15, 15, field_, False)
            self.y -= 40

    def run(self) -> list[RLPage]:
        keys = self.flows()
        L = self.L
        for i, b in enumerate(self.rep.blocks):
            key = keys[i]
            if isinstance(b, Para):
                if (b.page_break_before or b.text.startswith(L.page_break_before or ("\0",))) \
                        and not (self.page is not None and self.fresh and self.page.key == key):
                    self.new_page(key)
                keep = self.lead(i, keys) if b.kind in ("heading", "caption", "unit", "label") else 0
                self.place_para(b, key, keep)
            elif isinstance(b, Table):
                self.place_table(b, key)
            elif isinstance(b, Cover):
                self.cover(b)
            elif isinstance(b, NewSection):
                self.numbered = True        # the body: numbered from its first page
                self.new_page("body")
            # Toc: not printed by this route
        return self.pages


def write_rl(rep: "Report", L: "Layout", path: Path) -> None:
    """Lay the report out (first pass: pages and their count), then draw every page with the
    reportlab canvas: text lines by drawString at their positions, rules by canvas.line,
    landscape pages by their page size, the footer 第X页 共Y页 centred in 9 pt."""
    rl_font()
    from reportlab.pdfgen import canvas as rl_canvas
    pages = CanvasLayout(rep, L).run()
    number = {id(p): k + 1 for k, p in enumerate(p for p in pages if p.numbered)}
    c = rl_canvas.Canvas(str(path), pagesize=(pages[0].width, pages[0].height), invariant=1,
                         pageCompression=1, initialFontName=RL_FACE)  # no Helvetica preamble
    c.setTitle(rep.title)
    c.setAuthor(rep.author)
    c.setSubject(rep.title)
    for page in pages:
        c.setPageSize((page.width, page.height))
        c.setStrokeColorRGB(0, 0, 0)
        c.setFillColorRGB(0, 0, 0)
        width = None
        for op in page.ops:
            if op[0] == "line":
                if width != 0.6:
                    c.setLineWidth(0.6)
                    width = 0.6
                c.line(*op[1:])
                continue
            _, x, y, size, text, bold, glyphs = op
            c.setFont(RL_FACE, size)
            mode = 2 if bold else None
            if bold and width != round(size * RL_BOLD_STROKE, 3):
                width = round(size * RL_BOLD_STROKE, 3)
                c.setLineWidth(width)
            if not glyphs:
                c.drawString(x, y, text, mode=mode)
                continue
            for ch in text:               # every glyph its own text object at its own x
                if not ch.isspace():
                    c.drawString(round(x, 3), y, ch, mode=mode)
                x += rl_width(ch, size)
        if page.numbered:
            label = f"第{number[id(page)]}页 共{len(number)}页"
            c.setFont(RL_FACE, 9)
            c.drawCentredString(page.width / 2, L.bottom_cm * CM_PT * 0.55, label)
        c.showPage()
    c.save()


# --------------------------------------------------------------------------------------------
# Reading the result back (pdfplumber)
# --------------------------------------------------------------------------------------------

def squash(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


@dataclass
class Item:
    kind: str            # "line" (running text) | "table" (a ruled table)
    content: object      # the line's text | the table's rows
    top: float
    bottom: float

    @property
    def text(self) -> str:
        return self.content if self.kind == "line" else ""


@dataclass
class PageView:
    number: int
    body_bottom: float   # lowest point of the body area (page height - bottom margin)
    items: list          # Items of the body area (no running header/footer), top to bottom


def read_pdf(pdf_path: Path, L: Layout) -> list[PageView]:
    views = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            top, bottom = Cm(L.top_cm).pt, page.height - Cm(L.bottom_cm).pt
            found = page.find_tables()
            items = [Item("table", t.extract(), t.bbox[1], t.bbox[3]) for t in found]
            for ln in page.extract_text_lines():
                mid = (ln["top"] + ln["bottom"]) / 2
                if ln["top"] < top - 4 or ln["bottom"] > bottom + 4:
                    continue  # running header / footer
                if any(t.bbox[1] <= mid <= t.bbox[3] and t.bbox[0] - 2 <= ln["x0"] <= t.bbox[2]
                       for t in found):
                    continue
                items.append(Item("line", ln["text"], ln["top"], ln["bottom"]))
            items.sort(key=lambda it: it.top)
            views.append(PageView(page.page_number, bottom, items))
    return views


def row_sig(row) -> str:
    return "|".join(squash(c) for c in row if c)


def table_items(views: list[PageView], t: Table) -> list[tuple[PageView, Item]]:
    """The pieces of a table in the PDF, found by its first header row (repeated on each page)."""
    sig = row_sig(t.rows[0])
    return [(v, it) for v in views for it in v.items
            if it.kind == "table" and it.content and row_sig(it.content[0]) == sig]


def table_pages(views: list[PageView], t: Table) -> tuple[list[int], bool]:
    """Pages a table is on and whether it runs on across a page break (header repeated)."""
    pages = [v.number for v, _ in table_items(views, t)]
    return pages, len(pages) > 1


def split_paragraphs(views: list[PageView], blocks: list) -> list[tuple[int, str, str, str]]:
    """Paragraphs whose text runs from the bottom of one page onto the next."""
    texts = [(b, squash(b.text)) for b in blocks if isinstance(b, Para)]
    found = []
    for a, b in zip(views, views[1:]):
        if not a.items or not b.items or a.items[-1].kind != "line" or b.items[0].kind != "line":
            continue
        end, start = a.items[-1].text, b.items[0].text
        for para, norm in texts:
            if squash(end) + squash(start) in norm and not norm.endswith(squash(end)):
                found.append((a.number, end, start, para.text))
                break
    return found


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")


def numbers_in(text: str) -> Counter:
    return Counter(m.rstrip(",") for tok in text.split() for m in NUMBER.findall(tok))


def seed_as_printed(seed: str) -> str:
    """Seed text without its markup (the PDF prints 90%≤…, m², bold as bold) and with the
    narrow-cell wraps the tables rejoin."""
    text = seed.replace("\t", "\n")
    for cut, whole in CELL_WRAPS.items():
        text = text.replace(cut, whole)
    return "\n".join(strip_markup(line) for line in text.split("\n"))


def number_check(seed: str, pdf_path: Path) -> tuple[Counter, Counter]:
    with pdfplumber.open(pdf_path) as pdf:
        words = " ".join(w["text"] for page in pdf.pages for w in page.extract_words())
    want, have = numbers_in(seed_as_printed(seed)), numbers_in(words)
    return want - have, have - want


# --------------------------------------------------------------------------------------------
# Layout tuning: page breaks where we want them
# --------------------------------------------------------------------------------------------

def with_space(L: Layout, prefix: str, points: float) -> Layout:
    return replace(L, space_before={**L.space_before, prefix: round(points, 1)})


def tune_yantian(rep: Report, L: Layout, build) -> tuple[Layout, list[PageView]]:
    """Yantian's page breaks, checked on the PDF and arranged where needed.

    1. 表 1-3 runs across a page break with its header row repeated. Section （四） starts on a
       new page (Layout default), which puts the table at the foot of a page; should it not,
       the page break moves to another heading before the table, nearest first.
    2. As in the original, the 人员管理情况 paragraph breaks across pages at 编外员额数 (the
       original broke inside the word, 编 | 外员额数; at this text width a line ends with
       “…事业编制人员15人；”, and the page is made to end after that line): space is added
       before its heading, measured from the PDF and corrected if needed.
    """
    views = build(L)
    t13 = next(b for b in rep.blocks if isinstance(b, Table) and b.name.startswith("表 1-3"))
    if not table_pages(views, t13)[1]:
        k = rep.blocks.index(t13)
        before = [b.text for b in rep.blocks[max(0, k - 12):k]
                  if isinstance(b, Para) and b.kind == "heading"]
        for heading in reversed(before):
            trial = replace(L, page_break_before=(heading,))
            trial_views = build(trial)
            if table_pages(trial_views, t13)[1]:
                L, views = trial, trial_views
                break
    key, target = "4. 人员管理情况", "事业编制人员15人；"
    for _ in range(3):
        hit = [(v, i) for v in views for i, it in enumerate(v.items)
               if it.kind == "line" and squash(it.text).endswith(target)]
        if not hit:
            break                       # lines break elsewhere: the report shows what straddles
        v, i = hit[0]
        if i == len(v.items) - 1:
            break                       # done: the page ends with that line
        if not any(squash(it.text).startswith("截至2023年12月31日") for it in v.items[:i]):
            break                       # the paragraph started on the page before: leave it
        # put the bottom of that line half a line above the bottom of the body area
        extra = v.body_bottom - v.items[i].bottom - L.line_pt / 2
        L = with_space(L, key, L.space_before.get(key, 0) + extra)
        views = build(L)
    return L, views


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def reports() -> list[tuple[Report, str]]:
    y_seed = (SEEDS / "000_9698efe23f623bb8.txt").read_text(encoding="utf-8")
    l_seed = (SEEDS / "001_1b61a0e051686e8d.txt").read_text(encoding="utf-8")
    yantian = Report("yantian_2023", "深圳市盐田区政务服务数据管理局2023年度部门整体支出绩效评价报告",
                     "深圳市盐田区政务服务数据管理局", parse_yantian(y_seed), "total",
                     Layout(page_break_before=("（四）2023 年部门预算执行情况",)), tune_yantian)
    longhua = Report("longhua_2019", "深圳市龙华区政务服务数据管理局2019年度部门整体支出绩效自评报告",
                     "深圳市龙华区政务服务数据管理局", parse_longhua(l_seed), "dash", Layout())
    return [(yantian, y_seed), (longhua, l_seed)]


# --------------------------------------------------------------------------------------------
# Our own reports (tests/data/reports/<stem>.txt)
# --------------------------------------------------------------------------------------------

def parse_table_directive(line: str) -> dict:
    """"@table header=2 merge=0,1 left=3,4 font=9 widths=2,1,1 split" -> options."""
    opts: dict = {}
    for tok in line.split()[1:]:
        key, _, val = tok.partition("=")
        opts[key] = val or True
    return opts


def own_table(name: str, rows: list[list[str]], opts: dict) -> Table:
    n = max(len(r) for r in rows)
    rows = [r + [""] * (n - len(r)) for r in rows]
    header = int(opts.get("header", 1))
    ints = lambda key: tuple(int(x) for x in str(opts.get(key, "")).split(",") if x != "")
    widths = [float(x) for x in str(opts["widths"]).split(",")] if "widths" in opts else \
        [2.2] + [1.0] * (n - 1)
    # the merged label columns stop above a closing 合计 / 总分 row (its blank cells are its own)
    last = len(rows) - 1
    if last > header and re.match(r"^(?:合计|总计|总分)", rows[last][0].strip()):
        last -= 1
    merges = blank_merges(rows, ints("merge"), header, last) if "merge" in opts else []
    for r in range(header):             # a blank header cell belongs to the one on its left
        c = 0
        while c < n:
            c1 = c
            while c1 + 1 < n and not rows[r][c1 + 1]:
                c1 += 1
            if c1 > c and rows[r][c]:
                merges.append((r, c, r, c1))
            c = c1 + 1
    # a blank header cell under a one-column header cell belongs to the one above: two-level headers
    # ("项目" over nothing beside "预算数" over 年初 | 调整后) print the upper cell merged down
    wide = {(r, c) for r0, c0, r1, c1 in merges if c1 > c0 for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for c in range(n):
        r = 0
        while r < header:
            r1 = r
            while r1 + 1 < header and not rows[r1 + 1][c] and (r1 + 1, c) not in wide:
                r1 += 1
            if r1 > r and rows[r][c] and (r, c) not in wide:
                merges.append((r, c, r1, c))
            r = r1 + 1
    return Table(name, rows, widths, header_rows=header, merges=merges,
                 font_pt=float(opts.get("font", 10.5)), cant_split="split" not in opts,
                 left_cols=ints("left"))


def parse_own(text: str) -> tuple[dict, list]:
    """Our report sources: "key: value" lines (title, author, footer), a "---" line, then the
    report. A line with a tab is a table row (a table ends at the first line without one); the
    line "@table header=… merge=… left=… font=… widths=… split" just above a table sets its
    shape; 附件/附表 lines are labels on a new page, 单位： lines units, 表… lines captions,
    numbered short lines headings, every other line a paragraph."""
    head, _, body = text.partition("\n---\n")
    meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
    meta = {k.strip(): v.strip() for k, v in meta.items()}
    blocks: list = [Para([(meta["title"], True)], "title")]
    opts: dict = {}
    caption = ""
    for kind, val in raw_items(body):
        if kind == "rows":
            blocks.append(own_table(caption or "表", [r for seg in val for r in seg], opts))
            opts, caption = {}, ""
            continue
        line = val
        if line.startswith("@table"):
            opts = parse_table_directive(line)
        elif re.match(r"^附(件|表)\s*\d*$", line):
            blocks.append(Para([(line, True)], "label", page_break_before=True))
        elif line.startswith("单位："):
            blocks.append(Para([(line, False)], "unit"))
        elif re.match(r"^(附)?表\s*\d", line) or (line.endswith("表") and len(line) <= 40):
            caption = line
            blocks.append(Para([(line, True)], "caption"))
        elif heading_level(line) and len(line) <= 30 and not re.search("[。，；]", line):
            blocks.append(Para([(line, True)], "heading", heading_level(line)))
        else:
            blocks.append(Para(markup_runs(line)))
    return meta, blocks


def own_reports(folder: Path) -> list[tuple[Report, str]]:
    out = []
    for src in sorted(folder.glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        meta, blocks = parse_own(text)
        body = "\n".join(line for line in text.partition("\n---\n")[2].splitlines()
                         if not line.startswith("@table"))
        out.append((Report(src.stem, meta["title"], meta.get("author", ""), blocks,
                           meta.get("footer", "total"), Layout()), body))
    return out


@dataclass(frozen=True)
class Route:
    """One way of printing a report. `a4` is the route of samples/; the others put every page
    break elsewhere (another paper, margins, body size, renderer, font), so that long tables break
    at other rows, rows are cut elsewhere and merged cells span other page breaks."""
    name: str
    engine: str                    # "lo" (python-docx -> LibreOffice) | "chromium" (HTML -> print)
                                   # | "reportlab" (drawn on a reportlab canvas, write_rl)
    geometry: dict                 # Layout fields replaced ({} = the report's own layout and tuning)
    repeat_header: bool = True     # chromium: header rows in <thead>, repeated on every page
    about: str = ""


NOTO = "Noto Sans CJK SC"
ROUTES = {r.name: r for r in (
    Route("a4", "lo", {}, about="LibreOffice, A4, 14 pt on 28 pt lines, WenQuanYi Zen Hei"),
    Route("b5", "lo", dict(page_w_cm=17.6, page_h_cm=25.0, top_cm=2.0, bottom_cm=2.2, left_cm=2.0,
                           right_cm=2.0, body_pt=11, line_pt=19, row_pt=18, font=NOTO),
          about="LibreOffice, B5, 11 pt on 19 pt lines, Noto Sans CJK SC"),
    Route("b5-large", "lo", dict(page_w_cm=18.2, page_h_cm=25.7, top_cm=2.4, bottom_cm=2.3, left_cm=2.5,
                                 right_cm=2.5, body_pt=12.5, line_pt=22, row_pt=18, font=NOTO),
          about="LibreOffice, JIS B5, 12.5 pt on 22 pt lines, Noto Sans CJK SC"),
    Route("html", "chromium", dict(page_w_cm=21.59, page_h_cm=27.94, top_cm=2.2, bottom_cm=2.2,
                                   left_cm=2.6, right_cm=2.6, body_pt=12, line_pt=21),
          about="Chromium, Letter, 12 pt, WenQuanYi Zen Hei, table headers repeated (thead)"),
    Route("html-bare", "chromium", dict(page_w_cm=21.0, page_h_cm=29.7, top_cm=3.0, bottom_cm=2.6,
                                        left_cm=2.8, right_cm=2.8, body_pt=11, line_pt=20),
          repeat_header=False,
          about="Chromium, A4, 11 pt, WenQuanYi Zen Hei, table headers not repeated"),
    Route("rl", "reportlab", dict(page_w_cm=21.0, page_h_cm=29.7, top_cm=2.5, bottom_cm=2.5,
                                  left_cm=2.5, right_cm=2.5, body_pt=12, line_pt=22, row_pt=20),
          about="reportlab canvas, A4, 12 pt, WenQuanYi Zen Hei, ruled grids drawn as lines, "
                "landscape annex, 第X页共Y页"),
)}


def layout_for(rep: Report, route: Route) -> Layout:
    if not route.geometry:
        return rep.layout
    return replace(rep.layout, space_before={}, page_break_before=(), **route.geometry)


def render(rep: Report, route: Route, work: Path) -> tuple[Path, list[PageView], Layout]:
    """Print `rep` by `route` into `work`; the a4 route keeps the report's own page tuning."""
    stem = f"{rep.name}.{route.name}"

    def build(layout):
        if route.engine == "chromium":
            html = work / f"{stem}.html"
            write_html(rep, layout, html, route.repeat_header)
            html_to_pdf(html, work / f"{stem}.pdf")
        elif route.engine == "reportlab":
            write_rl(rep, layout, work / f"{stem}.pdf")
        else:
            docx = work / f"{stem}.docx"
            write_docx(rep, layout, docx)
            to_pdf(docx, work)
        return read_pdf(work / f"{stem}.pdf", layout)

    L = layout_for(rep, route)
    if rep.tune and not route.geometry:
        L, views = rep.tune(rep, L, build)
    else:
        views = build(L)
    return work / f"{stem}.pdf", views, L


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--routes", default="a4",
                    help=f"comma-separated routes: {', '.join(ROUTES)} (default a4)")
    ap.add_argument("--out", type=Path, default=HERE,
                    help="output directory (default samples/); outside samples/ the route "
                         "goes into the file name: <stem>.<route>.pdf")
    ap.add_argument("--reports", type=Path, default=None,
                    help="build our own reports: every <stem>.txt in this directory (see "
                         "parse_own), written next to them as <stem>.<route>.pdf")
    args = ap.parse_args(argv)
    routes = [ROUTES[r] for r in args.routes.split(",")]
    if any(r.engine == "lo" for r in routes) and not shutil.which("soffice"):
        sys.exit("soffice not found: apt-get install libreoffice-writer-nogui")
    if args.reports:
        todo, out = own_reports(args.reports), args.reports
    else:
        todo, out = reports(), args.out
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="govaudit_samples_"))
    try:
        for rep, seed in todo:
            for route in routes:
                pdf, views, L = render(rep, route, work)
                keep_name = route.name == "a4" and out == HERE and not args.reports
                dest = out / (f"{rep.name}.pdf" if keep_name else f"{rep.name}.{route.name}.pdf")
                shutil.copyfile(pdf, dest)
                print_report(rep, seed, dest, views, L.font, route)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def embedded_fonts(pdf_path: Path) -> dict[str, str]:
    """Font name -> the font file stream that embeds it ('' if not embedded)."""
    fonts = {}
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            for ref in resolve1(resolve1(page.page_obj.resources).get("Font", {})).values():
                font = resolve1(ref)
                desc = font.get("FontDescriptor")
                if desc is None and "DescendantFonts" in font:
                    desc = resolve1(resolve1(font["DescendantFonts"])[0]).get("FontDescriptor")
                desc = resolve1(desc) or {}
                kind = next((k for k in ("FontFile2", "FontFile", "FontFile3") if k in desc), "")
                if "BaseFont" not in font:      # Type 3: glyphs drawn in the PDF itself
                    fonts[f"Type3-{resolve1(ref)!s:.0}{len(fonts)}"] = "Type3"
                    continue
                fonts[str(resolve1(font["BaseFont"])).strip("/'")] = kind
    return fonts


def print_report(rep: Report, seed: str, pdf: Path, views: list[PageView], font: str = FONT,
                 route: Route | None = None) -> None:
    where = pdf.resolve().relative_to(HERE.parent) if pdf.resolve().is_relative_to(HERE.parent) else pdf
    print(f"{where}: {len(views)} pages" + (f"  ({route.about})" if route else ""))
    for t in (b for b in rep.blocks if isinstance(b, Table)):
        pages, spans = table_pages(views, t)
        note = "  <- runs across a page break, header rows repeated" if spans else ""
        print(f"  table {t.name}: page{'s' if spans else ''} {', '.join(map(str, pages))}{note}")
    for page, end, start, _ in split_paragraphs(views, rep.blocks):
        print(f"  text split across p{page}/p{page + 1}: …{end[-16:]} | {start[:16]}…")
    fonts = embedded_fonts(pdf)
    family = font.replace(" ", "").replace("SC", "").lower()     # Noto's TTC may name the JP face
    bad = [f for f, kind in fonts.items() if not kind or family not in f.lower()]
    print(f"  fonts: {len(fonts)} subsets of {font}, all embedded" if not bad
          else f"  FONT PROBLEM: {bad}")
    missing, _extra = number_check(seed, pdf)
    print(f"  numbers of the seed missing from the PDF text: {dict(missing) or 'none'}")


if __name__ == "__main__":
    sys.exit(main())
