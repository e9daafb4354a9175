"""Findings grouped into problems: what a person counts and reviews.

Several checks can fail on the same printed numbers: a quantity stated twice with different values
fails as a cross-mention and again as the ratio behind it; a table row and its only child print the
same figures and fail the same ratio; one misprinted 合计 row fails the sum in two columns by the
same difference. Each such group is one problem; its findings are listed under it, the first leads.

Two checks that compare the very same printed numbers (one's numbers all among the other's) are
one problem too.

A problem's id is stable across runs of the same file: a short hash of the file's sha256, the
leading finding's rule and the printed numbers that finding rests on (``problem_id``). The auditor's
review (pipeline.run.store) is keyed by it.
"""
from __future__ import annotations

import hashlib
import re

from pipeline.schema import Finding, Problem, Report

_SAME_QUANTITY = ("cross_mention", "text_vs_table")  # one quantity printed with two values


def kind_of(rule: str) -> str:
    return rule.split(".", 1)[0]


def subject_of(rule: str) -> str:
    return rule.split(".", 1)[1] if "." in rule else rule


def numbers_of(f: Finding) -> list[str]:
    """The printed numbers a finding rests on, as printed, in a stable order."""
    return sorted({" ".join((e.value_text or "").split()) for e in f.evidence if e.value_text})


def problem_key(rule: str, numbers: list[str]) -> str:
    """The problem's identity without the file: the same key in a corrected edition of the report
    means the problem is still there."""
    return hashlib.sha256(("\x1f".join([rule, *numbers])).encode("utf-8")).hexdigest()[:12]


def problem_id(sha256: str, rule: str, numbers: list[str]) -> str:
    return hashlib.sha256(("\x1f".join([sha256, rule, *numbers])).encode("utf-8")).hexdigest()[:12]


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text or "")
    return len(m.group(1)) if m else 0


def _spot(e) -> tuple:
    return (e.page, tuple(round(x, 1) for x in e.bbox), e.value_text)


def _same_quantity(a: Finding, b: Finding) -> bool:
    """A cross-mention of a quantity and a recomputation of one of its stated values."""
    if kind_of(a.rule) not in _SAME_QUANTITY:
        a, b = b, a
    if kind_of(a.rule) not in _SAME_QUANTITY or kind_of(b.rule) in _SAME_QUANTITY:
        return False
    if subject_of(a.rule) != subject_of(b.rule) or not b.evidence:
        return False
    spots = {_spot(e) for e in a.evidence}
    return _spot(b.evidence[0]) in spots  # the recomputed figure is one of the mentions


def _same_numbers(a: Finding, b: Finding) -> bool:
    """Two rows (a parent and its only child) or two columns printing the very same figures."""
    return (kind_of(a.rule) == kind_of(b.rule) and bool(numbers_of(a))
            and [e.value_text for e in a.evidence] == [e.value_text for e in b.evidence]
            and a.stated == b.stated and a.recomputed == b.recomputed)


def _same_row_same_gap(a: Finding, b: Finding) -> bool:
    """One 合计 row that misses its rows' sum by the same amount in several columns: one misprint
    or one missing row, not one problem per column."""
    if not (kind_of(a.rule) == kind_of(b.rule) == "table_sum" and a.evidence and b.evidence):
        return False
    ra, rb = a.evidence[0], b.evidence[0]
    if (ra.page, ra.quote) != (rb.page, rb.quote):
        return False
    if None in (a.stated, a.recomputed, b.stated, b.recomputed):
        return False
    d = min(_decimals(ra.value_text or ""), _decimals(rb.value_text or ""))
    return abs((a.recomputed - a.stated) - (b.recomputed - b.stated)) <= 10.0 ** -d + 1e-9


def _within(a: Finding, b: Finding) -> bool:
    """Every printed number one finding rests on is among the other's (same places on the page):
    one comparison found by two checks."""
    sa, sb = {_spot(e) for e in a.evidence}, {_spot(e) for e in b.evidence}
    return min(len(sa), len(sb)) >= 2 and (sa <= sb or sb <= sa)


LINKS = (_same_quantity, _same_numbers, _same_row_same_gap, _within)


def _lead_order(findings: list[Finding]):
    def key(i: int):
        f = findings[i]
        return (f.severity != "error", kind_of(f.rule) not in _SAME_QUANTITY, i)
    return key


def group_problems(report: Report) -> list[Problem]:
    """The report's findings as problems (union of every linked pair), in the order of their
    leading findings; reviews are left at their default (the store sets them)."""
    findings = report.findings
    parent = list(range(len(findings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(findings)):
        for j in range(i + 1, len(findings)):
            if any(link(findings[i], findings[j]) for link in LINKS):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(findings)):
        groups.setdefault(root(i), []).append(i)
    problems = []
    for members in groups.values():
        members.sort(key=_lead_order(findings))
        lead = findings[members[0]]
        problems.append(Problem(
            id=problem_id(report.source.sha256, lead.rule, numbers_of(lead)),
            severity="error" if any(findings[i].severity == "error" for i in members) else "warning",
            findings=members))
    problems.sort(key=lambda p: (p.severity != "error", min(p.findings)))
    return problems


def add_problems(report: Report) -> Report:
    report.problems = group_problems(report)
    return report
