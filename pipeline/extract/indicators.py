"""Extraction: document -> indicator mentions, scores and total score, each with provenance.

Prose: every sentence is searched for the catalog's names and terms (patterns/indicators.yaml);
a name or term followed by connector words and a number of the right unit binds that number.
Tables: cells named by patterns/tables.yaml (row label x column title). The scoring table and
score sentences give ``scores``. Every occurrence is kept, so a quantity stated twice with two
values keeps both; nothing absent from the report is filled in.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from pipeline.extract.catalog import Catalog, Entry, catalog, tables_config
from pipeline.document import Document, Paragraph, Row, Table
from pipeline.extract.numbers import EMPTY_CELLS, parse_number, to_canonical
from pipeline.schema import Indicator, Score
from pipeline.extract.sections import section_paths
from pipeline.read.tables import column_numbers, row_label
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
    subject: str | None = None  # the subject in scope (Indicator.subject)
    phase: str | None = None  # the phase word in scope, not the report type's default
    via_term: bool = False  # bound by a term under its subject (so an ellipsis may repeat it)


_DETECT = object()


def extract_indicators(doc: Document, report_type: str = "unknown",
                       year: int | None | object = _DETECT) -> tuple[list[Indicator], list[Score], float | None]:
    """``year``: the report's own year (by default read from the title page): a figure of another
    year, in the text or in a table's year column or row, is not the report's."""
    if year is _DETECT:
        from pipeline.extract.metadata import detect
        year = detect(doc).year
    cat = catalog()
    paths = section_paths(doc)
    indicators: list[Indicator] = []
    for p in doc.paragraphs:
        indicators.extend(_from_paragraph(p, paths[p.index], cat, report_type, year))
    for t in doc.tables:
        section = paths[t.after_paragraph] if t.after_paragraph >= 0 else None
        indicators.extend(_from_table(t, section, cat, year, doc, report_type))
    from pipeline.extract.budget import budget_indicators  # 预算/决算 headline figures: patterns/budget.yaml
    indicators.extend(budget_indicators(doc, report_type, year))
    scores, total = _scores(doc, paths)
    indicators.extend(total)
    indicators.sort(key=lambda i: (i.page, i.bbox[1], i.bbox[0]))
    # the report's total is the scoring table's 合计 when there is one; a sentence restating it is a
    # mention (checked against the table), not the total
    totals = [i for i in indicators if i.key == "total_score"]
    total_score = next((i.value for i in sorted(totals, key=lambda i: i.source != "table")), None)
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


def _from_paragraph(p: Paragraph, section: str | None, cat: Catalog, report_type: str,
                    year: int | None = None) -> list[Indicator]:
    out = []
    prev = ""
    spans = sentences(p.text)
    # a paragraph headed by a topic ("1、一般公共服务支出(类)财政事务(款)行政运行(项)。…") is about it
    heading = p.text[spans[0][0]:spans[0][1]] if spans and _is_topic(p.text[spans[0][0]:spans[0][1]], cat) else ""
    for k, (s0, s1) in enumerate(spans):
        sent = p.text[s0:s1]
        if any(ch.isdigit() for ch in sent):
            # "其中，基本支出…" breaks down the previous sentence's figure: its subject and phase
            # words carry over (only numbers of this sentence are bound)
            context = prev if _INHERITS.match(sent) else ""
            if heading and k > 0 and not context.startswith(heading):
                context = heading + context
            found = _bind(context + sent, cat, report_type, year)
            if context and not heading:
                found = _breakdown_reading(context, sent, found, cat, report_type, year)
            # the parts after each 其中 (this sentence's, or the one it opens) take their whole's scope
            text = context + sent
            for k in [len(context)] if context and not heading else []:
                _inherit_scope(text, k, found, cat)
            for m in _INNER_BREAKDOWN.finditer(text, len(context) + 1):
                _inherit_scope(text, m.start(), found, cat)
            for c in found:
                if c.num_start >= len(context):
                    c.num_start -= len(context)
                    c.num_end -= len(context)
                    out.append(_indicator_from_text(p, s0, s1, c, section))
        prev = sent
    return out


def _breakdown_reading(context: str, sent: str, found: list[_Candidate], cat: Catalog,
                       report_type: str, year: int | None = None) -> list[_Candidate]:
    """A 其中 sentence breaks down one figure of the sentence before; which one decides the parts'
    subject and phase. The nearest figure is read first; when the parts do not add up to it but
    do add up (within their printed precision) to an earlier figure, the parts are that figure's
    ("“三公”经费支出3.46万元，年初预算5.2万元，…。其中因公出国（境）费0.00万元…": spending, not budget)."""
    parts = [c for c in found if c.num_start >= len(context) and c.entry.kind == "amount"]
    figures = [c for c in _bind(context, cat, report_type, year) if c.entry.kind == "amount"]
    if len(parts) < 2 or not figures or _adds_up(parts, figures[-1]):
        return found
    for figure in reversed(figures[:-1]):
        head = context[:figure.num_end]
        other = _bind(head + sent, cat, report_type, year)
        other_parts = [c for c in other if c.num_start >= len(head) and c.entry.kind == "amount"]
        if len(other_parts) == len(parts) and _adds_up(other_parts, figure):
            shift = len(context) - len(head)
            for c in other:  # back to the offsets of the full context
                c.num_start += shift
                c.num_end += shift
            return other
    return found


def _adds_up(parts: list[_Candidate], whole: _Candidate) -> bool:
    slack = sum(0.5 * 10 ** -c.decimals for c in [*parts, whole])
    return abs(sum(c.value for c in parts) - whole.value) <= slack + 1e-9


_INHERITS = re.compile(r"^\s*其中")
_AMOUNT_IN_TEXT = re.compile(r"(?P<num>[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?)\s*(?P<unit>万元|亿元|元)")


def _inherit_scope(text: str, split: int, found: list[_Candidate], cat: Catalog) -> None:
    """"财政拨款支出2,961.68万元，其中：基本支出…", "一般公共预算财政拨款支出154,304.22万元，比2025年增加…。
    其中：基本支出5,362.42万元…；项目支出148,941.8万元": the parts after 其中 (at ``split``) that add up
    to a figure before it are that figure's parts and take its scope (indicators.yaml
    `scope_subjects`: a fund's 基本支出 is not the department's)."""
    scoped = set(_catalog_extra().get("scope_subjects", []))
    nxt = _INNER_BREAKDOWN.search(text, split + 1)
    stop = nxt.start() if nxt else len(text)
    parts = [c for c in found if split <= c.num_start < stop and c.entry.kind == "amount"]
    if len(parts) < 2 or not scoped:
        return
    total = sum(c.value for c in parts)
    slack = sum(0.5 * 10 ** -c.decimals for c in parts)
    head = text[:split]
    for m in reversed(list(_AMOUNT_IN_TEXT.finditer(head))):
        parsed = parse_number(m.group("num"))
        if parsed is None:
            continue
        value, decimals = to_canonical(*parsed, m.group("unit"))
        if abs(value - total) > slack + 0.5 * 10 ** -decimals + 1e-9:
            continue
        # the subject that names this figure: one whose name runs into it ("财政拨款支出2,961.68万元")
        name = None
        for pname, pats in cat.subjects.items():
            for pat in pats:
                for x in pat.finditer(head, 0, m.start()):
                    v = cat.value_re.match(head, x.end())
                    if v and v.start("num") == m.start("num"):
                        name = pname
        if name in scoped:
            funded = set(_catalog_extra().get("grant_funded", []))
            for c in parts:
                if c.subject in (None, own_subject(c.entry, cat)) and c.entry.key not in funded:
                    c.subject = name
        return


_INNER_BREAKDOWN = re.compile(r"其中")


def _is_topic(sent: str, cat: Catalog) -> bool:
    topics = _catalog_extra().get("topic_subjects", [])
    return any(p.search(sent) for name in topics for p in cat.subjects.get(name, []))


def _bind(sent: str, cat: Catalog, report_type: str, year: int | None = None) -> list[_Candidate]:
    # each subject and phase word reaches from where it starts to the end of its scope (see _scope_end)
    extra = _catalog_extra()
    clause_only, foreign = set(extra.get("clause_subjects", [])), set(extra.get("foreign_subjects", []))
    subjects = sorted([*((m.start(), _stop(sent, name, m.end(), _scope_end(sent, m.start(), m.end(), cat, own_value=True,
                                                                     clause_only=name in clause_only)), name)
                         for name, pats in cat.subjects.items() for pat in pats for m in pat.finditer(sent)),
                       *_other_years(sent, cat, year)])
    phases = sorted((m.start(), _base_end(sent, m.end(), _scope_end(sent, m.start(), m.end(), cat, own_value=False)),
                     name) for name, pats in cat.phases.items() for pat in pats for m in pat.finditer(sent))
    default_phase = cat.phase_default.get(report_type)
    grant_scopes, grant_funded = set(extra.get("scope_subjects", [])), set(extra.get("grant_funded", []))

    def subject_at(pos: int) -> str | None:
        # the nearest subject that starts before the term (a subject inside the term counts) and
        # whose scope reaches the term
        found = None
        for start, until, name in subjects:
            if start <= pos < until:
                found = name
        return found

    flows = _flow_brackets(sent)
    after_quarter = set(extra.get("not_after_quarter", []))
    quarters = set(extra.get("subject_stops") or {})

    def foreign_at(pos: int) -> bool:
        # another year's, one project's, one line item's or one fund's figure; or a part of a change
        # ("较上年末增加3人（其中：新入职4人、退休2人）": who came and went, not how many there are)
        return (any(start < pos < until for start, until, name in subjects if name in foreign)
                or any(a < pos < b for a, b in flows))

    def phase_at(end: int, default: bool = True, begin: int | None = None) -> str | None:
        # a phase word inside the alias itself is the alias's own phase ("调整预算后项目预算": adjusted);
        # otherwise the nearest phase word before it
        found = None
        for start, until, name in phases:
            if begin is not None and begin <= start < end:
                return name
            if start < end <= until:
                found = name
        return found or (default_phase if default else None)

    def scope_of(entry: Entry, alias_start: int, alias_end: int) -> tuple[str | None, str | None]:
        # whose figure: the entry's own subject (its `subject`, or a subject word in its name or label:
        # 政府采购执行率 is procurement's), else the subject in scope before the name ("项目支出…，
        # 预算执行率": the project's). The phase: the entry's, or a phase word in the name itself.
        subject = (own_subject(entry, cat)
                   or (subject_at(alias_start - 1) if alias_start else None))
        if subject in grant_scopes and entry.key in grant_funded:
            subject = None  # "财政拨款的机关运行经费": its source, not another scope
        inner = [name for start, _u, name in phases if alias_start <= start < alias_end]
        return subject, entry.phase or (inner[0] if inner else None)

    claimed: dict[int, _Candidate] = {}
    for c in _series(sent, cat):
        claimed[c.num_start] = c
    candidates: list[_Candidate] = []
    for entry in cat.entries.values():
        for is_term, pats in ((False, entry.names), (True, entry.terms)):
            for pat in pats:
                for m in _word_matches(pat, sent):
                    v = _value_after(sent, m.end(), entry.kind, cat)
                    if v is None or _compared(sent, m.start()) or foreign_at(m.start()):
                        continue
                    if entry.key in after_quarter and any(start < m.start() for start, _u, name in subjects
                                                          if name in quarters):
                        continue  # a quarter's sentence: its 全年预算 is the year's budget as it stood then
                    if is_term and (subject_at(m.start()) != entry.subject
                                    or _names_another(sent, m.start(), entry.subject, cat)):
                        continue
                    found_phase = phase_at(m.end(), begin=m.start())
                    if entry.phase and not _phase_fits(entry.phase, found_phase):
                        continue
                    num_start, num_end, value, decimals, printed = v
                    # the longest alias wins; between aliases of one length, the entry whose phase is
                    # the one stated ("调整后预算…，其中项目支出…": 项目调整后预算, not 项目支出预算)
                    exact = bool(entry.phase) and entry.phase == found_phase
                    subject, phase = scope_of(entry, m.start(), m.end())
                    candidates.append(_Candidate(entry, m.start(), m.end(), num_start, num_end, value, decimals,
                                                 printed, priority=2 * (m.end() - m.start()) + exact,
                                                 subject=subject, phase=phase, via_term=is_term))
    best: dict[int, _Candidate] = {}
    for c in candidates:
        if c.num_start in claimed:
            continue
        cur = best.get(c.num_start)
        # the longest alias wins; on a tie the one nearer the number
        if cur is None or (c.priority, c.alias_start) > (cur.priority, cur.alias_start):
            best[c.num_start] = c
    found = sorted([*claimed.values(), *best.values()], key=lambda c: c.num_start)
    spans = sorted((m.start(), m.end(), name) for name, pats in cat.subjects.items()
                   for pat in pats for m in pat.finditer(sent))
    return _ellipses(sent, cat, spans, found)


@lru_cache(maxsize=1)
def _flow_re() -> re.Pattern | None:
    words = _catalog_extra().get("flow_words") or []
    return re.compile("|".join(words)) if words else None


def _flow_brackets(sent: str) -> list[tuple[int, int]]:
    """Brackets that break a change down into flows (indicators.yaml `flow_words`): 新入职, 调入,
    退休… inside "（其中：…）"."""
    pat = _flow_re()
    if pat is None:
        return []
    out = []
    for m in re.finditer(r"[(（]\s*其中[^()（）]*[)）]", sent):
        if pat.search(m.group(0)):
            out.append((m.start(), m.end()))
    return out


@lru_cache(maxsize=1)
def _stops() -> dict[str, re.Pattern]:
    """indicators.yaml `subject_stops`: words that end a subject's scope (a quarter's ends where the
    sentence turns to the whole year: "三季度支出进度71.05%，全年预算执行率96.25%")."""
    return {name: re.compile("|".join(words)) for name, words in (_catalog_extra().get("subject_stops") or {}).items()}


def _stop(sent: str, name: str, end: int, until: int) -> int:
    pat = _stops().get(name)
    if pat is None:
        return until
    m = pat.search(sent, end, until)
    return m.start() if m else until


_RATE_BASE = re.compile(r"[^，,。；;：:、\d()]{0,6}?[-+]?\d[\d,]*(?:\.\d+)?\s*%")


def _base_end(sent: str, end: int, until: int) -> int:
    """A phase word that is a rate's base or part of a rate's name ("完成年初预算的107.92%", "占调整后
    预算的96.25%", "预算执行率97.67%") says what the rate is of, not the phase of the figures after
    it: its scope ends with the rate."""
    m = _RATE_BASE.match(sent, end)
    return min(until, m.end()) if m else until


def _other_years(sent: str, cat: Catalog, year: int | None) -> list[tuple[int, int, str]]:
    """Years named in the sentence other than the report's own (indicators.yaml `year_subject`):
    each is a prior_year subject over its clause ("比2025年年初预算数9819.98万元": 2025's figure)."""
    pat = _year_subject()
    if year is None or pat is None:
        return []
    return [(m.start(), _scope_end(sent, m.start(), m.end(), cat, own_value=False, clause_only=True), "prior_year")
            for m in pat.finditer(sent) if int(m.group("year")) != year]


_QUALIFIER_START = re.compile(r"[，,。;；:：、!?]|(?:\d[\d,.]*\s*(?:万元|亿元|元|%|人|个|辆|台|分))")


def _names_another(sent: str, start: int, subject: str | None, cat: Catalog) -> bool:
    """Whether the words just before a term at ``start`` name another quantity than the entry's
    ("会议费预算支出30万元", "财政拨款预算支出", "因公出国（境）费支出0万元"): what precedes it in its
    clause, once the declared qualifiers (indicators.yaml `term_qualifiers`: the department, the
    issuer's name, a year …) are taken off its end, must be nothing or end with the entry's own
    subject."""
    begin = max((m.end() for m in _QUALIFIER_START.finditer(sent, 0, start)), default=0)
    while begin < start and sent[begin].isspace():
        begin += 1
    own = [(m.start(), m.end()) for pat in cat.subjects.get(subject, []) for m in pat.finditer(sent)] if subject else []
    # every place the qualifiers can be taken off back to (the words are read right to left)
    reach, todo = {start}, [start]
    while todo:
        end = todo.pop()
        while end > begin and sent[end - 1].isspace():
            end -= 1
        rest = sent[begin:end]
        if not rest or _ROW_PREFIX.fullmatch(rest) or any(s < end <= e for s, e in own):
            return False
        for q in _term_qualifiers():
            for k in range(begin, end):
                if k not in reach and q.fullmatch(sent, k, end):
                    reach.add(k)
                    todo.append(k)
    return True


def _term_qualifiers() -> list[re.Pattern]:
    return _compiled("term_qualifiers")


def _year_subject() -> re.Pattern | None:
    pats = _compiled("year_subject")
    return pats[0] if pats else None


_COMPILED: dict[str, list[re.Pattern]] = {}


def _compiled(name: str) -> list[re.Pattern]:
    """A regex or list of regexes of indicators.yaml (`term_qualifiers`, `year_subject`), compiled once."""
    if name not in _COMPILED:
        raw = _catalog_extra().get(name) or []
        raw = [raw] if isinstance(raw, str) else raw
        _COMPILED[name] = [re.compile(f"(?:{p})") for p in raw]
    return _COMPILED[name]


_LIST_GAP = re.compile(r"[，,、;；和及与\s]*")


def _ellipses(sent: str, cat: Catalog, spans: list[tuple[int, int, str]], found: list[_Candidate]) -> list[_Candidate]:
    """"一季度支出进度为21.36%，二季度48.72%，三季度71.05%": a subject followed at once by a number,
    right after a figure bound by a term under a sibling subject, repeats that term for itself."""
    taken = {c.num_start for c in found}
    for start, end, name in spans:
        before = [c for c in found if c.via_term and c.num_end <= start]
        if not before:
            continue
        last = max(before, key=lambda c: c.num_end)
        if last.entry.subject in (None, name) or _LIST_GAP.fullmatch(sent, last.num_end, start) is None:
            continue
        sibling = _sibling(cat, last.entry.key, name)
        v = _value_after(sent, end, sibling.kind, cat) if sibling else None
        if v is None or v[0] in taken:
            continue
        num_start, num_end, value, decimals, printed = v
        found.append(_Candidate(sibling, start, end, num_start, num_end, value, decimals, printed, priority=0,
                                subject=sibling.subject, phase=sibling.phase, via_term=True))
        taken.add(num_start)
    return sorted(found, key=lambda c: c.num_start)


def _sibling(cat: Catalog, key: str, subject: str) -> Entry | None:
    """The entry with the same terms as ``key``'s but under ``subject`` (the quarters of one repeat)."""
    terms = [p.pattern for p in cat.entries[key].terms]
    return next((e for e in cat.entries.values() if e.subject == subject and [p.pattern for p in e.terms] == terms),
                None)


_OPEN, _CLOSE = "([", ")]"
_CLAUSE_START = re.compile(r"其中")
_CLAUSE_END = re.compile(r"[;；。]")
_BREAKDOWN = re.compile(r"[，,]?\(?其中")
_COMMA_CLAUSE_END = re.compile(r"[，,;；。]")


def _scope_end(sent: str, start: int, end: int, cat: Catalog, *, own_value: bool, clause_only: bool = False) -> int:
    """Where a subject or phase word stops applying to the terms after it.

    - Inside brackets, it ends at the closing bracket: "实际支出A（基本支出B、项目支出C），调整后预算D":
      the 项目 of the breakdown does not reach 调整后预算.
    - Inside a 其中 clause, it ends with the clause (";" or "。"): the parts listed after 其中 do not
      reach the figures stated after the clause.
    - A subject that names its own value ("项目支出C万元") is a figure, not a topic: it ends with
      that value (``own_value``); "项目支出调整后预算D" keeps 项目 for 调整后预算.
    - A ``clause_only`` subject (上年) ends with its own clause: "上年…，本年…".
    """
    limit = len(sent)
    if clause_only:
        stop = _COMMA_CLAUSE_END.search(sent, end)
        limit = stop.start() if stop else limit
    depth = 0
    for i in range(start - 1, -1, -1):  # the innermost bracket open around the word
        ch = sent[i]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            if depth == 0:
                closing = _matching_close(sent, i)
                if closing is not None:
                    limit = min(limit, closing + 1)
                break
            depth -= 1
    clause = None
    for m in _CLAUSE_START.finditer(sent, 0, start + 1):
        clause = m
    if clause is not None and clause.start() <= start:
        stop = _CLAUSE_END.search(sent, clause.end())
        if stop is None or stop.start() >= start:  # the word sits in the clause
            if stop is not None:
                limit = min(limit, stop.end())
    if own_value:
        m = cat.value_re.match(sent, end)
        if m and m.group("unit"):
            # …except over the 其中 clause that breaks that value down ("聘用人员12人，其中在岗10人")
            brk = _BREAKDOWN.match(sent, m.end())
            if brk:
                stop = (_matching_close(sent, m.end() + brk.group(0).index("("))
                        if "(" in brk.group(0) else None)
                if stop is None:
                    nxt = _CLAUSE_END.search(sent, brk.end())
                    stop = nxt.start() if nxt else len(sent)
                limit = min(limit, stop + 1)
            else:
                limit = min(limit, m.end())
    return limit


def _matching_close(sent: str, open_at: int) -> int | None:
    depth = 0
    for j in range(open_at, len(sent)):
        if sent[j] in _OPEN:
            depth += 1
        elif sent[j] in _CLOSE:
            depth -= 1
            if depth == 0:
                return j
    return None


def own_subject(entry: Entry, cat: Catalog) -> str | None:
    """The subject an entry is about by itself, whatever the sentence: its `subject`, or the
    subject word in its label ("“三公”经费控制率": three_public; 政府采购执行率: procurement)."""
    if entry.subject:
        return entry.subject
    for name, pats in cat.subjects.items():
        if any(p.search(entry.label) for p in pats):
            return name
    return None


def _compared(sent: str, start: int) -> bool:
    """The name is the object of a comparison ("小于调整后预算数94.82万元"): the number is a difference."""
    return any(sent.endswith(w, 0, start) for w in _catalog_extra().get("reject_before", []))


def _catalog_extra() -> dict:
    """Catalog settings read straight from patterns/indicators.yaml (reject_before, phase_within,
    topic_subjects); load_yaml caches the file."""
    from pipeline.extract.catalog import load_yaml
    return load_yaml("indicators.yaml")


def _phase_fits(wanted: str, found: str | None) -> bool:
    """An entry's phase binds under that phase, or under a narrower one the catalog nests in it
    (`phase_within`: adjusted is a stage of budget)."""
    return found == wanted or (found is not None and _catalog_extra().get("phase_within", {}).get(found) == wanted)


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


def _figures_first(sent: str, cat: Catalog) -> list[_Candidate]:
    """Wordings that print the figure before the words that say what it is (indicators.yaml
    ``figures_first``: "共有6个项目编报绩效目标"): each pattern holds {num}, and its key."""
    out = []
    for spec in _catalog_extra().get("figures_first") or []:
        entry = cat.entries[spec["key"]]
        pat = re.compile(spec["pattern"].replace("{num}", cat.number))
        for m in pat.finditer(sent):
            parsed = parse_number(m.group("num"))
            if parsed is None:
                continue
            out.append(_Candidate(entry, m.start(), m.end(), m.start("num"), m.end("num"), parsed[0], parsed[1],
                                  m.group("num"), priority=1000, subject=own_subject(entry, cat), phase=entry.phase))
    return out


def _series(sent: str, cat: Catalog) -> list[_Candidate]:
    out = _figures_first(sent, cat)
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
                                          sent[mm.start("num"):mm.end()], priority=1000, subject=entry.subject,
                                          phase=entry.phase))
                    pos = mm.end()
    return out


def _indicator_from_text(p: Paragraph, s0: int, s1: int, c: _Candidate, section: str | None) -> Indicator:
    a, b = s0 + c.num_start, s0 + c.num_end
    spans = p.span_of(a, b)
    page, bbox = spans[0]
    return Indicator(
        key=c.entry.key, value=c.value, unit=c.entry.unit, raw_text=p.raw_of(a, b).strip() or c.printed,
        decimals=c.decimals, page=page, bbox=bbox, section=section,
        quote=p.raw_of(s0, s1).strip(), source="text", subject=c.subject, phase=c.phase,
    )


# ------------------------------------------------------------------------------------------ tables
def clean_label(text: str) -> str:
    return _ROW_PREFIX.sub("", text).strip()


def column_titles(t: Table) -> list[str]:
    """One title per column: the header cells above it, a merged cell counted for every column it covers."""
    centers = [_col_center(t, j) for j in range(t.n_cols)]
    titles = [""] * t.n_cols
    for row in t.header:
        if column_numbers(row):  # 栏次 1 2 3 …: numbers, not titles
            continue
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


def _from_table(t: Table, section: str | None, cat: Catalog, year: int | None = None,
                doc: Document | None = None, report_type: str = "unknown") -> list[Indicator]:
    cfg = tables_config()
    out: list[Indicator] = []
    for spec in cfg["tables"]:
        if not _table_matches(t, spec["when"]):
            continue
        titles = column_titles(t)
        # a table of several years side by side: only the report year's columns are its figures
        marks = [year_mark(title, year) for title in titles]
        usable = [m in (None, "own") for m in marks]
        columns: dict[str, int] = {}
        for name, rule in spec["columns"].items():
            for j, title in enumerate(titles):
                if usable[j] and has_words(title, rule.get("all", [])) and not any(w in title for w in rule.get("none", [])):
                    columns.setdefault(name, j)
        unit = table_unit(t, doc)
        for row_spec in spec["rows"]:
            rows = _pick_rows(t, row_spec, year)
            for row in rows:
                for col_name, key in row_spec["keys"].items():
                    j = columns.get(col_name)
                    if j is None or j >= len(row.cells) or not _fund_whole(titles, row, j):
                        continue
                    ind = _indicator_from_cell(t, row, j, cat.entries[key], section, unit)
                    if ind is not None:
                        out.append(ind)
        break  # one spec per table
    out += _from_form(t, section, cat)
    # every other figure read as the phrase the table prints around it (a form no declaration
    # names, or the rows a declaration does not list); a cell a declaration read keeps its reading
    from pipeline.extract.forms import form_indicators
    seen = {i.bbox for i in out}
    out += [i for i in form_indicators(t, section, cat, report_type, year, doc) if i.bbox not in seen]
    return out


_VALUE_WITH_UNIT = re.compile(r"^(?P<num>[-+]?[\d,]+(?:\.\d+)?)\s*(?P<unit>\S+)$")
_LABEL_UNIT = re.compile(r"\(([^()\d]{1,4})\)$")
_NUMBER_ONLY = re.compile(r"^[-+]?[\d,]+(?:\.\d+)?$")


def _from_form(t: Table, section: str | None, cat: Catalog) -> list[Indicator]:
    """A form table's label cells (tables.yaml ``forms``) and the value with its unit in the cell
    to their right: "人员编制 | 24人"."""
    forms = [(re.compile(f["label"]), cat.entries[f["key"]]) for f in tables_config().get("forms", [])]
    out = []
    for row in t.rows:
        for j, cell in enumerate(row.cells[:-1]):
            label = re.sub(r"\s+", "", cell.text)
            # the unit in the label's bracket ("自评总分(分) | 95.36") or beside the value ("24人")
            bracket = _LABEL_UNIT.search(label)
            if bracket and any(bracket.group(1) in units for units in cat.units.values()):
                label = label[:bracket.start()]
            else:
                bracket = None
            entry = next((e for pat, e in forms if pat.fullmatch(label)), None)
            value = row.cells[j + 1]
            text = value.text.replace(" ", "")
            if bracket and _NUMBER_ONLY.match(text):
                text += bracket.group(1)
            m = _VALUE_WITH_UNIT.match(text)
            if entry is None or m is None or m.group("unit") not in cat.units.get(entry.kind, ()):
                continue
            parsed = parse_number(m.group("num"))
            if parsed is None:
                continue
            out.append(Indicator(key=entry.key, value=parsed[0], unit=entry.unit, raw_text=value.raw or value.text,
                                 decimals=parsed[1], page=row.page, bbox=value.bbox or row.bbox, section=section,
                                 quote=(t.caption + ": " if t.caption else "") + row.raw, source="table",
                                 subject=own_subject(entry, catalog()), phase=entry.phase))
    return out


def _pick_rows(t: Table, row_spec: dict, year: int | None = None) -> list[Row]:
    body = [r for r in t.body if any(c.text for c in r.cells)]
    # one row per year (年度: 2025年 | 2026年 | 增减变化金额): only the report year's row is its figures
    marks = [row_year(r, year) for r in body]
    if any(m is not None for m in marks):
        body = [r for r, m in zip(body, marks) if m == "own"]
    if row_spec.get("first"):
        return body[:1]
    pat = re.compile(row_spec["label"])
    return [r for r in body if pat.fullmatch(clean_label(row_label(r)))]


def _year_marks() -> dict:
    """indicators.yaml `table_years`, its regexes compiled once (none declared: no year is read)."""
    cfg = _catalog_extra().get("table_years") or {}
    if cfg and "_re" not in cfg:
        cfg["_re"] = re.compile(cfg["year"])
        cfg["_row_re"] = re.compile(cfg["row_label"])
    return cfg


def year_mark(text: str, year: int | None) -> str | None:
    """What year a column title or row label speaks of (indicators.yaml `table_years`): "own" (the
    report's year, 当年/本年), "other" (another year, 上年), "change" (增减变化), None (no year)."""
    cfg = _year_marks()
    if not cfg:
        return None
    if any(w in text for w in cfg.get("change", [])):
        return "change"
    years = {int(m.group("year")) for m in cfg["_re"].finditer(text)}
    prior = any(w in text for w in cfg.get("prior", []))
    own = any(w in text for w in cfg.get("own", []))
    if not (years or prior or own):
        return None
    if year is None:
        return "other"  # a year is named, and the report's is not known
    years |= ({year - 1} if prior else set()) | ({year} if own else set())
    return "own" if years == {year} else "other"


def row_year(row: Row, year: int | None) -> str | None:
    """The year a body row is of, by a label cell that is only a year or a change
    ("2026年", "上年", "增减变化金额"); None when no cell says."""
    cfg = _year_marks()
    if not cfg:
        return None
    for c in row.cells:
        text = re.sub(r"\s+", "", c.text)
        if not text or _NUMBER_ONLY.match(text):
            continue
        if cfg["_row_re"].match(text) or any(w in text for w in cfg.get("change", [])):
            return year_mark(text, year)
    return None


def _fund_whole(titles: list[str], row: Row, j: int) -> bool:
    """A column under one fund of a heading split by fund (因公出国(境)费 | 一般公共预算 · 政府性基金预算
    · 国有资本经营预算) stands for the heading's whole only when the other funds' columns of the row are
    zero or blank (indicators.yaml `table_funds`); otherwise its figure is one fund's, not the whole."""
    funds = _catalog_extra().get("table_funds") or []
    fund = next((f for f in funds if f in titles[j]), None)
    if fund is None:
        return True
    key = titles[j].replace(fund, "#")
    siblings = [k for k, title in enumerate(titles) if k != j and any(
        f != fund and f in title and title.replace(f, "#") == key for f in funds)]
    for k in siblings:
        text = row.cells[k].text if k < len(row.cells) else ""
        parsed = parse_number(text)
        if text.strip() not in EMPTY_CELLS and (parsed is None or parsed[0] != 0):
            return False
    return True


_UNIT_IN_TEXT = re.compile(r"单位\s*[:：]\s*(万元|亿元|元|千元)|[（(](万元|亿元|元|千元)[)）]")


def table_unit(t: Table, doc: Document | None = None) -> str | None:
    """The unit of a table's amounts: the reading's (单位：元 above the grid, (万元) in the header),
    else a 单位 line among the paragraphs printed on its page between the previous table and it, or
    a unit in a column title. None when nowhere said: its amounts are then not read."""
    if t.unit:
        return t.unit
    texts = [" ".join(c.text for r in t.header for c in r.cells), *column_titles(t), t.caption or ""]
    if doc is not None and t.after_paragraph >= 0:
        before = [p for p in doc.paragraphs[max(0, t.after_paragraph - 8):t.after_paragraph + 1] if p.page == t.page]
        prev_end = max((o.after_paragraph for o in doc.tables if o is not t and o.page == t.page
                        and o.after_paragraph < t.after_paragraph), default=-1)
        texts += [p.text for p in before if p.index > prev_end]
    for text in texts:
        if m := _UNIT_IN_TEXT.search(text or ""):
            return m.group(1) or m.group(2)
    return None


def _indicator_from_cell(t: Table, row: Row, j: int, entry: Entry, section: str | None,
                         unit: str | None | object = _DETECT) -> Indicator | None:
    cell = row.cells[j]
    parsed = parse_number(cell.text)
    if parsed is None:
        return None
    if entry.kind == "rate" and not cell.text.endswith("%") and "%" not in "".join(column_titles(t)[j:j + 1]):
        return None
    if unit is _DETECT:
        unit = table_unit(t)
    if entry.kind == "amount" and unit is None:
        return None  # an amount whose unit the table does not say: 元 or 万元 is not known
    unit = unit if entry.kind == "amount" else None
    value, decimals = to_canonical(*parsed, unit)
    return Indicator(key=entry.key, value=value, unit=entry.unit, raw_text=cell.raw or cell.text, decimals=decimals,
                     page=row.page, bbox=cell.bbox or row.bbox, section=section,
                     quote=(t.caption + ": " if t.caption else "") + row.raw, source="table",
                     subject=own_subject(entry, catalog()), phase=entry.phase)


# ------------------------------------------------------------------------------------------ scores
def _scores(doc: Document, paths: dict) -> tuple[list[Score], list[Indicator]]:
    cfg = tables_config()
    total_entry = catalog().entries["total_score"]
    scores: list[Score] = []
    totals: list[Indicator] = []
    by_rows: list[Score] = []  # items of a table that scores its own rows
    layouts = [cfg["scores"], *cfg.get("score_layouts", [])]
    for t in doc.tables:
        header = "".join(c.text for r in t.header for c in r.cells)
        spec = next((lay for lay in layouts if all(w in header for w in lay["when"])), None)
        if spec is None:
            row_spec = next((r for r in cfg.get("score_rows", []) if all(w in header for w in r["when"])), None)
            if row_spec is not None:
                found = _scored_rows(t, row_spec)
                scores.extend(found)
                by_rows.extend(found)
            continue
        section = paths[t.after_paragraph] if t.after_paragraph >= 0 else None
        s, tot = _score_table(t, spec, total_entry, section)
        scores.extend(s)
        totals.extend(tot)
    # a budget block that scores its row beside a scoring table that scores the same item itself
    # ("年度资金总额执行率" in both): one item, the scoring table's
    items = {x.level3 for x in scores if x not in by_rows}
    scores = [x for x in scores if x not in by_rows or x.level3 not in items]
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


def _scored_rows(t: Table, spec: dict) -> list[Score]:
    """A table that scores its own rows (tables.yaml ``score_rows``): one item per body row."""
    titles = column_titles(t)
    cmax = next((j for j, x in enumerate(titles) if any(w in x for w in spec["max_score"])), None)
    cscore = next((j for j, x in enumerate(titles) if any(w in x for w in spec["score"])), None)
    if cmax is None or cscore is None:
        return []
    level1 = re.sub(r"\([^()]*\)$", "", titles[0]).strip() or None
    out = []
    for row in t.body:
        label = clean_label(row_label(row))
        mx = parse_number(row.texts[cmax]) if cmax < len(row.cells) else None
        sc = parse_number(row.texts[cscore]) if cscore < len(row.cells) else None
        if not label or mx is None:
            continue
        cell = row.cells[cscore] if cscore < len(row.cells) else None
        out.append(Score(level1=level1, level3=label + spec["item"], max_score=mx[0], score=sc[0] if sc else None,
                         page=row.page, bbox=cell.bbox if cell is not None and cell.bbox else row.bbox,
                         quote=row.raw, decimals=sc[1] if sc else 2))
    return out


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
                # the table's own 分值 total, so the check can tell whether every row was read
                mx_total = parse_number(get(cmax)) if cmax is not None else None
                totals.append(Indicator(key="total_score", value=parsed[0], unit=total_entry.unit,
                                        raw_text=cell.raw, decimals=parsed[1], page=row.page,
                                        bbox=cell.bbox or row.bbox, section=section,
                                        quote=(t.caption or "评分表") + ": " + row.raw, source="table",
                                        components={"分值合计": mx_total[0]} if mx_total else {}))
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
