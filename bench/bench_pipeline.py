"""Pipeline speed per page against bare pdfplumber ``extract_text``, with accuracy beside it.

    .venv/bin/python bench/bench_pipeline.py [PDF or DIR ...] [--repeats 3] [--markdown]
                                             [--backend pdfium|pdfplumber] [--no-cross-check]

Default inputs: samples/ and ../shared/corpus/real. For every file, in the same run:

- ours: a fresh child process loads the pipeline, reads the file once to warm up (imports,
  jieba, the pattern catalog: paid once per process, reported as ``first``), then runs it
  ``--repeats`` times, timing each stage: ``text`` (reading pages, characters, lines,
  paragraphs), ``tables`` (ruling edges, table finder, cells, camelot cross-check, stitching),
  ``extract`` (metadata, indicators, scores) and ``validate``. Medians are reported.
- pdfplumber: another fresh child opens the file and runs ``page.extract_text()`` on every page,
  warm-up first, then the same number of repeats; median reported.
- peak RSS: ``ru_maxrss`` of each child (ours, and pdfplumber's for scale).
- accuracy: for files with ``<stem>.expected.json`` (the samples), ``tests/accuracy.compare`` on
  the report of the last repeat, so that a faster path that loses a field shows up here.

The ratio is ours / pdfplumber per page; the total line sums pages and times over files, and the
"median file" line is the median of the per-file ratios (the target: <= 1.0). Cold start is the
median wall time of ``govaudit --help`` in a new process.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = Path(os.environ.get("GOVAUDIT_REAL_CORPUS", ROOT.parent / "shared" / "corpus" / "real"))
DEFAULT_SOURCES = [ROOT / "samples", REAL]
STAGES = ("text", "tables", "extract", "validate")


# -- children ---------------------------------------------------------------------------------

def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_ours(pdf: str, repeats: int, backend: str | None, cross_check: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    from pipeline.api import build_report
    from pipeline.read.ingest import load
    from pipeline.check.validate import validate

    def once() -> tuple[dict, object]:
        t: dict = {}
        doc = load(pdf, cross_check=cross_check, backend=backend, timings=t)
        s = time.perf_counter()
        report = build_report(doc)
        t["extract"] = time.perf_counter() - s
        s = time.perf_counter()
        validate(report, doc)
        t["validate"] = time.perf_counter() - s
        return t, report

    s = time.perf_counter()
    _, report = once()
    first = time.perf_counter() - s
    runs = []
    for _ in range(repeats):
        t, report = once()
        runs.append(t)
    out = {stage: statistics.median(r[stage] for r in runs) for stage in STAGES}
    out["total"] = statistics.median(sum(r[s] for s in STAGES) for r in runs)
    out["first"] = first
    out["pages"] = report.source.pages
    out["rss_mb"] = _peak_rss_mb()
    expected = Path(pdf).with_name(Path(pdf).stem + ".expected.json")
    if expected.exists():
        sys.path.insert(0, str(ROOT / "tests"))
        from accuracy import compare

        acc = compare(pdf, report)
        out["accuracy"] = {
            "summary": acc.summary(),
            "matched": acc.matched, "expected": acc.expected, "extra": len(acc.extra),
            "field_errors": len(acc.field_errors), "score_diffs": len(acc.score_diffs),
            "mention_errors": len(getattr(acc, "mention_errors", [])),
            "perfect": acc.perfect,
        }
    return out


def child_plumber(pdf: str, repeats: int) -> dict:
    import pdfplumber

    def once() -> float:
        s = time.perf_counter()
        with pdfplumber.open(pdf) as doc:
            for page in doc.pages:
                page.extract_text()
        return time.perf_counter() - s

    once()  # warm-up: imports, caches
    times = [once() for _ in range(repeats)]
    return {"total": statistics.median(times), "rss_mb": _peak_rss_mb()}


def _run_child(args: list[str]) -> dict:
    res = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def cold_start(repeats: int = 5) -> float:
    exe = Path(sys.executable).with_name("govaudit")
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "pipeline", "--help"]
    times = []
    for _ in range(repeats):
        s = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - s)
    return statistics.median(times)


# -- report -----------------------------------------------------------------------------------

def inputs(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths or DEFAULT_SOURCES):
        found += sorted(p.glob("*.pdf")) if p.is_dir() else [p]
    return found


def _acc_cell(r: dict) -> str:
    a = r.get("accuracy")
    if not a:
        return "–"
    text = f"{a['matched']}/{a['expected']}"
    if a["extra"]:
        text += f" +{a['extra']} extra"
    bad = a["field_errors"] + a["score_diffs"] + a["mention_errors"]
    text += ", all fields" if not bad else f", {bad} field diffs"
    return text


def rows(results: list[tuple[Path, dict, dict]]):
    out = []
    for pdf, ours, ref in results:
        n = ours["pages"]
        per = {s: ours[s] / n * 1000 for s in STAGES}
        out.append({
            "file": pdf.name, "pages": n, **per, "ours": ours["total"] / n * 1000,
            "pdfplumber": ref["total"] / n * 1000, "ratio": ours["total"] / ref["total"],
            "rss": ours["rss_mb"], "rss_ref": ref["rss_mb"], "first": ours["first"],
            "accuracy": _acc_cell(ours),
        })
    return out


def render(table: list[dict], cold: float, repeats: int, markdown: bool, backend: str) -> str:
    pages = sum(r["pages"] for r in table)
    tot = {s: sum(r[s] * r["pages"] for r in table) / pages for s in (*STAGES, "ours", "pdfplumber")}
    total_ratio = tot["ours"] / tot["pdfplumber"]
    median_ratio = statistics.median(r["ratio"] for r in table)
    head = ["file", "pages", "text", "tables", "extract", "validate", "ours", "pdfplumber",
            "ratio", "peak RSS", "accuracy"]
    lines = []

    def fmt(r: dict) -> list[str]:
        return [r["file"], str(r["pages"]), *(f"{r[s]:.1f}" for s in STAGES), f"{r['ours']:.1f}",
                f"{r['pdfplumber']:.1f}", f"{r['ratio']:.2f}",
                f"{r['rss']:.0f} MB ({r['rss_ref']:.0f})", r["accuracy"]]

    body = [fmt(r) for r in table]
    total = ["**total**" if markdown else "TOTAL", str(pages), *(f"{tot[s]:.1f}" for s in STAGES),
             f"{tot['ours']:.1f}", f"{tot['pdfplumber']:.1f}", f"{total_ratio:.2f}",
             f"{max(r['rss'] for r in table):.0f} MB ({max(r['rss_ref'] for r in table):.0f})", ""]
    med = ["**median file**" if markdown else "MEDIAN FILE", "", "", "", "", "", "", "",
           f"{median_ratio:.2f}", "", ""]
    note = (f"ms per page, median of {repeats} warm runs per file in a fresh process; backend {backend}; "
            f"ratio = ours / pdfplumber `extract_text` on the same file in the same run; peak RSS of our "
            f"process (of the pdfplumber process in brackets); accuracy = tests/accuracy.py on the "
            f"samples (indicator mentions matched/expected). Once per process: "
            f"{statistics.median(r['first'] for r in table) - statistics.median(r['ours'] * r['pages'] / 1000 for r in table):.2f} s "
            f"(imports, jieba, patterns). Cold start `govaudit --help`: {cold:.2f} s.")
    if markdown:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * 9 + ["---"]) + "|")
        for r in [*body, total, med]:
            lines.append("| " + " | ".join(r) + " |")
        lines.append("")
        lines.append(note)
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body, total, med)]
        for r in [head, *body, total, med]:
            lines.append("  ".join(str(x).ljust(w) if i in (0, 10) else str(x).rjust(w)
                                   for i, (x, w) in enumerate(zip(r, widths))))
        lines.append("")
        lines.append(note)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help="PDFs or folders (default: samples/ and the real corpus)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--markdown", action="store_true", help="print a markdown table (for the README)")
    ap.add_argument("--backend", choices=["pdfium", "pdfplumber"], default=None)
    ap.add_argument("--no-cross-check", action="store_true", help="skip the camelot cross-check")
    ap.add_argument("--json", metavar="FILE", help="also write the raw measurements here")
    ap.add_argument("--child", choices=["ours", "pdfplumber"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        pdf = args.paths[0]
        data = child_ours(pdf, args.repeats, args.backend, not args.no_cross_check) if args.child == "ours" \
            else child_plumber(pdf, args.repeats)
        print(json.dumps(data))
        return 0

    files = inputs(args.paths)
    if not files:
        print("no PDFs found", file=sys.stderr)
        return 2
    opts = ["--repeats", str(args.repeats)]
    if args.backend:
        opts += ["--backend", args.backend]
    if args.no_cross_check:
        opts.append("--no-cross-check")
    results = []
    for pdf in files:
        ref = _run_child(["--child", "pdfplumber", str(pdf), "--repeats", str(args.repeats)])
        ours = _run_child(["--child", "ours", str(pdf), *opts])
        results.append((pdf, ours, ref))
        print(f"  {pdf.name}: {ours['total'] / ref['total']:.2f}", file=sys.stderr, flush=True)
    cold = cold_start()
    table = rows(results)
    from pipeline.read.backends import backend_name  # noqa: E402 (after the children: keep this light)

    print(render(table, cold, args.repeats, args.markdown, backend_name(args.backend)))
    if args.json:
        Path(args.json).write_text(json.dumps({"files": table, "cold_start_s": cold}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
