"""Extraction: document -> indicator mentions, scores and total score, each with provenance.

Prose: every sentence is searched for the catalog's names and terms (patterns/indicators.yaml);
a name or term followed by connector words and a number of the right unit binds that number.
Tables: cells named by patterns/tables.yaml (row label x column title). The scoring table and
score sentences give ``scores``. Every occurrence is kept, so a quantity stated twice with two
values keeps both; nothing absent from the report is filled in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.catalog import Catalog, Entry, catalog, tables_config
from pipeline.document import Document, Paragraph, Row, Table
from pipeline.extract.numbers import parse_number, to_canonical
from pipeline.schema import Indicator, Score
from pipeline.extract.sections import section_paths
from pipeline.read.tables import row_label
from pipeline.extract.words import at_boundary, has_words

_SENTENCE_END = re.compile(r"[。!?]")
_ROW_PREFIX = re.compile(
    r"^(?:其中[:：]?|[一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|\d{1,2}[.、．](?!\d)|\(\d{1,2}\)|[:：])+"
)


@dataclass
class _Candidate:
    entry: Entry
    alias_start: int
    alias_end: int
    num_start: int
    num_end: int
    value: float
    decimals: int
    printed: str
    priority: int


def extract_indicators(doc: Document, report_type: str = "unknown") -> tuple[list[Indicator], list[Score], float | None]:
    cat = catalog()
    paths = section_paths(doc)
    indicators: list[Indicator] = []
    for p in doc.paragraphs:
        indicators.extend(_from_paragraph(p, paths[p.index], cat, report_type))
    for t in doc.tables:
        section = paths[t.after_paragraph] if t.after_paragraph >= 0 else None
        indicators.extend(_from_table(t, section, cat))
    scores, total = _scores(doc, paths)
    indicators.extend(total)
    indicators.sort(key=lambda i: (i.page, i.bbox[1], i.bbox[0]))
    total_score = next((i.value for i in indicators if i.key == "total_score"), None)
    return indicators, scores, total_score


# ------------------------------------------------------------------------------------------ prose
def sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _from_paragraph(p: Paragraph, section: str | None, cat: Catalog, report_type: str) -> list[Indicator]:
    out = []
    prev = ""
    for s0, s1 in sentences(p.text):
        sent = p.text[s0:s1]
        if any(ch.isdigit() for ch in sent):
            # "其中，基本支出…" breaks down the previous sentence's figure: its subject and phase
            # words carry over (only numbers of this sentence are bound)
            context = prev if _INHERITS.match(sent) else ""
            for c in _bind(context + sent, cat, report_type):
                if c.num_start >= len(context):
                    c.num_start -= len(context)
                    c.num_end -= len(context)
                    out.append(_indicator_from_text(p, s0, s1, c, section))
        prev = sent
    return out


_INHERITS = re.compile(r"^\s*其中")


def _bind(sent: str, cat: Catalog, report_type: str) -> list[_Candidate]:
    subjects = sorted((m.start(), m.end(), name) for name, pats in cat.subjects.items()
                      for pat in pats for m in pat.finditer(sent))
    phases = sorted((m.start(), name) for name, pats in cat.phases.items() for pat in pats for m in pat.finditer(sent))
    default_phase = cat.phase_default.get(report_type)

    def subject_at(pos: int) -> str | None:
        # the nearest subject that starts before the term (a subject inside the term counts)
        found = None
        for start, _end, name in subjects:
            if start <= pos:
                found = name
        return found

    def phase_at(end: int) -> str | None:
        found = None
        for start, name in phases:
            if start < end:
                found = name
        return found or default_phase

    claimed: dict[int, _Candidate] = {}
    for c in _series(sent, cat):
        claimed[c.num_start] = c
    candidates: list[_Candidate] = []
    for entry in cat.entries.values():
        for is_term, pats in ((False, entry.names), (True, entry.terms)):
            for pat in pats:
                for m in _word_matches(pat, sent):
                    v = _value_after(sent, m.end(), entry.kind, cat)
                    if v is None:
                        continue
                    if is_term and subject_at(m.start()) != entry.subject:
                        continue
                    if entry.phase and phase_at(m.end()) != entry.phase:
                        continue
                    num_start, num_end, value, decimals, printed = v
                    candidates.append(_Candidate(entry, m.start(), m.end(), num_start, num_end, value, decimals,
                                                 printed, priority=m.end() - m.start()))
    best: dict[int, _Candidate] = {}
    for c in candidates:
        if c.num_start in claimed:
            continue
        cur = best.get(c.num_start)
        # the longest alias wins; on a tie the one nearer the number
        if cur is None or (c.priority, c.alias_start) > (cur.priority, cur.alias_start):
            best[c.num_start] = c
    return sorted([*claimed.values(), *best.values()], key=lambda c: c.num_start)


def _word_matches(pat: re.Pattern, sent: str):
    """Matches of ``pat`` that start at a word boundary. A match that starts inside a word is
    tried again one character on ("经费支出预算总额": 支出预算总额 fails, 预算总额 is a word)."""
    pos = 0
    while (m := pat.search(sent, pos)) is not None:
        if at_boundary(sent, m.start()):
            yield m
            pos = max(m.end(), m.start() + 1)
        else:
            pos = m.start() + 1


def _value_after(sent: str, pos: int, kind: str, cat: Catalog):
    m = cat.value_re.match(sent, pos)
    if not m:
        return None
    unit = m.group("unit")
    if unit not in cat.units[kind]:
        return None
    rest = sent[m.end():m.end() + 4]
    if any(rest.startswith(r) for r in cat.reject_after):
        return None
    parsed = parse_number(m.group("num"))
    if parsed is None:
        return None
    value, decimals = to_canonical(*parsed, unit)
    return m.start("num"), m.end(), value, decimals, sent[m.start("num"):m.end()]


def _series(sent: str, cat: Catalog) -> list[_Candidate]:
    out = []
    item = re.compile(r"\s*(?:[、,，和及与]\s*)?" + cat.number + r"\s*(?P<unit>%|万元|亿元|元|人)?")
    for spec in cat.series:
        for term in spec["terms"]:
            for m in re.finditer(term, sent):
                pos = m.end()
                for key in spec["keys"]:
                    entry = cat.entries[key]
                    mm = item.match(sent, pos)
                    if not mm:
                        break
                    unit = mm.group("unit")
                    if unit is not None and unit not in cat.units[entry.kind]:
                        break
                    if unit is None and entry.kind != "rate":
                        # "A万元、B万元": each item carries its unit; a bare number ends the list
                        break
                    parsed = parse_number(mm.group("num"))
                    if parsed is None:
                        break
                    value, decimals = to_canonical(*parsed, unit)
                    out.append(_Candidate(entry, m.start(), m.end(), mm.start("num"), mm.end(), value, decimals,
                                          sent[mm.start("num"):mm.end()], priority=1000))
                    pos = mm.end()
    return out


def _indicator_from_text(p: Paragraph, s0: int, s1: int, c: _Candidate, section: str | None) -> Indicator:
    a, b = s0 + c.num_start, s0 + c.num_end
    spans = p.span_of(a, b)
    page, bbox = spans[0]
    return Indicator(
        key=c.entry.key, value=c.value, unit=c.entry.unit, raw_text=p.raw_of(a, b).strip() or c.printed,
        decimals=c.decimals, page=page, bbox=bbox, section=section,
        quote=p.raw_of(s0, s1).strip(), source="text",
    )


# ------------------------------------------------------------------------------------------ tables
def clean_label(text: str) -> str:
    return _ROW_PREFIX.sub("", text).strip()


def column_titles(t: Table) -> list[str]:
    """One title per column: the header cells above it, a merged cell counted for every column it covers."""
    centers = [_col_center(t, j) for j in range(t.n_cols)]
    titles = [""] * t.n_cols
    for row in t.header:
        for i, cell in enumerate(row.cells):
            if cell.spanned or not cell.text:
                continue
            targets = [j for j, x in enumerate(centers) if x is not None and cell.bbox[0] - 1 <= x <= cell.bbox[2] + 1]
            for j in targets or [i]:
                if cell.text not in titles[j]:
                    titles[j] += cell.text
    return titles


def _col_center(t: Table, j: int) -> float | None:
    xs = [((c.bbox[0] + c.bbox[2]) / 2, c.bbox[2] - c.bbox[0]) for r in t.rows
          if j < len(r.cells) for c in [r.cells[j]] if c.bbox and not c.spanned]
    if not xs:
        return None
    # the narrowest cell in the column is the column itself, not a merge over it
    return min(xs, key=lambda v: v[1])[0]


def _table_matches(t: Table, when: list[list[str]]) -> bool:
    text = (t.caption or "") + "".join(c.text for r in t.header for c in r.cells)
    return any(all(w in text for w in words) for words in when)


def _from_table(t: Table, section: str | None, cat: Catalog) -> list[Indicator]:
    cfg = tables_config()
    out: list[Indicator] = []
    for spec in cfg["tables"]:
        if not _table_matches(t, spec["when"]):
            continue
        titles = column_titles(t)
        columns: dict[str, int] = {}
        for name, rule in spec["columns"].items():
            for j, title in enumerate(titles):
                if has_words(title, rule.get("all", [])) and not any(w in title for w in rule.get("none", [])):
                    columns.setdefault(name, j)
        for row_spec in spec["rows"]:
            rows = _pick_rows(t, row_spec)
            for row in rows:
                for col_name, key in row_spec["keys"].items():
                    j = columns.get(col_name)
                    if j is None or j >= len(row.cells):
                        continue
                    ind = _indicator_from_cell(t, row, j, cat.entries[key], section)
                    if ind is not None:
                        out.append(ind)
        break  # one spec per table
    return out


def _pick_rows(t: Table, row_spec: dict) -> list[Row]:
    body = [r for r in t.body if any(c.text for c in r.cells)]
    if row_spec.get("first"):
        return body[:1]
    pat = re.compile(row_spec["label"])
    return [r for r in body if pat.fullmatch(clean_label(row_label(r)))]


def _indicator_from_cell(t: Table, row: Row, j: int, entry: Entry, section: str | None) -> Indicator | None:
    cell = row.cells[j]
    parsed = parse_number(cell.text)
    if parsed is None:
        return None
    if entry.kind == "rate" and not cell.text.endswith("%") and "%" not in "".join(column_titles(t)[j:j + 1]):
        return None
    unit = t.unit if entry.kind == "amount" else None
    value, decimals = to_canonical(*parsed, unit)
    return Indicator(key=entry.key, value=value, unit=entry.unit, raw_text=cell.raw or cell.text, decimals=decimals,
                     page=row.page, bbox=cell.bbox or row.bbox, section=section,
                     quote=(t.caption + ": " if t.caption else "") + row.raw, source="table")


# ------------------------------------------------------------------------------------------ scores
def _scores(doc: Document, paths: dict) -> tuple[list[Score], list[Indicator]]:
    cfg = tables_config()
    total_entry = catalog().entries["total_score"]
    scores: list[Score] = []
    totals: list[Indicator] = []
    spec = cfg["scores"]
    for t in doc.tables:
        header = "".join(c.text for r in t.header for c in r.cells)
        if not all(w in header for w in spec["when"]):
            continue
        section = paths[t.after_paragraph] if t.after_paragraph >= 0 else None
        s, tot = _score_table(t, spec, total_entry, section)
        scores.extend(s)
        totals.extend(tot)
    if not scores:
        for p in doc.paragraphs:
            for pat in cfg["score_sentences"]:
                for m in re.finditer(pat, p.text):
                    page, bbox = p.span_of(m.start(), m.end())[0]
                    scores.append(Score(level1=clean_label(m.group("level1")), max_score=float(m.group("max")),
                                        score=float(m.group("score")), page=page, bbox=bbox,
                                        quote=p.raw_of(m.start(), m.end()),
                                        decimals=_decimals(m.group("score"))))
    return scores, totals


def _decimals(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def _score_table(t: Table, spec: dict, total_entry: Entry, section: str | None) -> tuple[list[Score], list[Indicator]]:
    titles = column_titles(t)

    def col(words: list[str], last: bool = False) -> int | None:
        hits = [j for j, title in enumerate(titles) if any(w in title for w in words)]
        return (hits[-1] if last else hits[0]) if hits else None

    c1, c2, c3 = col(spec["columns"]["level1"]), col(spec["columns"]["level2"]), col(spec["columns"]["level3"])
    cmax, cscore = col(spec["columns"]["max_score"]), col(spec["columns"]["score"], last=True)
    if cscore == cmax:
        cscore = None
    total_re = re.compile(spec["total_row"])
    scores, totals = [], []
    level1 = level2 = None
    for row in t.body:
        texts = row.texts

        def get(j):
            return texts[j] if j is not None and j < len(texts) else ""
        label = "".join(texts[:3])
        if total_re.match(label.strip()) or total_re.match(get(c1)):
            if cscore is not None and (parsed := parse_number(get(cscore))):
                cell = row.cells[cscore]
                totals.append(Indicator(key="total_score", value=parsed[0], unit=total_entry.unit,
                                        raw_text=cell.raw, decimals=parsed[1], page=row.page,
                                        bbox=cell.bbox or row.bbox, section=section,
                                        quote=(t.caption or "评分表") + ": " + row.raw, source="table"))
            continue
        level1 = get(c1) or level1
        level2 = get(c2) or level2
        level3 = get(c3)
        mx = parse_number(get(cmax)) if cmax is not None else None
        sc = parse_number(get(cscore)) if cscore is not None else None
        if not level3 and mx is None:
            continue
        score_cell = row.cells[cscore] if cscore is not None and cscore < len(row.cells) else None
        scores.append(Score(level1=level1, level2=level2, level3=level3 or None,
                            max_score=mx[0] if mx else None, score=sc[0] if sc else None, page=row.page,
                            bbox=(score_cell.bbox if score_cell and score_cell.bbox else row.bbox),
                            quote=row.raw, decimals=sc[1] if sc else 2))
    return scores, totals
