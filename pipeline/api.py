"""The Python API: the same results as the command line.

    from pipeline import extract, audit, batch
    report = audit("samples/yantian_2023.pdf")
    report.findings
    summary = batch("reports/", out="output")    # the folder job, then its exports

This module is the one place that strings the stages together (read -> extract -> check; run ->
publish), so no stage has to import a stage above it.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.document import Document
from pipeline.schema import Report


def build_report(doc: Document) -> Report:
    """Document -> Report with issuer, year, type, indicators and scores (no validation)."""
    from pipeline.extract.indicators import extract_indicators
    from pipeline.extract.metadata import detect

    meta = detect(doc)
    indicators, scores, total = extract_indicators(doc, meta.report_type)
    return Report(source=doc.source, issuer=meta.issuer, year=meta.year, report_type=meta.report_type,
                  indicators=indicators, scores=scores, total_score=total)


def extract(path: str | Path) -> Report:
    """Read one report: metadata, indicators with provenance, scores. Raises InputError on bad input."""
    from pipeline.read.ingest import load

    return build_report(load(path))


def audit(path: str | Path) -> Report:
    """extract + validate: the report with its check results and findings."""
    from pipeline.read.ingest import load
    from pipeline.check.validate import validate

    doc = load(path)
    report = build_report(doc)
    validate(report, doc)
    return report


def batch(dir: str | Path, out: str | Path = "output", *, exports: bool = True, **options):
    """Audit every PDF under ``dir`` into the store in ``out`` (:func:`pipeline.run.runner.batch`;
    ``options``: jobs, timeout, dask_scheduler, progress, work), then rewrite the exports and
    report.html from the store unless ``exports`` is False. Returns the BatchSummary."""
    from pipeline.run.runner import batch as run_batch

    summary = run_batch(dir, out, **options)
    if exports:
        write_exports(summary, out)
    return summary


def write_exports(summary, out: str | Path) -> None:
    """The publishing step after a batch: CSV/xlsx/parquet/JSON, then report.html (whose failure is a
    note on the summary, not a crash: the results are safe in the store)."""
    from pipeline.publish.export import write_exports as export_all
    from pipeline.publish.html import write_report

    summary.exports = export_all(out)
    try:
        summary.exports["report.html"] = str(write_report(out))
    except Exception as e:  # `govaudit report` can retry
        summary.notes.append(f"report.html not written ({type(e).__name__}: {e}); retry with `govaudit report {out}`")
