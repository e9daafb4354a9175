"""Form tables read like prose (patterns/tables.yaml ``form_reading``).

A performance report states many of its figures only in tables that are forms: label / value
cells ("人员编制 | 24 | 实有人数 | 22"), 指标名称 | 年度指标值 | 全年完成值 rows of a 自评表, 预算数 |
执行数 | 执行率 grids, 人员情况表 and 资产情况表 with two-level merged headers. No table declaration
(tables.yaml ``tables``) names them all, so each figure of such a table is read as the phrase the
table prints around it — its row's label, its column's header path (a two-level header read as one
term, the lower level first: 预算数 over 调整后 is "调整后预算数"), the figure and its unit — and that
phrase goes through the prose binder (extract.indicators): the same names, terms, subjects, phases
and years decide what it is, and a phrase the catalog does not know gives nothing.

Columns of targets, plans, weights and scores are no statement of the year's figure and are not
read; a column of units (计量单位) gives the unit of its row's bare figures.

In: one Table (with its document, the report's type and year). Out: Indicators (source ``table``).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, field_validator

from pipeline.document import Document, Row, Table
from pipeline.extract.catalog import PATTERNS_DIR, Catalog, load_yaml
from pipeline.patterns import validated
from pipeline.read.tables import column_numbers, is_numeric, row_label
from pipeline.schema import Indicator


class FormRules(BaseModel):
    """patterns/tables.yaml ``form_reading``."""

    model_config = ConfigDict(extra="forbid")
    report_types: list[str]
    skip_columns: list[str]
    plain_columns: list[str]
    unit_columns: list[str]
    other_columns: list[str]
    count_words: list[str]
    rate_words: list[str]
    unit_brackets: str
    whole_words: str
    group_words: str
    year_heading: str
    part_words: str
    caption_subjects: list[str]
    named_rows: list[str]
    label_strip: str
    total_row: str

    @field_validator("skip_columns", "plain_columns", "unit_columns", "other_columns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for w in v:
            re.compile(w)
        return v


@lru_cache(maxsize=1)
def form_rules() -> FormRules:
    return validated(FormRules, load_yaml("tables.yaml").get("form_reading") or {}, PATTERNS_DIR / "tables.yaml")


_FIGURE = re.compile(r"^(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>%|万元|亿元|元|人|名|分|个|辆)?$")
# a completion cell that says of when its figure is: "上半年43.77%", "截至6月底52.10%"
_WORDED = re.compile(r"^(?P<pre>[\u4e00-\u9fa5]{2,8})(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>%|万元|亿元|元|人|名|分|个|辆)?$")


def _any(pats: list[str], text: str) -> bool:
    return any(re.search(p, text) for p in pats)


def _header_paths(t: Table) -> list[list[str]]:
    """Each column's header cells, top to bottom (a merged cell counts for every column it covers;
    栏次 rows left out)."""
    from pipeline.extract.indicators import _col_center

    centers = [_col_center(t, j) for j in range(t.n_cols)]
    paths: list[list[str]] = [[] for _ in range(t.n_cols)]
    for row in t.header:
        if column_numbers(row):
            continue
        for i, cell in enumerate(row.cells):
            text = re.sub(r"\s+", "", cell.text)
            if cell.spanned or not text:
                continue
            targets = [j for j, x in enumerate(centers) if x is not None and cell.bbox
                       and cell.bbox[0] - 1 <= x <= cell.bbox[2] + 1]
            for j in targets or [i]:
                if j < len(paths) and (not paths[j] or paths[j][-1] != text):
                    paths[j].append(text)
    return paths


def _terms(path: list[str], rules: FormRules) -> tuple[list[str], str | None]:
    """A column's header path as the terms a reader would say, and the unit its brackets name. One
    level is its title; under a heading the lower level comes first (预算数 / 年初 -> 年初预算数; 预算数 /
    调整后预算 -> 调整后预算数, the heading's word said once); a 合计 under a heading is the heading's
    whole (聘用人员 / 合计 -> 聘用人员); a 其中 part is said as prose says it (聘用人员 / 其中：在岗 ->
    "聘用人员，其中在岗", else "在岗聘用人员"). A plain title (实际完成值) adds nothing."""
    unit = None
    parts = []
    for text in path:
        if m := re.search(rules.unit_brackets, text):
            unit = m.group(1)
            text = (text[:m.start()] + text[m.end():]).strip()
        if text and not _any(rules.plain_columns, text):
            parts.append(text)
    if len(parts) < 2:
        return ["".join(parts)], unit
    upper, lower = "".join(parts[:-1]), parts[-1]
    if re.fullmatch(rules.whole_words, lower):
        return [upper], unit
    if re.fullmatch(rules.group_words, upper):
        return [lower], unit
    if re.fullmatch(rules.year_heading, upper):
        return [upper + lower], unit  # 2023年 over 预算数 | 决算数: "2023年预算数"
    if m := re.match(rules.part_words, lower):
        part = lower[m.end():]
        return [f"{upper}，其中{part}", _joined(part, upper)], unit
    return [_joined(lower, upper)], unit


def _joined(lower: str, upper: str) -> str:
    """The lower level before its heading, the heading's word said once: 调整后预算 + 预算数 -> 调整后预算数."""
    stem = upper[:-1] if upper.endswith("数") else upper
    if stem and lower.endswith(stem):
        return lower + upper[len(stem):]
    return lower + upper


def form_indicators(t: Table, section: str | None, cat: Catalog, report_type: str, year: int | None,
                    doc: Document | None = None) -> list[Indicator]:
    from pipeline.extract.indicators import _bind, clean_label, own_subject, row_year, table_unit

    rules = form_rules()
    if report_type not in rules.report_types:
        return []
    # a form of label / value pairs has no header: a "header" row holding figures is one of its rows
    data_header = [r for r in t.header if _pairs(r)]
    paths = [[] for _ in range(t.n_cols)] if data_header else _header_paths(t)
    terms = [_terms(p, rules) for p in paths]
    titles = ["".join(p) for p in paths]
    skip = [_any(rules.skip_columns, title) for title in titles]
    unit_col = next((j for j, title in enumerate(titles) if _any(rules.unit_columns, title)), None)
    other = [_any(rules.other_columns, title) for title in titles]
    # a table of named projects (项目名称 | …): its rows are each one project's, not the department's
    if any(_any(rules.named_rows, title) for title in titles[:2]):
        return []
    amount_unit = table_unit(t, doc)
    context = _caption_context(t.caption, cat, rules)
    out: list[tuple[int, bool, Indicator]] = []  # (column, in a total row, mention)
    total_re = re.compile(rules.total_row)
    # the first column's last label: a label cell merged down over the rows below it (the header's
    # first cell, "财政供养人员情况 | 编制数 | 在职人数" over "| 65 | 60")
    carried = paths[0][-1] if paths and paths[0] and not data_header else None
    for row in [*data_header, *t.body]:
        if not any(c.text for c in row.cells) or column_numbers(row):
            continue
        if _subheader(row):
            # a row of titles inside the body ("经费控制情况 | 2022年决算数（万元）| 2023年预算数（万元）"):
            # the columns' titles for the rows below it
            paths = [[re.sub(r"\s+", "", c.text)] if c.text.strip() else [] for c in row.cells]
            terms = [_terms(p, rules) for p in paths]
            titles = ["".join(p) for p in paths]
            skip = [_any(rules.skip_columns, title) for title in titles]
            other = [_any(rules.other_columns, title) for title in titles]
            carried = paths[0][0] if paths and paths[0] else None
            continue
        if row_year(row, year) in ("other", "change"):
            continue  # a row of another year, or of the change between two (年度 | 2023年 / 增减变化)
        first = row.cells[0].text if row.cells else ""
        if first.strip() and not _FIGURE.match(first.replace(" ", "")):
            carried = first
        row_unit = row.cells[unit_col].text.strip() if unit_col is not None and unit_col < len(row.cells) else ""
        for j, cell in enumerate(row.cells):
            text = cell.text.replace(" ", "")
            m = _FIGURE.match(text) or _WORDED.match(text)
            if m is None or cell.spanned or (j < len(skip) and skip[j]):
                continue
            pre = m.groupdict().get("pre") or ""  # said first: "上半年支出进度43.77%"
            if pre and not _period(pre, cat):
                continue  # words before a figure that name no period ("较上年减少3人"): not read
            label = _label_left(row, j, skip, other, unit_col)
            if label is None and carried and not any(
                    c.text.strip() and not _FIGURE.match(c.text.replace(" ", "")) for c in row.cells[:j]):
                label = carried  # the label cell merged down over this row
            if label is None:
                continue
            label = re.sub(rules.label_strip, "", label) or label
            label_unit = None
            if b := re.search(rules.unit_brackets, label):
                label_unit, label = b.group(1), (label[:b.start()] + label[b.end():]).strip()
            col_terms, col_unit = terms[j] if j < len(terms) else ([""], None)
            unit = m.group("unit") or label_unit or col_unit or (row_unit if row_unit in _UNITS else None)
            if unit is None:
                words = label + "".join(col_terms)
                if (j < len(titles) and "%" in titles[j]) or _any(rules.rate_words, words):
                    unit = "%"
                elif re.fullmatch(r"\d+", m.group("num")) and _any(rules.count_words, words):
                    unit = "人"
                else:
                    unit = amount_unit
            if unit is None:
                continue
            # the caption says whose figures the table holds ("“三公”经费支出情况表": its 合计 is 三公's);
            # the row's label before the column's term ("合计实际支出"), else after it ("实际支出因公出国(境)费")
            found = []
            for term in col_terms:
                for head in (clean_label(label) + term, term + clean_label(label)):
                    phrase_head = context + pre + head
                    phrase = f"{phrase_head}{m.group('num')}{unit}"
                    found = [c for c in _bind(phrase, cat, report_type, year) if c.num_start == len(phrase_head)
                             and _phase_agrees(c.entry, term, cat)]
                    if found or not term:
                        break
                if found:
                    break
            if not found:
                continue
            c = found[0]  # its value is in the catalog's unit already (元 and 亿元 converted)
            out.append((j, bool(total_re.fullmatch(clean_label(row_label(row)))), Indicator(key=c.entry.key, value=c.value, unit=c.entry.unit, raw_text=cell.raw or cell.text,
                                 decimals=c.decimals, page=row.page, bbox=cell.bbox or row.bbox, section=section,
                                 quote=(t.caption + ": " if t.caption else "") + row.raw, source="table",
                                 subject=c.subject or own_subject(c.entry, cat), phase=c.phase)))
    # rows beside a 合计 that give its quantity in its column are its parts (one unit's, one
    # office's figure: 局机关 | 28 beside 合计 | 44), not the department's
    whole = {(j, ind.key) for j, is_total, ind in out if is_total}
    return [ind for j, is_total, ind in out if is_total or (j, ind.key) not in whole]


def _period(words: str, cat: Catalog) -> bool:
    """Words that name a quarter or a quarter's end (indicators.yaml subjects q1–q4)."""
    return any(pat.fullmatch(words) for name in ("q1", "q2", "q3", "q4") for pat in cat.subjects.get(name, []))


def _phase_agrees(entry, term: str, cat: Catalog) -> bool:
    """A column that names a phase (预算数, 决算数) holds no figure of an entry whose own label says
    the other phase ("实际采购金额" under 2023年预算数)."""
    def phase_of(text: str) -> str | None:
        hits = [(m.start(), name) for name, pats in cat.phases.items() for pat in pats for m in pat.finditer(text)]
        return max(hits)[1] if hits else None

    column, own = phase_of(term), entry.phase or phase_of(entry.label)
    if column is None or own is None:
        return True
    return column == own or {column, own} == {"budget", "adjusted"}


def _subheader(row: Row) -> bool:
    """A body row of titles only: two or more text cells right of the first, no figure."""
    texts = [re.sub(r"\s+", "", c.text) for c in row.cells[1:] if c.text.strip()]
    return len(texts) >= 2 and not any(_FIGURE.match(x) or x in ("—", "-", "/") for x in texts) \
        and not any(_FIGURE.match(re.sub(r"\s+", "", c.text)) for c in row.cells[:1])


def _pairs(row: Row) -> bool:
    """A row of label / value pairs ("编制数（人）| 59 | 实有人数（人）| 56"): text and figures alternate."""
    texts = [re.sub(r"\s+", "", c.text) for c in row.cells if c.text.strip()]
    if len(texts) < 2 or column_numbers(row):
        return False
    kinds = [bool(_FIGURE.match(x)) for x in texts]
    return kinds[0] is False and all(k != kinds[i - 1] for i, k in enumerate(kinds) if i) and any(kinds)


def _caption_context(caption: str | None, cat: Catalog, rules: FormRules) -> str:
    """The caption's subject as the phrase's topic, when it is one a caption may set for its rows
    (``caption_subjects``: "表1“三公”经费支出情况表" makes its 合计 the 三公 figure)."""
    if not caption:
        return ""
    text = re.sub(r"\s+", "", caption)
    for name in rules.caption_subjects:
        for pat in cat.subjects.get(name, []):
            if m := pat.search(text):
                return m.group(0) + "："
    return ""


_UNITS = {"%", "万元", "亿元", "元", "人", "名", "分", "个", "辆"}


def _label_left(row: Row, j: int, skip: list[bool], other: list[bool], unit_col: int | None) -> str | None:
    """The nearest text cell left of cell j that names it (not a figure, a unit or a note column)."""
    for k in range(j - 1, -1, -1):
        cell = row.cells[k]
        text = re.sub(r"\s+", "", cell.text)
        if not text or k == unit_col or (k < len(other) and other[k]) or (k < len(skip) and skip[k]):
            continue
        if is_numeric(text) or _FIGURE.match(text) or text in ("—", "-", "/") or text[0] in "≥≤＞＜><":
            continue  # another figure of the row (a grid is read by its row's label), or a target
        return text
    return None
