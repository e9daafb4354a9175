"""The working paper (审核底稿): one printable A4 page set per report, for the audit file.

    write_papers(out_dir)          # reads OUT/govaudit.sqlite, writes OUT/审核底稿/<file stem>.html (+ .pdf)
    render_paper(entry) -> str     # pure: a ReportEntry with its report in, HTML out

A paper holds what a reviewer signs: who issued the report, which file (sha256), what was checked
and what could not be (coverage), each problem with its numbers, page pictures and review state,
and a sign-off block. It is the same self-contained, hash-locked HTML as report.html, laid out for
A4 (``@page { size: A4 }``); the PDF is printed from it by headless Chromium when one is installed.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.extract.metadata import type_label
from pipeline.publish.html import (ProblemView, ReportEntry, _num, _palette_css, _PictureBudget,
                                   content_security_policy, problem_views, render, static_text)

PAPERS_DIR = "审核底稿"
CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT = 120  # seconds for one paper's PDF


@dataclass
class Paper:
    title: str
    issuer: list[tuple[str, str]]  # (what, value): 省, 市, 区, 部门
    facts: list[tuple[str, str]]   # 年度, 报告类型, 文件, SHA-256, 页数, 自评得分
    coverage: tuple[int, list[tuple[str, str]]] | None  # (checked, [(what, why not)]), None: not recorded
    n_checks: int
    problems: list[ProblemView]
    generated: str
    css: str
    csp: str


def render_paper(entry: ReportEntry, *, generated: datetime | None = None, also_named: list[str] = ()) -> str:
    return render("paper.html.j2", paper=paper_view(entry, generated=generated, also_named=also_named))


def paper_view(entry: ReportEntry, *, generated: datetime | None = None, also_named: list[str] = ()) -> Paper:
    r = entry.full()
    if r is None:
        raise ValueError(f"{entry.file}: no report ({entry.status})")
    problems, _ = problem_views(r, entry.pdf, _PictureBudget(1 << 62), page_ids=None)
    for p in problems:  # the paper states the review in each problem's heading, with its date
        p.lead.review = None
    issuer = [(k, v) for k, v in (("省", r.issuer.province), ("市", r.issuer.city), ("区", r.issuer.district),
                                  ("部门", r.issuer.department)) if v]
    facts = [("年度", f"{r.year} 年度" if r.year else "未识别"), ("报告类型", type_label(r.report_type)),
             ("文件", "、".join([entry.file, *also_named])), ("SHA-256", r.source.sha256), ("页数", f"{r.source.pages} 页")]
    if r.total_score is not None:
        facts.append(("自评得分", f"{_num(r.total_score)} 分"))
    coverage = None
    if r.coverage is not None:
        coverage = (r.coverage.checked, [(c.what, c.reason) for c in r.coverage.not_checked])
    css = static_text("report.css") + static_text("paper.css") + _palette_css()
    name = " ".join(x for x in (r.issuer.district, r.issuer.department) if x) or Path(entry.file).stem
    return Paper(title=f"审核底稿 · {name}" + (f" · {r.year} 年度" if r.year else ""), issuer=issuer, facts=facts,
                 coverage=coverage, n_checks=len(r.checks), problems=problems,
                 generated=(generated or datetime.now()).strftime("%Y-%m-%d %H:%M"), css=css,
                 csp=content_security_policy(css, None))


# ----------------------------------------------------------------------------- writing them

def write_papers(out_dir: str | Path, *, pdf: bool | None = None) -> list[Path]:
    """One paper per distinct report of the batch store in ``out_dir``, in ``OUT/审核底稿/``; with
    ``pdf`` (default: when Chromium is installed) each also printed to PDF. Returns the files written."""
    from pipeline.publish.html import entries_from_store
    from pipeline.run.store import Store

    out_dir = Path(out_dir)
    target = out_dir / PAPERS_DIR
    target.mkdir(exist_ok=True)
    browser = chromium() if pdf is not False else None
    if pdf and browser is None:
        raise FileNotFoundError("no Chromium to print the working papers to PDF (apt-get install chromium)")
    written = []
    with Store.open(out_dir, create=False) as store:
        entries = [e for e in entries_from_store(store) if e.report is not None]
        names: dict[str, list[ReportEntry]] = {}
        for e in entries:  # one paper per distinct report, naming every file that holds it
            names.setdefault(e.report.source.sha256, []).append(e)
        stems: set[str] = set()
        for same in names.values():
            first = same[0]
            path = target / (_stem(first.file, stems) + ".html")
            html = render_paper(first, also_named=[e.file for e in same[1:]])
            tmp = path.with_suffix(".html.tmp")
            tmp.write_text(html, encoding="utf-8")
            tmp.replace(path)
            written.append(path)
            if browser:
                written.append(print_pdf(path, browser))
    return written


def _stem(file: str, taken: set[str]) -> str:
    """A file name for ``file``'s paper: its stem, made safe and unique in the folder."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", Path(file).stem).strip(" .") or "report"
    name, k = stem, 2
    while name in taken:
        name, k = f"{stem}_{k}", k + 1
    taken.add(name)
    return name


def chromium() -> str | None:
    """The headless browser that prints the PDFs: $GOVAUDIT_CHROMIUM, else one on PATH."""
    named = os.environ.get("GOVAUDIT_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    return next((found for name in CHROMIUM if (found := shutil.which(name))), None)


def print_pdf(html: Path, browser: str) -> Path:
    """Print ``html`` to the PDF beside it with headless Chromium (the page's @page size: A4)."""
    pdf = html.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="govaudit-print-") as profile:
        result = subprocess.run(
            [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
             "--disable-background-networking", "--disable-component-update", f"--user-data-dir={profile}",
             "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()],
            capture_output=True, text=True, timeout=PRINT_TIMEOUT)
    if result.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"Chromium could not print {html.name}: {result.stderr.strip().splitlines()[-1:] or result.returncode}")
    return pdf
