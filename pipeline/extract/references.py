"""Figures a report states about another report: "三公经费预算数为47.91万元，比2023年预算增加25万元"
says that the 2023 budget's 三公经费预算 was 47.91 − 25. Read with the wordings of
patterns/crossreport.yaml (``references``); the quantity is the indicator printed just before the
words. Where extraction knows what the figure is, the reference is keyed by its indicator;
otherwise by its subject, the words before the figure normalised (``subjects``: "财政拨款收入"),
so that a change of any quantity is checked against the other report's statement of it
(:func:`extract_statements`). A change that makes no reference is counted with the reason
(``dropped``), for the coverage.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.document import BBox, Document, Paragraph
from pipeline.extract.catalog import catalog, load_yaml
from pipeline.extract.numbers import parse_number, to_canonical
from pipeline.schema import Indicator, Reference, Statement

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


# why a stated change made no reference (the coverage counts them)
DROP_REASONS = {
    "no_figure": "变动前没有紧邻的金额",
    "no_subject": "金额前没有可识别的主语",
    "vague_subject": "主语不指明具体数项（如“预算安排”）",
    "later_year": "所比年份晚于本报告",
    "unreadable": "变动数无法读取",
}


@lru_cache(maxsize=1)
def _subject_cfg() -> tuple[re.Pattern, list[re.Pattern], dict[str, str], int, re.Pattern, frozenset]:
    cfg = load_yaml("crossreport.yaml")["subjects"]
    synonyms = {}
    for names in cfg.get("synonyms", []):
        for n in names[1:]:
            synonyms[n] = names[0]
    num = catalog().number
    units = "|".join(sorted(cfg.get("units", [_AMOUNT]), key=len, reverse=True))
    amount = re.compile(num + r"\s*(?P<unit>" + units + ")")
    return (re.compile(cfg["delimiters"]), [re.compile(p) for p in cfg.get("strip", [])], synonyms,
            int(cfg.get("min_chars", 2)), amount, frozenset(cfg.get("vague", [])))


def normalise_subject(words: str) -> str:
    """"(一)、“三公”经费预算数为 " -> "三公经费预算" (patterns/crossreport.yaml ``subjects``)."""
    _, strip, synonyms, *_ = _subject_cfg()
    for pat in strip:
        words = pat.sub("", words)
    return synonyms.get(words, words)


def subject_before(text: str, pos: int, year: int | None = None) -> str | None:
    """The subject of the figure printed at ``text[pos:]``: the words back to the nearest delimiter,
    normalised; None when they hold a number or say too little, or name a year other than ``year``."""
    delims, _, _, min_chars, *_ = _subject_cfg()
    start = 0
    for d in delims.finditer(text, 0, pos):
        start = d.end()
    words = text[start:pos].strip()
    named = re.match(r"(\d{4})年", words)
    if year is not None and named and int(named.group(1)) != year:
        return None
    subject = normalise_subject(words)
    if len(subject) < min_chars or re.search(r"\d", subject):
        return None
    return subject


def is_vague(subject: str) -> bool:
    return subject in _subject_cfg()[-1]


def extract_statements(doc: Document, year: int | None = None) -> list[Statement]:
    """Every amount of the prose with its subject: what another report's reference is checked against
    (a figure said of another year than ``year``, "2023年当年预算执行数为…", is none)."""
    *_, amount, _ = _subject_cfg()
    out: list[Statement] = []
    for p in doc.paragraphs:
        if not re.search(r"\d", p.text):
            continue
        for m in amount.finditer(p.text):
            subject = subject_before(p.text, m.start(), year)
            parsed = parse_number(m.group("num"))
            if subject is None or parsed is None or is_vague(subject):
                continue
            value, decimals = to_canonical(parsed[0], parsed[1], m.group("unit"))
            page = p.span_of(m.start(), m.end())[0][0]
            out.append(Statement(subject=subject, value=value, raw_text=m.group(0).strip(), decimals=decimals,
                                 page=page))
    return out


def extract_references(doc: Document, indicators: list[Indicator], year: int | None,
                       report_type: str, dropped: list[tuple[str, str, int]] | None = None) -> list[Reference]:
    """The report's figures about other reports; ``dropped`` gets (reason, quote, page) of each stated
    change of an amount that made none (``DROP_REASONS``)."""
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
                if isinstance(ref, Reference):
                    out.append(ref)
                elif ref is not None and dropped is not None:
                    s0, s1 = _sentence(p.text, m.start())
                    dropped.append((ref, p.raw_of(s0, s1).strip(), p.span_of(m.start(), m.end())[0][0]))
    return out


def _reference(p: Paragraph, m: re.Match, cfg: dict, amount_pat: re.Pattern, gap: re.Pattern,
               mentions: list[Indicator], year: int) -> Reference | str | None:
    """The reference, or why there is none (a DROP_REASONS key; None: no figure of another report)."""
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
        return "no_figure"
    a = before[-1]
    num_end = a.end() - len(_AMOUNT)
    while num_end > a.start() and p.text[num_end - 1] == " ":
        num_end -= 1
    indicator = _indicator_at(p, a.start(), num_end, mentions)
    subject = subject_before(p.text, a.start())
    if indicator is None and subject is None:
        return "no_subject"
    if indicator is None and is_vague(subject):
        return "vague_subject"
    named = m.group("year")
    ref_year = int(named[:4]) if named[:4].isdigit() else year - 1
    if ref_year >= year + 1:  # a plan for a later year is not a statement about a report
        return "later_year"
    phase = cfg["phases"].get(m.group("phase") or "", "same")
    change = 0.0
    if sign:
        parsed = parse_number(change_text)
        if parsed is None:
            return "unreadable"
        change = sign * parsed[0]
    s0, s1 = _sentence(p.text, m.start())
    page, bbox = p.span_of(m.start(), m.end())[0]
    basis = p.text[m.start():m.start("dir")]
    if indicator is None:  # no catalog quantity: the figure as printed, keyed by its subject
        parsed = parse_number(p.text[a.start():num_end])
        if parsed is None:
            return "unreadable"
        return Reference(key=subject, subject=subject, year=ref_year, phase=phase, relation="difference",
                         value=parsed[0], value_text=p.text[a.start():num_end].strip(), change=change,
                         change_text=change_text, page=page, bbox=_box(p, a.start(), num_end, page, bbox),
                         quote=p.raw_of(s0, s1).strip(), basis=basis)
    return Reference(key=indicator.key, year=ref_year, phase=phase, relation="difference",
                     value=indicator.value, value_text=indicator.raw_text, change=change,
                     change_text=change_text, page=page, bbox=_union(indicator, page, bbox),
                     quote=p.raw_of(s0, s1).strip(), subject=subject, basis=basis)


def _box(p: Paragraph, a: int, b: int, page: int, box: BBox) -> BBox:
    for pg, bx in p.span_of(a, b):
        if pg == page:
            return (min(bx[0], box[0]), min(bx[1], box[1]), max(bx[2], box[2]), max(bx[3], box[3]))
    return box


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
