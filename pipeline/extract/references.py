"""Figures a report states about another report: "三公经费预算数为47.91万元，比2023年预算增加25万元"
says that the 2023 budget's 三公经费预算 was 47.91 − 25. Read with the wordings of
patterns/crossreport.yaml (``references``); the quantity is the indicator printed just before the
words, so a reference exists only where extraction already knows what the figure is.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.document import BBox, Document, Paragraph
from pipeline.extract.catalog import catalog, load_yaml
from pipeline.extract.numbers import parse_number
from pipeline.schema import Indicator, Reference

_AMOUNT = "万元"


@lru_cache(maxsize=1)
def _config() -> tuple[dict, list[re.Pattern], re.Pattern, re.Pattern]:
    cfg = load_yaml("crossreport.yaml")["references"]
    num = catalog().number
    patterns = cfg["change"] if isinstance(cfg["change"], list) else [cfg["change"]]
    change = [re.compile(p.replace("{num}", num.replace("(?P<num>", "(?:"))) for p in patterns]
    amount = re.compile(num + r"\s*" + _AMOUNT)
    return cfg, change, amount, re.compile(cfg["gap"])


def scope_of(title: str) -> str | None:
    """"department" for a 部门预算/决算, "unit" for a 单位预算/决算 (patterns/crossreport.yaml)."""
    for scope, words in load_yaml("crossreport.yaml")["issuer"].get("scope", {}).items():
        if any(w in title for w in words):
            return scope
    return None


def extract_references(doc: Document, indicators: list[Indicator], year: int | None,
                       report_type: str) -> list[Reference]:
    if year is None:
        return []
    cfg, change_pats, amount_pat, gap = _config()
    text_mentions = [i for i in indicators if i.source == "text" and i.unit == _AMOUNT]
    out: list[Reference] = []
    for p in doc.paragraphs:
        if "比" not in p.text:
            continue
        for pat in change_pats:
            for m in pat.finditer(p.text):
                ref = _reference(p, m, cfg, amount_pat, gap, text_mentions, year)
                if ref is not None:
                    out.append(ref)
    return out


def _reference(p: Paragraph, m: re.Match, cfg: dict, amount_pat: re.Pattern, gap: re.Pattern,
               mentions: list[Indicator], year: int) -> Reference | None:
    word = m.group("dir")
    change_text = m.group("change") or ""
    if word in cfg["same"]:
        sign = 0
    elif change_text:
        sign = 1 if word in cfg["increase"] else -1
    else:  # "比2023年预算执行数减少57.14%": a rate, checked inside the report, not a figure of another
        return None
    # the stated figure: the last amount before the words, with only a comma or full stop between
    before = [a for a in amount_pat.finditer(p.text, 0, m.start())]
    if not before or not gap.match(p.text[before[-1].end():m.start()]):
        return None
    a = before[-1]
    num_end = a.end() - len(_AMOUNT)
    while num_end > a.start() and p.text[num_end - 1] == " ":
        num_end -= 1
    indicator = _indicator_at(p, a.start(), num_end, mentions)
    if indicator is None:
        return None
    named = m.group("year")
    ref_year = int(named[:4]) if named[:4].isdigit() else year - 1
    if ref_year >= year + 1:  # a plan for a later year is not a statement about a report
        return None
    phase = cfg["phases"].get(m.group("phase") or "", "same")
    change = 0.0
    if sign:
        parsed = parse_number(change_text)
        if parsed is None:
            return None
        change = sign * parsed[0]
    s0, s1 = _sentence(p.text, m.start())
    page, bbox = p.span_of(m.start(), m.end())[0]
    return Reference(key=indicator.key, year=ref_year, phase=phase, relation="difference",
                     value=indicator.value, value_text=indicator.raw_text, change=change,
                     change_text=change_text, page=page, bbox=_union(indicator, page, bbox),
                     quote=p.raw_of(s0, s1).strip())


def _indicator_at(p: Paragraph, a: int, b: int, mentions: list[Indicator]) -> Indicator | None:
    """The extracted mention printed at ``p.text[a:b]`` (same page, overlapping box, same value)."""
    parsed = parse_number(p.text[a:b])
    if parsed is None:
        return None
    for page, box in p.span_of(a, b):
        for ind in mentions:
            if ind.page == page and _overlap(ind.bbox, box) and abs(ind.value - parsed[0]) < 1e-9:
                return ind
    return None


def _overlap(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _union(ind: Indicator, page: int, box: BBox) -> BBox:
    if ind.page != page:
        return box
    return (min(ind.bbox[0], box[0]), min(ind.bbox[1], box[1]), max(ind.bbox[2], box[2]), max(ind.bbox[3], box[3]))


def _sentence(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, pos) for c in "。；;") + 1
    # "1.35万元。比2023年预算持平": the figure's sentence belongs to the quote
    if start > 0 and text[:start].endswith("。") and not re.search(r"\d", text[start:pos]):
        start = max(text.rfind(c, 0, start - 1) for c in "。；;") + 1
    ends = [i for i in (text.find(c, pos) for c in "。；;") if i >= 0]
    return start, (min(ends) + 1 if ends else len(text))
