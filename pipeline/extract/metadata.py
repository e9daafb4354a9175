"""Issuer, year and report type, read from the title page."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.catalog import load_yaml
from pipeline.document import Document
from pipeline.schema import Issuer


@dataclass
class Metadata:
    issuer: Issuer
    year: int | None
    report_type: str
    title: str


def title_text(doc: Document, max_paragraphs: int = 8) -> str:
    """The title: page 1's first paragraphs, plus page 2's when page 1 is a thin cover."""
    first = [p for p in doc.paragraphs if p.page == 1][:max_paragraphs]
    text = "".join(p.text for p in first)
    if len(text) < 40:
        text += "".join(p.text for p in doc.paragraphs if p.page == 2)[:200]
    return text


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


def _place(issuer: Issuer, text: str, cfg: dict) -> Issuer:
    """Province and city: the city the cover names before the district wins; else the table."""
    province, city = place_of(issuer.district, cfg)
    places = cfg.get("places", [])
    named = next((p["city"] for p in places if p["city"] + issuer.district in text), None)
    if named is None and cfg.get("city"):
        m = re.search(cfg["city"].replace("{district}", re.escape(issuer.district)), text)
        named = m.group("city") if m else None
    if named and named != city:
        same = [p for p in places if p["city"] == named]
        province, city = (same[0]["province"] if same else None), named
    return issuer.model_copy(update={"province": province, "city": city})


def detect(doc: Document) -> Metadata:
    cfg = load_yaml("metadata.yaml")
    title = title_text(doc)
    head = "".join(p.text for p in doc.paragraphs[:40])[:3000]

    report_type = "unknown"
    for entry in cfg["report_types"]:
        if any(w in title for w in entry["words"]):
            report_type = entry["type"]
            break

    issuer = Issuer()
    names = [m.group("name") for pat in cfg["issuer_fields"] for m in [re.search(pat, head)] if m]
    for candidate in names + [title, head]:
        found = _issuer(candidate, cfg)
        if found.district and found.department:
            issuer = found
            break
        if found.district and not issuer.district:
            issuer = found

    if issuer.district:
        issuer = _place(issuer, title + head, cfg)

    year = None
    for pat in cfg["year"]:
        if m := re.search(pat, title):
            year = int(m.group("year"))
            break
    return Metadata(issuer=issuer, year=year, report_type=report_type, title=title)


def _issuer(text: str, cfg: dict) -> Issuer:
    m = re.search(cfg["district"], text)
    if not m:
        return Issuer()
    district = m.group("district")
    rest = text[m.end():]
    d = re.match(cfg["department"], rest)
    department = None
    if d:
        department = d.group("department")
        for start, prefix in cfg["department_prefix"].items():
            if department.startswith(start):
                department = prefix + department
    return Issuer(district=district, department=department)
