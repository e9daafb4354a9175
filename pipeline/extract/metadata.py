"""Issuer, year and report type, read from the title page (patterns/metadata.yaml).

The issuer is read from a name: an explicit field of the cover ("预算单位：上海市审计局"), else the
title ("2026年度福州市公安局治安管理支队单位预算"), else, on a letter or a notice, its signature.
A name is [中共] [province] [city] [district] department; what each part can be is data
(``cities``, ``places``, ``district``, ``kinds``, ``name_end`` …).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.catalog import load_yaml
from pipeline.document import Document
from pipeline.schema import Issuer

_CJK = "\u4e00-\u9fa5"


@dataclass
class Metadata:
    issuer: Issuer
    year: int | None
    report_type: str
    title: str
    note: str | None = None  # what the file is when it is no finance report ("不是财政报告：函（…）")


def title_text(doc: Document, max_paragraphs: int = 8) -> str:
    """The title: page 1's running header (a title printed at the top of every page is taken out of
    the paragraphs as furniture), then page 1's first paragraphs, plus page 2's when page 1 is a thin
    cover."""
    header = "".join(ln.text for pg in doc.pages[:1] for ln in pg.furniture
                     if ln.bbox[1] < pg.height / 2 and re.search(f"[{_CJK}]", ln.text))
    first = [p for p in doc.paragraphs if p.page == 1][:max_paragraphs]
    text = "".join(p.text for p in first)
    if len(text) < 40:
        text += "".join(p.text for p in doc.paragraphs if p.page == 2)[:200]
    return header + text


def type_label(report_type: str) -> str:
    """The Chinese name of a report type (patterns/metadata.yaml)."""
    cfg = load_yaml("metadata.yaml")
    labels = {e["type"]: e.get("label", e["type"]) for e in cfg["report_types"]}
    return labels.get(report_type, cfg.get("unknown_type_label", report_type))


def kind_label(kind: str) -> str:
    """The Chinese name of a check kind (patterns/metadata.yaml ``check_kinds``)."""
    return load_yaml("metadata.yaml").get("check_kinds", {}).get(kind, kind)


def severity_label(severity: str) -> str:
    """错误 / 提示 (patterns/metadata.yaml ``severities``)."""
    return load_yaml("metadata.yaml").get("severities", {}).get(severity, severity)


def place_of(district: str | None, cfg: dict | None = None) -> tuple[str | None, str | None]:
    """(province, city) of a district by patterns/metadata.yaml ``places``; (None, None) when the
    district is not listed or is listed under two cities."""
    cfg = cfg or load_yaml("metadata.yaml")
    found = {(p["province"], p["city"]) for p in cfg.get("places", []) if district in p["districts"]}
    return next(iter(found)) if len(found) == 1 else (None, None)


def province_of(city: str | None, cfg: dict | None = None) -> str | None:
    """The province of a prefecture-level city (or municipality) by ``cities``; None when not listed."""
    cfg = cfg or load_yaml("metadata.yaml")
    return next((prov for prov, names in (cfg.get("cities") or {}).items() if city in names), None)


def _place(issuer: Issuer, text: str, cfg: dict) -> Issuer:
    """Province and city of an issuer whose district is known: the city the cover names before the
    district wins; else the city of the district by ``places``."""
    if not issuer.district:
        return issuer
    province, city = place_of(issuer.district, cfg)
    named = issuer.city
    if named is None:
        named = next((p["city"] for p in cfg.get("places", []) if p["city"] + issuer.district in text), None)
    if named is None:
        named = next((c for names in (cfg.get("cities") or {}).values() for c in names
                      if c + issuer.district in text), None)
    if named is None and cfg.get("city"):
        m = re.search(cfg["city"].replace("{district}", re.escape(issuer.district)), text)
        named = m.group("city") if m else None
    if named and named != city:
        province, city = province_of(named, cfg), named
    return issuer.model_copy(update={"province": issuer.province or province, "city": city})


class _Grammar:
    """The compiled parts of patterns/metadata.yaml that read a name."""

    def __init__(self, cfg: dict):
        alt = lambda words: "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))  # noqa: E731
        cities = cfg.get("cities") or {}
        self.province_of = {c: prov for prov, names in cities.items() for c in names}
        provinces = [p for p in cities if p not in self.province_of]  # not a municipality
        districts = [d for p in cfg.get("places", []) for d in p["districts"]]
        self.province = re.compile(alt(provinces)) if provinces else None
        self.city = re.compile(alt(self.province_of)) if self.province_of else None
        self.known_district = re.compile(alt(districts)) if districts else None
        self.district = re.compile(cfg["district"])
        self.generic_city = cfg.get("city")
        self.place = re.compile("|".join(alt(w) for w in (provinces, list(self.province_of), districts) if w))
        self.prefix = re.compile(f"^(?:{alt(cfg.get('name_prefix', []))})") if cfg.get("name_prefix") else None
        self.lead = re.compile(r"^[^%s]*?(?:(?:19|20)\d{2}年度?)?" % _CJK)
        self.central = re.compile(f"^(?:{alt(cfg.get('central', []))})") if cfg.get("central") else None
        self.end = re.compile(alt(cfg.get("name_end", []))) if cfg.get("name_end") else None
        self.kind = re.compile("|".join(cfg["kinds"]))
        self.drop = [re.compile(p) for p in cfg.get("department_drop", [])]
        self.dept_prefix = cfg.get("department_prefix") or {}
        self.run = re.compile(f"[{_CJK}]*")


_GRAMMARS: dict[int, tuple[dict, _Grammar]] = {}


def _grammar(cfg: dict) -> _Grammar:
    """One compiled grammar per configuration dict (load_yaml caches its dict)."""
    hit = _GRAMMARS.get(id(cfg))
    if hit is None or hit[0] is not cfg:
        if len(_GRAMMARS) > 16:
            _GRAMMARS.clear()
        hit = _GRAMMARS[id(cfg)] = (cfg, _Grammar(cfg))
    return hit[1]


def _department(rest: str, level: str | None, g: _Grammar) -> tuple[str | None, int]:
    """The department at the start of ``rest`` and how many characters of ``rest`` it takes: its
    run of Chinese characters up to ``name_end``, back to the end of its last ``kinds`` word."""
    run = g.run.match(rest).group()
    if g.end and (m := g.end.search(run)):
        run = run[:m.start()]
    dropped = 0
    for pat in g.drop:
        if m := pat.match(run):
            run, dropped = run[m.end():], dropped + m.end()
    last = None
    for m in g.kind.finditer(run):
        last = m
    if last is None:
        return None, 0
    name = run[:last.end()]
    for start, prefix in g.dept_prefix.items():
        if name.startswith(start) and level:
            name = prefix.replace("{level}", level) + name
    return name, dropped + last.end()


def issuer_of(text: str, cfg: dict | None = None, whole: bool = False) -> Issuer:
    """The issuer a name names: [中共] [province] [city] [district] department, from the first place
    the text names (a listed province, city or district; or a district at the start of the name).
    ``whole``: the text must be the name and nothing else (a signature)."""
    cfg = cfg or load_yaml("metadata.yaml")
    g = _grammar(cfg)
    text = re.sub(r"\s+", "", text)
    lead = g.lead.match(text).end()
    if g.prefix and (m := g.prefix.match(text, lead)):
        lead = m.end()
    found = g.place.search(text)
    pos = found.start() if found else None
    # a city not listed and its district, or a district alone, at the start of the name, ahead of
    # any listed place ("青岚市城东区…", "璧泉区档案馆…")
    if pos is None or pos > lead:
        m = g.generic_city and re.compile(g.generic_city.replace("{district}", g.district.pattern)).match(text, lead)
        if m or ((m := g.district.match(text, lead)) and _department(text[m.end():], m.group()[-1], g)[0]):
            pos = lead
    if pos is None:
        if g.central and g.central.match(text, lead):
            dept, used = _department(text[lead:], None, g)
            if dept and (not whole or lead + used == len(text)):
                return Issuer(department=dept)
        return Issuer()
    if whole and pos != lead:
        return Issuer()
    province = city = district = None
    if g.province and (m := g.province.match(text, pos)):
        province, pos = m.group(), m.end()
    if g.city and (m := g.city.match(text, pos)):
        city, pos = m.group(), m.end()
    elif g.generic_city:  # a city not listed, right before a district ("舟山市普陀区")
        m = re.compile(g.generic_city.replace("{district}", g.district.pattern)).match(text, pos)
        if m:
            city, pos = m.group("city"), m.end()
    if g.known_district and (m := g.known_district.match(text, pos)):
        district, pos = m.group(), m.end()
    elif (m := g.district.match(text, pos)) and _department(text[m.end():], m.group()[-1], g)[0]:
        district, pos = m.group(), m.end()
    innermost = district or city or province
    dept, used = _department(text[pos:], innermost[-1] if innermost else None, g)
    if whole and (dept is None or pos + used != len(text)):
        return Issuer()
    if city and not province:
        province = g.province_of.get(city)
    issuer = Issuer(province=province, city=city, district=district, department=dept)
    if district and not city:
        issuer = _place(issuer, text, cfg)
    return issuer


def _issuer(text: str, cfg: dict) -> Issuer:
    """The issuer a text names (:func:`issuer_of`)."""
    return issuer_of(text, cfg)


def _not_report(doc: Document, cfg: dict) -> str | None:
    """The note for a file whose cover is no finance report (``not_reports``), else None."""
    first = [re.sub(r"\s+", "", p.text) for p in doc.paragraphs if p.page == 1][:int(cfg.get("cover_paragraphs", 3))]
    number_pat = re.compile(cfg.get("number", r"$^"))
    number = next((m.group() for t in first if (m := number_pat.search(t))), "")
    number = number.replace("[", "〔").replace("]", "〕")
    for kind in cfg.get("not_reports", []):
        for t in first:
            if any(re.fullmatch(pat, t) for pat in kind["cover"]):
                return kind["note"].format(number=number or t, title=t, kind=kind["kind"])
    return None


def _report_type(title: str, cfg: dict) -> str:
    ends = [title.find(w) for w in cfg.get("title_end", []) if title.find(w) > 0]
    proper = title[:min(ends)] if ends else title
    for text in (proper, title):
        for entry in cfg["report_types"]:
            if any(w in text for w in entry["words"]):
                return entry["type"]
    return "unknown"


def detect(doc: Document) -> Metadata:
    cfg = load_yaml("metadata.yaml")
    title = title_text(doc)
    note = _not_report(doc, cfg)
    report_type = "unknown" if note else _report_type(title, cfg)

    fields = [re.compile(pat) for pat in cfg["issuer_fields"]]
    names = [m.group("name") for p in doc.paragraphs[:40] for pat in fields if (m := pat.search(p.text))]
    issuer = Issuer()
    for candidate in names + [title]:  # the first name with a department; else the first place
        found = issuer_of(candidate, cfg)
        if found.department:
            issuer = found
            break
        if (found.city or found.district) and not (issuer.city or issuer.district):
            issuer = found
    if not (issuer.department or issuer.city or issuer.district):  # a letter's signature
        for p in reversed(doc.paragraphs[-int(cfg.get("signature", 0)):] if cfg.get("signature") else []):
            found = issuer_of(p.text, cfg, whole=True)
            if found.department:
                issuer = found
                break

    year = None
    for pat in cfg["year"]:
        if m := re.search(pat, title):
            year = int(m.group("year"))
            break
    return Metadata(issuer=issuer, year=year, report_type=report_type, title=title, note=note)
