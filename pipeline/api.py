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
    from pipeline.extract.references import extract_references, extract_statements, scope_of

    from pipeline.check.ocr import attach_confidence

    from pipeline.extract.structure import read_structure

    read_structure(doc)  # how each table's rows nest, and what is in doubt (Table.reading)
    meta = detect(doc)
    indicators, scores, total = extract_indicators(doc, meta.report_type)
    references = extract_references(doc, indicators, meta.year, meta.report_type)
    report = Report(source=doc.source, issuer=meta.issuer, year=meta.year, report_type=meta.report_type,
                    scope=scope_of(meta.title), indicators=indicators, scores=scores, total_score=total,
                    references=references, statements=extract_statements(doc, meta.year), notes=list(doc.notes) + ([meta.note] if meta.note else []))
    attach_confidence(report, doc)  # numbers read by OCR carry their recognition confidence
    return report


def extract(path: str | Path, ocr: str | None = None, ocr_cache=None) -> Report:
    """Read one report: metadata, indicators with provenance, scores. Raises InputError on bad input.
    ``ocr``: auto (scanned pages, pasted images, garbage text layers), always or never (default:
    the environment's GOVAUDIT_OCR, else auto);
    ``ocr_cache``: an object with get/put by page-image hash (see pipeline.read.ocr)."""
    from pipeline.read.ingest import load

    return build_report(load(path, ocr=ocr, ocr_cache=ocr_cache))


def audit(path: str | Path, ocr: str | None = None, ocr_cache=None) -> Report:
    """extract + validate: the report with its check results and findings (``ocr``: see extract)."""
    from pipeline.read.ingest import load
    from pipeline.check.validate import validate

    doc = load(path, ocr=ocr, ocr_cache=ocr_cache)
    report = build_report(doc)
    validate(report, doc)
    return report


def batch(dir: str | Path, out: str | Path = "output", *, exports: bool = True, **options):
    """Audit every PDF under ``dir`` into the store in ``out`` (:func:`pipeline.run.runner.batch`;
    ``options``: jobs, timeout, dask_scheduler, progress, work), then rewrite the exports and
    report.html from the store unless ``exports`` is False. Returns the BatchSummary."""
    from pipeline.run.runner import batch as run_batch

    summary = run_batch(dir, out, **options)
    summary.cross = cross_checks(out)
    if exports:
        write_exports(summary, out)
    return summary


def cross_checks(out: str | Path) -> dict[str, int]:
    """The checks between the reports of the store in ``out`` that are not computed yet
    (:mod:`pipeline.run.cross`): pairs that a new report belongs to, and nothing else."""
    from pipeline.run.cross import update
    from pipeline.run.store import Store

    with Store.open(out) as store:
        return update(store)


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


def cross_check(report: Report, file: str, folder: str | Path) -> list:
    """``govaudit audit PDF --with DIR``: the checks between ``report`` and the reports of ``folder``
    (its store ``govaudit.sqlite`` when it has one, else every PDF under it, read now). Each becomes a
    CheckResult of ``report`` (and a Finding when it fails). Returns the CheckResults added."""
    from pipeline.check.cross import as_check_result, check_pair
    from pipeline.errors import InputError
    from pipeline.run.cross import facts_of_report, load_facts, update
    from pipeline.run.store import DB_NAME, Store
    from pipeline.schema import Finding

    folder = Path(folder)
    mine = facts_of_report(report, file)
    others = []
    if (folder / DB_NAME).is_file():
        with Store.open(folder, create=False) as store:
            update(store)
            shas = [r[0] for r in store.db.execute("SELECT sha256 FROM cross_facts WHERE department=?",
                                                   (mine.department,))]
            others = [load_facts(store, sha) for sha in shas]
    elif folder.is_dir():
        for pdf in sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()):
            try:
                others.append(facts_of_report(extract(pdf), pdf.name))
            except InputError:
                continue
    else:
        raise InputError("missing", f"{folder}: no such folder")
    added = []
    for other in others:
        for c in check_pair(mine, other):
            if mine.sha256 not in (c.a, c.b):
                continue
            res = as_check_result(c, other.file, mine=c.a == mine.sha256)
            report.checks.append(res)
            added.append(res)
            if res.outcome == "fail":
                report.findings.append(Finding(rule=res.rule, severity=res.severity, message=res.message,
                                               stated=res.stated, recomputed=res.recomputed, evidence=res.evidence))
    return added
