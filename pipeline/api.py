"""The Python API: the same results as the command line.

    from pipeline import extract, audit, batch
    report = audit("samples/yantian_2023.pdf")
    report.findings
"""
from __future__ import annotations

from pathlib import Path

from .document import Document
from .schema import Report


def build_report(doc: Document) -> Report:
    """Document -> Report with issuer, year, type, indicators and scores (no validation)."""
    from .extractors import extract_indicators
    from .metadata import detect

    meta = detect(doc)
    indicators, scores, total = extract_indicators(doc, meta.report_type)
    return Report(source=doc.source, issuer=meta.issuer, year=meta.year, report_type=meta.report_type,
                  indicators=indicators, scores=scores, total_score=total)


def extract(path: str | Path) -> Report:
    """Read one report: metadata, indicators with provenance, scores. Raises InputError on bad input."""
    from .ingest import load

    return build_report(load(path))


def audit(path: str | Path) -> Report:
    """extract + validate: the report with its check results and findings."""
    from .ingest import load
    from .validate import validate

    doc = load(path)
    report = build_report(doc)
    validate(report, doc)
    return report
