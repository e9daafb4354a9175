"""The validator: execute the checks declared in patterns/ over a report and its document.

Every check ends pass, fail, not_applicable or insufficient_data, and all are kept in
``report.checks``; each fail becomes a finding (``error``: a contradiction beyond rounding;
``warning``: an ambiguity, such as a rate computed on another base than the scoring rule names).
Numbers are intervals (pipeline.check.interval): a check passes when the recomputed interval overlaps
the stated one.

The checks live in one module per family (checks_formulas, checks_tables, checks_scores,
checks_prose; what they share in checks_core); this module runs them all, like pandera's split
between declaring a check (patterns/) and executing it.
"""
from __future__ import annotations

from pipeline.check.core import Context
from pipeline.check.formulas import cross_mention_checks, formula_checks
from pipeline.check.prose import change_checks, completion_checks
from pipeline.check.scores import score_checks, score_range_checks
from pipeline.check.tables import table_ratio_checks, table_sum_checks
from pipeline.document import Document
from pipeline.schema import CheckResult, Finding, Report

CHECKS = (formula_checks, cross_mention_checks, table_sum_checks, table_ratio_checks, score_checks,
          score_range_checks, change_checks, completion_checks)


def validate(report: Report, doc: Document | None = None) -> Report:
    ctx = Context.of(report, doc)
    results: list[CheckResult] = []
    for check in CHECKS:
        results.extend(check(ctx))
    report.checks = results
    failed = [r for r in results if r.outcome == "fail"]
    failed.sort(key=lambda r: (r.severity != "error", r.evidence[0].page if r.evidence else 0))
    report.findings = [Finding(rule=r.rule, severity=r.severity, message=r.message, stated=r.stated,
                               recomputed=r.recomputed, interval=r.interval, evidence=r.evidence) for r in failed]
    return report
