"""Every number of the prose as a fact (issue 24): what it is (amount, count, rate, score), its
value and interval from its own printing, what it is stated of, of which year, and the words around
it that make it a part, a change, a share or a target rather than the plain value of its subject.

A fact is read with the declared words of patterns/facts.yaml (:class:`FactRules`):

- the number and its unit: amounts become 万元 (their printed precision with them: "164,978,640元"
  is ±0.5 元); a count is exact unless printed in 万 ("4.6万件"); a bound or an approximation
  ("约", "余", "以上") is marked and never compared;
- its subject: the words before it back to the nearest delimiter (or the previous number), cut
  into words (jieba, our dictionary) with leading verbs and trailing copulas dropped, then the
  declared strip patterns and synonyms; a count's noun after its unit is what it counts ("4078家企业":
  企业); "X为N家企业提供Y" counts the enterprises X (or, with no X, Y) served;
- its year: the last year its sentence names before it (else the report's);
- its relations: 其中 / 包括 (a part, with the figure it breaks down: the last before its 其中, or
  the whole of a "…合计X万元，其中:" list printed one item a paragraph), 分别为 (one of a list), 占…的
  (a share, with the amount it is the share of), 比上年 / 增加 (a change), 目标 / ≥ / 不低于 (a
  target), 合计, 完成;
- its qualifiers: the words of its statement (its sentence up to ；) and of its heading path that
  tell what period, stage, fund, scope it is of (累计, 日均, 预算, 政府性基金, 本级 …), and the places,
  units and projects they name (万里街道, …项目): two facts that differ in them are not one statement.

Where a catalog indicator was read at the same place, the fact carries its key: the catalog's own
checks cover it. Facts are derived from the document when a check asks (:func:`facts_of`), not
stored in the report JSON; the coverage counts them.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.document import BBox, Document, Paragraph
from pipeline.extract.catalog import PATTERNS_DIR, UNIT_SCALE, load_yaml
from pipeline.extract.numbers import parse_number, to_canonical
from pipeline.patterns import validated
from pipeline.schema import Indicator

Measure = Literal["amount", "count", "rate", "score"]
Relation = Literal["target", "part", "list", "share", "change", "total", "completion"]
QualifierKind = Literal["cumulative", "period", "stage", "scope", "others", "fund"]


class FactUnits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: list[str]
    count: list[str]
    rate: list[str]
    score: list[str]


class FactSubjects(BaseModel):
    model_config = ConfigDict(extra="forbid")
    delimiters: str
    strip: list[str] = Field(default_factory=list)
    lead_words: list[str] = Field(default_factory=list)
    tail_words: list[str] = Field(default_factory=list)
    beneficiary: list[str] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)
    synonyms: list[list[str]] = Field(default_factory=list)
    min_chars: int = 4
    min_words: int = 1
    generic: list[str] = Field(default_factory=list)
    vague_end: list[str] = Field(default_factory=list)
    vague: list[str] = Field(default_factory=list)


class FactRules(BaseModel):
    """patterns/facts.yaml."""

    model_config = ConfigDict(extra="forbid")
    units: FactUnits
    count_scales: dict[str, int] = Field(default_factory=dict)
    not_counted: list[str] = Field(default_factory=list)
    unit_not_followed_by: list[str] = Field(default_factory=list)
    approximate_before: list[str] = Field(default_factory=list)
    approximate_after: list[str] = Field(default_factory=list)
    relations: dict[Relation, list[str]]
    compared_relations: list[Relation] = Field(default_factory=list)
    qualifiers: dict[QualifierKind, list[str]] = Field(default_factory=dict)
    qualifiers_in_headings: bool = True
    entities: list[str] = Field(default_factory=list)
    subjects: FactSubjects


class Fact(BaseModel):
    """One number the report states, as the prose states it."""

    value: float  # in its canonical unit: 万元 for amounts, the count's unit, %, 分
    interval: tuple[float, float]  # what its printing allows
    measure: Measure
    unit: str  # 万元 / 家 / 项 / % / 分
    noun: str = ""  # what a count counts ("4078家企业": 企业)
    raw_text: str  # as printed: "4,078 家"
    # normalised; None: none could be read, or none was (a catalog quantity, an approximation, a
    # target, a change, a list member, a share: no comparison by subject uses it)
    subject: str | None = None
    subject_text: str = ""  # the words it was read from
    year: int | None = None
    relations: list[Relation] = Field(default_factory=list)
    relation_words: list[str] = Field(default_factory=list)
    qualifiers: dict[str, list[str]] = Field(default_factory=dict)  # kind -> the sentence's words of it
    approximate: bool = False  # a bound or an approximation ("约", "余", "以上")
    not_counted: str | None = None  # a duration or percentage points ("3个月", "2个百分点"), no quantity
    key: str | None = None  # the catalog indicator read at the same place, if any
    # a part (其中 / 包括): the subject (else the catalog key) of the figure it breaks down, the last
    # printed before its 其中 in the paragraph; None when there is none
    whole: str | None = None
    whole_at: tuple[int, int] | None = None  # (paragraph, offset) of that figure
    # a share ("财政拨款收入100万元，占62.5%", "占本年支出合计的100.00%"): offset of the amount it is the
    # share of, and the base it names, normalised ("" when it names none: the part's whole)
    share_of: int | None = None
    base: str | None = None
    offset: int = 0  # of the number in its paragraph's text
    end: int = 0  # of its unit
    part_at: int | None = Field(default=None, exclude=True)  # where its 其中 stands
    page: int
    bbox: BBox
    quote: str  # its sentence, as printed
    section: str | None = None
    paragraph: int  # index of its paragraph
    sentence: int  # offset of its sentence in the paragraph's text (two facts of one sentence share it)


@lru_cache(maxsize=1)
def rules() -> FactRules:
    path = PATTERNS_DIR / "facts.yaml"
    return validated(FactRules, load_yaml("facts.yaml"), path)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Compiled:
    number: re.Pattern
    delimiters: re.Pattern
    strip: list[re.Pattern]
    synonyms: dict[str, str]
    measure_of: dict[str, str]
    sentence_end: re.Pattern
    clause_end: re.Pattern


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    r = rules()
    for where, p in [("subjects.delimiters", r.subjects.delimiters), *(("subjects.strip", s) for s in r.subjects.strip)]:
        try:
            re.compile(p)
        except re.error as e:
            from pipeline.errors import PatternsError
            raise PatternsError(f"{PATTERNS_DIR}/facts.yaml: {where}: bad regex {p!r} ({e})") from None
    measure_of = {u: m for m in ("amount", "rate", "score", "count") for u in getattr(r.units, m)}
    scales = _alt(r.count_scales)
    plain = _alt([*r.units.amount, *r.units.rate, *r.units.score])
    counts = _alt(r.units.count)
    no_unit = f"(?!{_alt(r.unit_not_followed_by)})" if r.unit_not_followed_by else ""
    number = re.compile(
        r"(?<![\d.,A-Za-z第])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<about>余|多)?"
        rf"{no_unit}(?P<unit>(?:{plain})|(?P<scale>{scales})?(?:{counts}))")
    synonyms = {}
    for names in r.subjects.synonyms:
        for n in names[1:]:
            synonyms[n] = names[0]
    return _Compiled(number, re.compile(r.subjects.delimiters), [re.compile(p) for p in r.subjects.strip], synonyms,
                     measure_of, re.compile(r"[。!?]"), re.compile(r"[；;]"))


# ------------------------------------------------------------------------------------------ words
@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    """jieba's words of a short text (a subject, a noun), with our dictionary."""
    from pipeline.extract.words import _tokenizer

    return tuple(t for t in _tokenizer().cut(text, HMM=False) if t.strip()) if text else ()


@lru_cache(maxsize=64)
def _any_of(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(_alt(words) or r"(?!)")


class _Sentence:
    """A sentence (up to 。!?, as extraction splits them). A declared word of one character is found in
    it only as a whole word ("比" not in "比例"): one that starts and ends at word boundaries of jieba's
    cut of the few characters around it (a window, not the whole sentence: cutting only what is
    asked keeps the fact layer cheap)."""

    _MARGIN = 6

    def __init__(self, text: str):
        self.text = text

    def is_word(self, start: int, word: str) -> bool:
        if len(word) > 1 or not re.match(r"[\u4e00-\u9fa5]", word):
            # a symbol ("≥") is one wherever it stands; so is a word of two characters or more here,
            # where a word found inside a longer one ("执行" in "执行率") can only make a fact less
            # comparable (a qualifier, a relation), never two facts one
            return True
        a, z = max(0, start - self._MARGIN), min(len(self.text), start + len(word) + self._MARGIN)
        cuts, pos = {0}, 0
        for t in _tokens(self.text[a:z]):
            pos += len(t)
            cuts.add(pos)
        return start - a in cuts and start + len(word) - a in cuts

    def words_in(self, a: int, z: int, words: list[str]) -> list[str]:
        """The declared ``words`` found in ``text[a:z]`` as whole words (longest first where two
        start at one place: "比上年", not "比")."""
        found: list[str] = []
        for m in _any_of(tuple(words)).finditer(self.text, a, z):
            w = m.group(0)
            if w not in found and self.is_word(m.start(), w):
                found.append(w)
        return found

    def last_at(self, a: int, z: int, words: list[str]) -> int:
        """Where the last of ``words`` found in ``text[a:z]`` as a whole word starts (``a`` if none)."""
        best = a
        for w in words:
            start = self.text.rfind(w, a, z)
            while start >= 0:
                if self.is_word(start, w):
                    best = max(best, start)
                    break
                start = self.text.rfind(w, a, start)
        return best

    def words_from(self, a: int, z: int) -> list[str]:
        """The words of ``text[a:z]``."""
        return list(_tokens(self.text[a:z]))


@lru_cache(maxsize=8192)
def normalise(words: str) -> tuple[str, int]:
    """The subject in ``words``: declared strips, leading verbs and trailing copulas dropped, synonyms
    applied. Returns it and how many words of its own it holds (0 when every word is generic:
    "年初预算" names no item)."""
    r, c = rules().subjects, _compiled()
    for pat in c.strip:
        words = pat.sub("", words)
    tokens = list(_tokens(words))
    lead, tail = set(r.lead_words), set(r.tail_words)
    while tokens and tokens[0] in lead:
        tokens.pop(0)
    while tokens and tokens[-1] in tail:
        tokens.pop()
    subject = "".join(tokens)
    if subject in c.synonyms:
        return c.synonyms[subject], len(tokens)
    generic = set(r.generic)
    if tokens and all(t in generic or t.isdigit() for t in tokens):
        return subject, 0  # no word of its own: the item is named elsewhere
    return subject, len(tokens)


def usable(subject: str | None, n_words: int) -> bool:
    """A subject specific enough to be compared: long enough (``min_chars``), naming a quantity of its
    own (not a list's "…等", a vague "预算数", nor only generic words); a declared synonym always is."""
    r = rules().subjects
    if not subject or re.search(r"\d", subject):
        return False
    if subject in set(r.vague) or any(subject.endswith(w) for w in r.vague_end):
        return False
    if subject in _compiled().synonyms.values():  # a declared name is specific by declaration
        return True
    return len(subject) >= r.min_chars and n_words >= max(r.min_words, 1)


# ------------------------------------------------------------------------------------------ facts
_LAST: list = []  # [(weak reference to the document, key, its facts)]: the last document asked about


def facts_of(doc: Document, indicators: list[Indicator] = (), year: int | None = None) -> list[Fact]:
    """Every number of the document's prose with a unit, as a Fact (the last document's are kept)."""
    key = (id(indicators), len(indicators), year)
    if _LAST and _LAST[0][0]() is doc and _LAST[0][1] == key:
        return _LAST[0][2]
    from pipeline.extract.sections import section_paths

    sections = section_paths(doc)
    by_page: dict[int, list[Indicator]] = {}
    for ind in indicators:
        if ind.source == "text":
            by_page.setdefault(ind.page, []).append(ind)
    out: list[Fact] = []
    whole: Fact | None = None  # the figure an open "其中：" list breaks down
    prev: list[Fact] = []
    for p in doc.paragraphs:
        facts = (paragraph_facts(p, year, by_page, sections[p.index] if p.index < len(sections) else None)
                 if any(ch.isdigit() for ch in p.text) else [])
        if whole is not None:
            whole = _list_item(p, facts, whole)
        if whole is None and _OPENS_LIST.search(p.text):
            whole = _list_whole(facts or prev)
        out.extend(facts)
        prev = facts
    _LAST[:] = [(weakref.ref(doc), key, out)]
    return out


# a paragraph that ends by opening a list of parts, one paragraph each: "支出预算合计7,062.8万元，其中:"
_OPENS_LIST = re.compile(r"(?:其中|包括)\s*[:：]?\s*$")
_ITEM_GOES_ON = re.compile(r"[；;，,]\s*$")


def _list_whole(facts: list[Fact]) -> Fact | None:
    """The figure a "其中:" list breaks down: the last amount printed before it that is no part,
    change, share or list member of its own (its paragraph's, or the paragraph before's when the
    其中 stands alone)."""
    for f in reversed(facts):
        if f.measure == "amount" and not {"part", "change", "list", "share", "target"} & set(f.relations):
            return f
    return None


def _list_item(p: Paragraph, facts: list[Fact], whole: Fact) -> Fact | None:
    """One item of an open list ("基本支出4,069.62万元，占57.62%;"): its first amount is a part of the
    list's whole. Returns the whole while the item ends as a list item does (；), else None."""
    from pipeline.extract.sections import heading_level

    if not facts or heading_level(p.text) is not None:
        return None
    first = next((f for f in facts if f.measure == "amount"), None)
    if first is None or first.unit != whole.unit:
        return None
    if "part" not in first.relations:
        first.relations.append("part")
        first.relation_words.append("其中")
    first.whole, first.whole_at = whole.subject or whole.key, (whole.paragraph, whole.offset)
    return whole if _ITEM_GOES_ON.search(p.text) else None


def paragraph_facts(p: Paragraph, year: int | None, indicators: dict[int, list[Indicator]] | None = None,
                    section: str | None = None) -> list[Fact]:
    """The facts of one paragraph. Its sentences end at 。!? (as extraction reads them); a 。-sentence
    is cut into words once, and its clauses up to ；are the statements a fact's qualifiers come from."""
    c = _compiled()
    out = []
    text = p.text
    s0 = 0
    for end in [m.end() for m in c.sentence_end.finditer(text)] + [len(text)]:
        if end > s0 and c.number.search(text, s0, end):
            sent = _Sentence(text[s0:end])
            k0 = 0
            for k1 in [m.end() for m in c.clause_end.finditer(sent.text)] + [len(sent.text)]:
                if k1 > k0 and c.number.search(sent.text, k0, k1):
                    out.extend(_statement_facts(p, s0, sent, k0, k1, year, indicators or {}, section))
                k0 = k1
        s0 = max(end, s0)
    for f in out:
        if f.part_at is not None and (whole := _whole_of(f, out)) is not None:
            f.whole, f.whole_at = whole.subject or whole.key, (whole.paragraph, whole.offset)
        if f.measure == "rate" and "share" in f.relations:
            _share_of(f, out, text)
    return out


def _whole_of(part: Fact, facts: list[Fact]) -> Fact | None:
    """What a 其中 part breaks down: the last figure of the same measure and unit printed before its
    其中 in the paragraph (a part itself when the 其中 is nested)."""
    before = [f for f in facts if f.offset < part.part_at and (f.measure, f.unit) == (part.measure, part.unit)]
    if not before or {"change", "list", "share"} & set(before[-1].relations):
        return None
    return before[-1]


_SHARE = re.compile(r"^[，,]?\s*(?:约)?占(?P<base>[^\d，,。；;%]{0,24}?)(?:的)?(?:比重|比例)?(?:为|是)?\s*$")


def _share_of(rate: Fact, facts: list[Fact], text: str) -> None:
    """"财政拨款收入100万元，占62.5%": the rate is the share of the amount right before it, in what the
    base names ("占本年支出合计的", normalised) or, naming none, in that amount's whole (其中)."""
    before = [f for f in facts if f.offset < rate.offset and f.sentence == rate.sentence]
    if not before or before[-1].measure != "amount":
        return
    part = before[-1]
    m = _SHARE.match(text[part.end:rate.offset])
    if m is None:
        return
    rate.share_of = part.offset
    rate.base = normalise(m.group("base"))[0] if m.group("base").strip() else ""


def _statement_facts(p: Paragraph, s0: int, sent: _Sentence, k0: int, k1: int, year: int | None,
                     indicators: dict[int, list[Indicator]], section: str | None) -> list[Fact]:
    r, c = rules(), _compiled()
    qualifiers = {k: found for k, words in r.qualifiers.items() if (found := sent.words_in(k0, k1, words))}
    for k, words in _heading_qualifiers(section).items():
        qualifiers[k] = sorted({*qualifiers.get(k, []), *words})
    named = _entities(section or "")
    targets = sent.words_in(k0, k1, r.relations.get("target", []))
    quote = p.raw_of(s0 + k0, s0 + k1).strip()
    out = []
    prev_end = k0
    for m in c.number.finditer(sent.text, k0, k1):
        fact = _fact(p, s0, sent, k0, m, prev_end, year, qualifiers, targets, quote, section, named, indicators)
        prev_end = m.end()
        if fact is not None:
            out.append(fact)
    return out


def _fact(p: Paragraph, s0: int, sent: _Sentence, k0: int, m: re.Match, prev_end: int, year: int | None,
          qualifiers: dict, targets: list[str], quote: str, section: str | None,
          named: tuple[str, ...] = (), indicators: dict[int, list[Indicator]] | None = None) -> Fact | None:
    r, c = rules(), _compiled()
    parsed = parse_number(m.group("num"))
    if parsed is None:
        return None
    value, decimals = parsed
    unit = m.group("unit")
    scale = m.group("scale") or ""
    unit = unit[len(scale):]
    measure = c.measure_of.get(unit)
    if measure is None:
        return None
    if measure == "amount":
        value, decimals = to_canonical(value, decimals, unit)
        lo, hi = value - 0.5 * 10.0 ** -decimals, value + 0.5 * 10.0 ** -decimals
        canonical = "万元" if unit in UNIT_SCALE else unit
    elif measure == "count":
        factor = r.count_scales.get(scale, 1)
        value = round(value * factor, 6)
        half = 0 if not scale and decimals == 0 else 0.5 * 10.0 ** -decimals * factor
        lo, hi = value - half, value + half
        canonical = unit
    else:
        lo, hi = value - 0.5 * 10.0 ** -decimals, value + 0.5 * 10.0 ** -decimals
        canonical = unit
    text = sent.text
    # the clause before it: back to the nearest delimiter, never past the previous number
    start = prev_end
    for d in c.delimiters.finditer(text, start, m.start()):
        start = d.end()
    relations, words, part_at = [], [], None
    for rel, rel_words in r.relations.items():
        if rel == "target":
            found = targets
        elif rel in ("part", "list"):  # 其中 / 分别为 reach from where they stand to the end of the sentence
            found = sent.words_in(0, m.start(), rel_words)
        else:
            found = sent.words_in(start, m.start(), rel_words)
        if found:
            relations.append(rel)
            words.extend(found)
            if rel == "part":
                part_at = s0 + sent.last_at(0, m.start(), rel_words)
    before, after = text[start:m.start()], text[m.end():]
    if measure == "rate" and before.rstrip().endswith("的") and "share" not in relations:
        relations.append("share")  # "完成全年预算数的98.69%": a ratio to what it names, not its value
        words.append("的")
    approximate = (bool(m.group("about")) or any(before.rstrip().endswith(w) for w in r.approximate_before)
                   or any(after.startswith(w) for w in r.approximate_after)
                   or bool(re.search(r"\d\s*[-~～至到]\s*$", text[:m.start()])))
    noun, not_counted = "", None
    if measure == "count":
        noun = _noun_after(sent, m.end())
        if any(noun.startswith(w) for w in r.not_counted):
            not_counted = noun
    page, bbox = p.span_of(s0 + m.start(), s0 + m.end())[0]
    key = _indicator_key(value, page, bbox, (indicators or {}).get(page, ()))
    subject_text, subject = before, None
    # the subject is read where a comparison can use it: not for a catalog quantity (its own checks
    # cover it), an approximation, a target, a duration, a change, a list member or a share
    if key is None and not approximate and not not_counted and not {"target", "change", "list", "share"} & set(relations):
        subject_text, subject = _subject(sent, start, m, noun)
        if start == prev_end and prev_end > k0 and subject_text == text[start:m.start()]:
            subject = None  # the words run on from the previous number ("100万元以上设备207台"): a fragment
    entities = sorted({*named, *_entities(text[k0:start])})
    if entities:  # "（二）万里街道：…", a project's heading: whose figure it is
        qualifiers = {**qualifiers, "entity": entities}
    return Fact(value=value, interval=(lo, hi), measure=measure, unit=canonical, noun=noun,
                raw_text=_printed(p, s0 + m.start(), s0 + m.end()), subject=subject,
                subject_text=subject_text, year=_year_of(text[:m.start()], year), relations=relations,
                relation_words=words, qualifiers=qualifiers, approximate=approximate, not_counted=not_counted,
                page=page, bbox=bbox, quote=quote, section=section, paragraph=p.index, sentence=s0 + k0,
                offset=s0 + m.start(), end=s0 + m.end(), part_at=part_at, key=key)


def _printed(p: Paragraph, a: int, b: int) -> str:
    """The number as printed; its normalised text where the line keeps no map to its print."""
    raw = p.raw_of(a, b).strip()
    return raw if raw and len(raw) <= 2 * (b - a) + 4 else p.text[a:b]


@lru_cache(maxsize=512)
def _heading_qualifiers(section: str | None) -> dict[str, list[str]]:
    """The qualifier words a fact's heading path names (patterns/facts.yaml ``qualifiers_in_headings``)."""
    r = rules()
    if not section or not r.qualifiers_in_headings:
        return {}
    heading = _Sentence(section)
    return {k: found for k, words in r.qualifiers.items() if (found := heading.words_in(0, len(section), words))}


@lru_cache(maxsize=2048)
def _entities(text: str) -> tuple[str, ...]:
    """The places, units and projects ``text`` names (patterns/facts.yaml ``entities``): a run of up to
    three words ending in an entity word (街道, 中心, 项目 …) with at least two characters of name
    before it ("万里街道", "智慧城市二期项目"; not "项目" alone). Only the few characters before each
    entity word are cut into words."""
    r = rules()
    pattern = _entity_pattern()
    if pattern is None:
        return ()
    generic = set(r.subjects.generic) | set(r.subjects.lead_words)
    out = set()
    for m in pattern.finditer(text):
        window = re.sub(r"[“”\"‘’()（）\[\]【】]", "", text[max(0, m.start() - 8):m.end()])
        tokens = _tokens(window)
        if not tokens or not tokens[-1].endswith(m.group(0)):
            continue  # the entity word ends inside a longer word
        run = tokens[-1]
        for prev in reversed(tokens[-3:-1]):
            if prev in generic or not re.match(r"^[\u4e00-\u9fa5A-Za-z0-9]+$", prev):
                break
            run = prev + run
        if len(run) >= len(m.group(0)) + 2:
            out.add(run)
    return tuple(sorted(out))


@lru_cache(maxsize=1)
def _entity_pattern() -> re.Pattern | None:
    words = rules().entities
    return re.compile(_alt(words)) if words else None


@lru_cache(maxsize=1)
def _noun_stops() -> frozenset[str]:
    r = rules()
    return frozenset({*r.subjects.lead_words, *r.subjects.services, *(w for ws in r.relations.values() for w in ws),
                      *r.approximate_after, "的", "和", "及", "与", "等", "以上", "左右"})


def _noun_after(sent: _Sentence, end: int) -> str:
    """What a count counts: the words right after its unit, up to a delimiter, a verb or a number."""
    c = _compiled()
    stop = c.delimiters.search(sent.text, end)
    z = min(stop.start() if stop else len(sent.text), end + 16)
    cut = re.search(r"[\d“”\"()（）]", sent.text[end:z])
    z = end + cut.start() if cut else z
    out = []
    for t in sent.words_from(end, z):
        if t in _noun_stops():
            break
        out.append(t)
        if len(out) == 4:
            break
    return "".join(out)


def _subject(sent: _Sentence, start: int, m: re.Match, noun: str) -> tuple[str, str | None]:
    """(the words the subject was read from, the normalised subject or None)."""
    r = rules().subjects
    text = sent.text
    before = text[start:m.start()]
    bare = re.sub(r"[“”\"‘’\s]", "", before)
    coverb = next((w for w in r.beneficiary if bare.endswith(w)), None) if noun else None
    if coverb is not None and sent.is_word(text.rfind(coverb, start, m.start()), coverb):
        rest = text[m.end():]
        rest = rest[rest.find(noun) + len(noun):]
        service = next((s for s in sorted(r.services, key=len, reverse=True) if rest.startswith(s)), None)
        if service is not None:  # "X为N家企业提供Y": the enterprises X served, or those served with Y
            agent, n = normalise(bare[:-len(coverb)])
            if agent:
                return before, agent if usable(agent, n) else None
            stop = _compiled().delimiters.search(rest)
            obj = rest[len(service):stop.start() if stop else len(rest)]
            subject, n = normalise(obj)
            return obj, subject if usable(subject, n) else None
    subject, n = normalise(before)
    if not subject and noun:  # "上线65项政策补贴直通车事项": what is counted is the subject
        subject, n = normalise(noun)
        before = noun
    return before, subject if usable(subject, n) else None


def _year_of(head: str, year: int | None) -> int | None:
    """The last year the sentence names before the number, other than as the year compared with
    ("比2023年"); "上年" / "去年" (not 上年结转): the report's year − 1; none named: the report's year."""
    found = None
    for m in re.finditer(r"((?:19|20)\d{2})\s*年|(上年|去年|上一年)(?!结转|结余|末结转)", head):
        if head[max(m.start() - 1, 0):m.start()] in ("比", "较", "与", "同", "于"):
            continue  # "比2023年预算减少…": the year compared with, not the one stated
        found = m
    if found is None:
        return year
    if found.group(1):
        return int(found.group(1))
    return year - 1 if year is not None else None


def _indicator_key(value: float, page: int, bbox: BBox, indicators) -> str | None:
    """The catalog indicator extraction read at the same place (same page, overlapping box, same value)."""
    for ind in indicators:
        if (abs(ind.value - value) <= 1e-6 * max(1.0, abs(value))
                and ind.bbox[0] < bbox[2] and bbox[0] < ind.bbox[2] and ind.bbox[1] < bbox[3] and bbox[1] < ind.bbox[3]):
            return ind.key
    return None
