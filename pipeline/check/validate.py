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

from pipeline.check.budget import budget_checks
from pipeline.check.changes import year_on_year_checks
from pipeline.check.core import Context
from pipeline.check.cross import stated_change_checks
from pipeline.check.facts import fact_checks
from pipeline.check.formulas import cross_mention_checks, formula_checks
from pipeline.check.ocr import attach_confidence, doubt_errors
from pipeline.check.problems import add_problems
from pipeline.check.prose import change_checks, completion_checks
from pipeline.check.scores import score_checks, score_range_checks
from pipeline.check.second_reading import reread_failed_tables
from pipeline.check.tables import table_ratio_checks, table_sum_checks
from pipeline.document import Document
from pipeline.errors import PatternsError
from pipeline.extract.catalog import PATTERNS_DIR, load_yaml
from pipeline.extract.metadata import type_label
from pipeline.schema import CheckResult, Coverage, Finding, NotChecked, Report

CHECKS = (formula_checks, cross_mention_checks, table_sum_checks, table_ratio_checks, score_checks,
          score_range_checks, change_checks, completion_checks, budget_checks, stated_change_checks,
          year_on_year_checks, fact_checks)


def validate(report: Report, doc: Document | None = None) -> Report:
    ctx = Context.of(report, doc)
    results: list[CheckResult] = []
    families = families_for(report)
    for check in families:
        results.extend(_run_family(check, ctx))
    if not families:
        looks = next((n for n in report.notes if _not_a_report(n)), type_label(report.report_type))
        results.append(CheckResult(rule="report_type.out_of_scope", kind="internal", outcome="insufficient_data",
                                   message=f"全部算术核对：{looks}，不是受支持的报告类型，未做核对"))
    reread_failed_tables(results, doc)  # a failed table check: camelot's reading first (结构存疑)
    attach_confidence(report, doc)  # OCR: an error resting on a doubtful digit is a warning
    doubt_errors(results, doc)
    report.checks = results
    failed = [r for r in results if r.outcome == "fail"]
    failed.sort(key=lambda r: (r.severity != "error", r.evidence[0].page if r.evidence else 0))
    report.findings = [Finding(rule=r.rule, severity=r.severity, message=r.message, stated=r.stated,
                               recomputed=r.recomputed, interval=r.interval, evidence=r.evidence) for r in failed]
    report.coverage = coverage(results, ctx)
    return add_problems(report)  # findings on the same printed numbers: one problem


def _not_a_report(note: str) -> bool:
    """A note of metadata.detect saying the file is no finance report (patterns/metadata.yaml
    ``not_reports``: a notice, a letter, a statistics sheet)."""
    return any(note.startswith(n["note"].split("{")[0]) for n in load_yaml("metadata.yaml").get("not_reports", []))


def families_for(report: Report) -> tuple:
    """The check families a report gets: none for a file that is no finance report, those of
    patterns/metadata.yaml ``checks_by_type`` for its kind, else all."""
    if report.report_type == "unknown" and any(_not_a_report(n) for n in report.notes):
        return ()
    report_type = report.report_type
    named = load_yaml("metadata.yaml").get("checks_by_type", {}).get(report_type)
    if named is None:
        return CHECKS
    known = {c.__name__.removesuffix("_checks"): c for c in CHECKS}
    unknown = set(named) - set(known)
    if unknown:
        raise PatternsError(f"{PATTERNS_DIR}/metadata.yaml: checks_by_type.{report_type}: no check family "
                            f"{', '.join(sorted(unknown))} (known: {', '.join(known)})")
    return tuple(known[n] for n in named)


def _run_family(check, ctx: Context) -> list[CheckResult]:
    """One family's results; a family that fails on this document (a bug of ours on a reading we
    did not foresee) becomes one result saying so, and the other families still run: the file
    keeps its report, and its coverage names what could not be checked."""
    try:
        return list(check(ctx))
    except MemoryError:
        raise  # the worker's memory limit: the file's status says so
    except Exception as e:
        import logging

        family = check.__name__.removesuffix("_checks")
        logging.getLogger(__name__).warning("check family %s failed: %s: %s", family, type(e).__name__, e)
        return [CheckResult(rule=f"{family}.could_not_run", kind="internal", outcome="insufficient_data",
                            message=f"{family} 类核对：未能运行，程序内部错误（{type(e).__name__}: {e}）"[:300])]


def coverage(results: list[CheckResult], ctx: Context | None = None) -> Coverage:
    """How many checkable statements were checked (pass or fail) and which could not be, with the
    reason (every insufficient_data check). A not_applicable check (a zero base, a rule that does
    not apply) is not a checkable statement and is counted in neither."""
    checked = sum(r.outcome in ("pass", "fail") for r in results)
    not_checked, seen = [], set()
    for r in results:
        if r.outcome != "insufficient_data":
            continue
        what, reason = _what_and_reason(r, ctx)
        if (what, reason) not in seen:
            seen.add((what, reason))
            not_checked.append(NotChecked(what=what, reason=reason))
    return Coverage(checked=checked, not_checked=not_checked)


def _what_and_reason(r: CheckResult, ctx: Context | None) -> tuple[str, str]:
    # messages read "<what>：<why>"; the rule's last part names the quantity when it is a catalog key
    head, sep, tail = r.message.partition("：")
    key = r.rule.split(".", 1)[-1]
    label = ctx.label(key) if ctx is not None and key in ctx.cat.entries else None
    if sep:
        return (label or head.strip()), tail.strip()
    return (label or r.rule), r.message
