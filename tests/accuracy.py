"""Compare extraction with a sample's hand-checked expected file (samples/<stem>.expected.json).

The expected files are written by a person reading the seed text; this module only compares.
Mentions are compared as multisets of (key, value): every occurrence the report prints.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Accuracy:
    name: str
    fields: dict[str, tuple[object, object]] = field(default_factory=dict)  # field -> (expected, got)
    matched: int = 0
    expected: int = 0
    missing: list[tuple[str, float]] = field(default_factory=list)
    extra: list[tuple[str, float]] = field(default_factory=list)
    scores_expected: int = 0
    scores_matched: int = 0
    score_diffs: list[str] = field(default_factory=list)

    mention_errors: list[str] = field(default_factory=list)  # unit, printed text, source, quote, section
    n_mention_fields: int = 0

    @property
    def field_errors(self) -> list[str]:
        return [f"{k}: expected {e!r}, got {g!r}" for k, (e, g) in self.fields.items() if e != g]

    @property
    def perfect(self) -> bool:
        return not (self.missing or self.extra or self.field_errors or self.score_diffs or self.mention_errors)

    def summary(self) -> str:
        n_fields = len(self.fields)
        return (f"{self.name}: indicators {self.matched}/{self.expected} matched, {len(self.extra)} extra; "
                f"mention fields {self.n_mention_fields - len(self.mention_errors)}/{self.n_mention_fields}; "
                f"report fields {n_fields - len(self.field_errors)}/{n_fields}; "
                f"scores {self.scores_matched}/{self.scores_expected}")


def expected_path(pdf: Path) -> Path:
    return pdf.with_name(pdf.stem + ".expected.json")


def _key(key: str, value: float) -> tuple[str, float]:
    return key, round(float(value), 6)


def compare(pdf: str | Path, report=None, expected: str | Path | None = None) -> Accuracy:
    """``expected``: the expected file, when it is not <stem>.expected.json next to the PDF (a
    rendering of a sample by another route is checked against the sample's expected file)."""
    from pipeline.api import extract

    pdf = Path(pdf)
    exp = json.loads(Path(expected or expected_path(pdf)).read_text(encoding="utf-8"))
    rep = report if report is not None else extract(pdf)
    acc = Accuracy(pdf.name)
    acc.fields = {
        "district": (exp["issuer"]["district"], rep.issuer.district),
        "department": (exp["issuer"]["department"], rep.issuer.department),
        "year": (exp["year"], rep.year),
        "report_type": (exp["report_type"], rep.report_type),
        "total_score": (exp.get("total_score"), rep.total_score),
    }
    want = Counter(_key(i["key"], i["value"]) for i in exp["indicators"])
    got = Counter(_key(i.key, i.value) for i in rep.indicators)
    acc.expected = sum(want.values())
    acc.matched = sum((want & got).values())
    acc.missing = sorted((want - got).elements())
    acc.extra = sorted((got - want).elements())
    acc.mention_errors = _mention_fields(exp["indicators"], rep.indicators)
    acc.n_mention_fields = 5 * acc.expected
    present = {i.key for i in rep.indicators}
    acc.fields.update({f"absent {k}": (False, k in present) for k in exp.get("absent", [])})
    exp_scores = exp.get("scores", [])
    acc.scores_expected = len(exp_scores)
    got_scores = [(s.level1, s.level2, s.level3, s.max_score, s.score) for s in rep.scores]
    for i, s in enumerate(exp_scores):
        row = (s["level1"], s.get("level2"), s.get("level3"), s.get("max_score"), s.get("score"))
        if i < len(got_scores) and got_scores[i] == row:
            acc.scores_matched += 1
        else:
            acc.score_diffs.append(f"#{i}: expected {row}, got {got_scores[i] if i < len(got_scores) else None}")
    if len(got_scores) > len(exp_scores):
        acc.score_diffs += [f"extra score row {r}" for r in got_scores[len(exp_scores):]]
    return acc


def _plain(text: str | None) -> str:
    """Compare quotes and sections as a reader would: no spaces or cell separators, ASCII punctuation."""
    table = str.maketrans("（）：；，", "():;,")
    return re.sub(r"[\s|]+", "", (text or "").translate(table))


def _mention_fields(expected: list[dict], got: list) -> list[str]:
    """Field by field: each expected mention is paired with an extracted mention of the same key
    and value (the one whose quote holds the expected quote, if any), then unit, printed text,
    source (text/table), quote and section are compared."""
    pool = list(got)
    errors = []
    for e in expected:
        same = [g for g in pool if g.key == e["key"] and round(g.value, 6) == round(float(e["value"]), 6)]
        if not same:
            continue  # counted as missing already
        g = next((g for g in same if _plain(e.get("quote")) in _plain(g.quote) and g.source == e.get("source")),
                 next((g for g in same if g.source == e.get("source")), same[0]))
        pool.remove(g)
        where = f"{e['key']}={e['value']} ({e.get('quote', '')[:24]})"
        if e.get("unit") and g.unit != e["unit"]:
            errors.append(f"{where}: unit {g.unit!r}, expected {e['unit']!r}")
        if e.get("printed") and _plain(e["printed"]) not in _plain(g.raw_text):
            errors.append(f"{where}: printed {g.raw_text!r}, expected {e['printed']!r}")
        if e.get("source") and g.source != e["source"]:
            errors.append(f"{where}: source {g.source!r}, expected {e['source']!r}")
        if e.get("quote") and _plain(e["quote"]) not in _plain(g.quote):
            errors.append(f"{where}: quote {g.quote[:60]!r} does not hold the expected quote")
        if e.get("section") and _plain(e["section"]) not in _plain(g.section):
            errors.append(f"{where}: section {g.section!r}, expected …{e['section']!r}")
    return errors
