"""Pipeline speed per page against bare pdfplumber ``extract_text`` and bare pypdfium2 text, with
accuracy beside it.

    .venv/bin/python bench/bench_pipeline.py [PDF or DIR ...] [--repeats 3] [--stat median|min] [--markdown]
                                             [--backend pdfium|pdfplumber] [--cross-check auto|all|off]
                                             [--cli PDF] [--json FILE]

Default inputs: samples/ and ../shared/corpus/real. For every file, in the same run:

- ours: a fresh child process loads the pipeline, reads the file once to warm up (imports,
  jieba, the pattern catalog: paid once per process, reported as ``first``), then runs it
  ``--repeats`` times, timing each stage: ``text`` (reading pages, characters, lines,
  paragraphs), ``tables`` (ruling edges, table finder, cells, camelot cross-check, stitching),
  ``extract`` (metadata, indicators, scores) and ``validate``. Medians are reported.
- pdfplumber: another fresh child opens the file and runs ``page.extract_text()`` on every page,
  warm-up first, then the same number of repeats; median reported.
- pypdfium2: a third child reads every page's text with pypdfium2 (``get_text_range``): the
  floor for reading a text layer.
- peak RSS: ``ru_maxrss`` of each child (ours, and pdfplumber's for scale).
- first result: seconds from our child's start (before any import) to its first report: imports,
  the jieba dictionary, the catalog and one run.
- accuracy: for files with ``<stem>.expected.json`` (the samples), ``tests/accuracy.compare`` on
  the report of the last repeat, so that a faster path that loses a field shows up here.

The ratio is ours / pdfplumber per page; the total line sums pages and times over files, and the
"median file" line is the median of the per-file ratios (the target: <= 0.25). Cold start is the
median wall time of ``govaudit --help`` in a new process; ``--cli PDF`` (default the 盐田 sample)
adds the median wall time and peak RSS of ``govaudit audit PDF`` over 5 fresh processes.
"""
from __future__ import annotations

import time

_START = time.perf_counter()  # a child's start (before the stdlib below), for its time to first result

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REAL = Path(os.environ.get("GOVAUDIT_REAL_CORPUS", ROOT.parent / "shared" / "corpus" / "real"))
DEFAULT_SOURCES = [ROOT / "samples", REAL]
STAGES = ("text", "tables", "extract", "validate")


# -- children ---------------------------------------------------------------------------------

def _peak_rss_mb() -> float:
    """This process's peak RSS: /proc's VmHWM where there is one (ru_maxrss also counts what the
    parent held when it forked this process: Linux keeps it across exec)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_ours(pdf: str, repeats: int, backend: str | None, cross_check: bool | str, pick=statistics.median) -> dict:
    sys.path.insert(0, str(ROOT))
    from pipeline.api import build_report
    from pipeline.read.ingest import load
    from pipeline.check.validate import validate

    docs: list = []

    def once() -> tuple[dict, object]:
        t: dict = {}
        cpu = time.process_time()
        doc = load(pdf, cross_check=cross_check, backend=backend, timings=t)
        docs[:] = [doc]
        s = time.perf_counter()
        report = build_report(doc)
        t["extract"] = time.perf_counter() - s
        s = time.perf_counter()
        validate(report, doc)
        t["validate"] = time.perf_counter() - s
        t["cpu"] = time.process_time() - cpu
        return t, report

    _, report = once()
    first = time.perf_counter() - _START
    runs = []
    for _ in range(repeats):
        t, report = once()
        runs.append(t)
    out = {stage: pick(r[stage] for r in runs) for stage in STAGES}
    out["total"] = pick(sum(r[s] for s in STAGES) for r in runs)
    out["cpu"] = pick(r["cpu"] for r in runs)
    out["first"] = first
    out["pages"] = report.source.pages
    out["rss_mb"] = _peak_rss_mb()
    out["ocr_pages"] = len(docs[0].source.ocr_pages)
    out["ocr_notes"] = [n for n in docs[0].notes if n.startswith("OCR")]
    out["ocr_loaded"] = "onnxruntime" in sys.modules  # the OCR models were loaded for this file
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


def _timed(fn, repeats: int, pick) -> dict:
    """``fn`` once to warm up (imports, caches), then ``repeats`` times: wall and CPU seconds."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        s, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - s)
        cpu.append(time.process_time() - c)
    return {"total": pick(wall), "cpu": pick(cpu), "rss_mb": _peak_rss_mb()}


def child_plumber(pdf: str, repeats: int, pick=statistics.median) -> dict:
    import pdfplumber

    def once() -> None:
        with pdfplumber.open(pdf) as doc:
            for page in doc.pages:
                page.extract_text()

    return _timed(once, repeats, pick)


def child_pdfium(pdf: str, repeats: int, pick=statistics.median) -> dict:
    import pypdfium2 as pdfium

    def once() -> None:
        doc = pdfium.PdfDocument(pdf)
        for page in doc:
            page.get_textpage().get_text_range()
        doc.close()

    return _timed(once, repeats, pick)


def child_env() -> dict:
    """The environment of every process timed here: bytecode cached as a user's install has it
    (a PYTHONDONTWRITEBYTECODE set by a sandbox would make each process compile every module:
    ~0.3 s), kept out of the working tree."""
    import tempfile

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "govaudit-bench-pyc"))
    return env


def _run_child(args: list[str]) -> dict:
    res = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT,
                         env=child_env())
    if res.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def cold_start(repeats: int = 5) -> float:
    exe = Path(sys.executable).with_name("govaudit")
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "pipeline", "--help"]
    times = []
    subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT, env=child_env())  # bytecode written
    for _ in range(repeats):
        s = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT, env=child_env())
        times.append(time.perf_counter() - s)
    return statistics.median(times)


def cli_audit(pdf: Path, repeats: int = 5) -> dict:
    """``govaudit audit PDF`` in fresh processes (after one that writes the bytecode and the jieba
    cache): median wall time and peak RSS (os.wait4: the process and the child it forks)."""
    exe = Path(sys.executable).with_name("govaudit")
    cmd = [str(exe), "audit", str(pdf)] if exe.exists() else [sys.executable, "-m", "pipeline", "audit", str(pdf)]
    times, rss = [], []
    subprocess.run(cmd, capture_output=True, cwd=ROOT, env=child_env())  # bytecode, jieba's cache
    for _ in range(repeats):
        s = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                                env=child_env())
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - s)
        rss.append(usage.ru_maxrss / 1024)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}")
    return {"file": pdf.name, "wall_s": statistics.median(times), "min_s": min(times),
            "rss_mb": statistics.median(rss), "runs": times}


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


def rows(results: list[tuple[Path, dict, dict, dict]]):
    out = []
    for pdf, ours, ref, floor in results:
        n = ours["pages"]
        per = {s: ours[s] / n * 1000 for s in STAGES}
        out.append({
            "file": pdf.name, "pages": n, **per, "ours": ours["total"] / n * 1000,
            "pypdfium2": floor["total"] / n * 1000, "pdfplumber": ref["total"] / n * 1000,
            "ratio": ours["total"] / ref["total"], "cpu_ratio": ours["cpu"] / ref["cpu"],
            "rss": ours["rss_mb"], "rss_ref": ref["rss_mb"],
            "first": ours["first"], "accuracy": _acc_cell(ours),
        })
    return out


def render(table: list[dict], cold: float, repeats: int, markdown: bool, backend: str,
           cli: dict | None = None, stat: str = "median") -> str:
    pages = sum(r["pages"] for r in table)
    tot = {s: sum(r[s] * r["pages"] for r in table) / pages for s in (*STAGES, "ours", "pypdfium2", "pdfplumber")}
    total_ratio = tot["ours"] / tot["pdfplumber"]
    median_ratio = statistics.median(r["ratio"] for r in table)
    median_cpu = statistics.median(r["cpu_ratio"] for r in table)
    total_cpu = sum(r["cpu_ratio"] * r["pdfplumber"] * r["pages"] for r in table) / (tot["pdfplumber"] * pages)
    head = ["file", "pages", "text", "tables", "extract", "validate", "ours", "pypdfium2", "pdfplumber",
            "ratio", "CPU ratio", "peak RSS", "first result", "accuracy"]
    lines = []

    def fmt(r: dict) -> list[str]:
        return [r["file"], str(r["pages"]), *(f"{r[s]:.1f}" for s in STAGES), f"{r['ours']:.1f}",
                f"{r['pypdfium2']:.1f}", f"{r['pdfplumber']:.1f}", f"{r['ratio']:.2f}", f"{r['cpu_ratio']:.2f}",
                f"{r['rss']:.0f} MB ({r['rss_ref']:.0f})", f"{r['first']:.2f} s", r["accuracy"]]

    body = [fmt(r) for r in table]
    total = ["**total**" if markdown else "TOTAL", str(pages), *(f"{tot[s]:.1f}" for s in STAGES),
             f"{tot['ours']:.1f}", f"{tot['pypdfium2']:.1f}", f"{tot['pdfplumber']:.1f}", f"{total_ratio:.2f}",
             f"{total_cpu:.2f}",
             f"{max(r['rss'] for r in table):.0f} MB ({max(r['rss_ref'] for r in table):.0f})",
             f"{statistics.median(r['first'] for r in table):.2f} s", ""]
    med = ["**median file**" if markdown else "MEDIAN FILE", *[""] * 8, f"{median_ratio:.2f}", f"{median_cpu:.2f}",
           "", "", ""]
    note = (f"ms per page (wall), {stat} of {repeats} warm runs per file in a fresh process; backend {backend}; "
            f"pypdfium2 = bare text of every page (the floor); ratio = ours / pdfplumber `extract_text` on the "
            f"same file in the same run (wall time; CPU ratio: CPU time, which other load on the machine "
            f"disturbs less); peak RSS of our process (of the pdfplumber process in brackets); "
            f"first result = from the process's start to its first report (imports, jieba, patterns, one "
            f"run); accuracy = tests/accuracy.py on the samples (indicator mentions matched/expected). "
            f"Cold start `govaudit --help`: {cold:.2f} s.")
    if cli:
        note += (f" `govaudit audit {cli['file']}`: {cli['wall_s']:.2f} s wall (median of "
                 f"{len(cli['runs'])} fresh processes, fastest {cli['min_s']:.2f} s), peak RSS {cli['rss_mb']:.0f} MB.")
    if markdown:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 2) + ["---"]) + "|")
        for r in [*body, total, med]:
            lines.append("| " + " | ".join(r) + " |")
        lines.append("")
        lines.append(note)
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body, total, med)]
        for r in [head, *body, total, med]:
            lines.append("  ".join(str(x).ljust(w) if i in (0, len(head) - 1) else str(x).rjust(w)
                                   for i, (x, w) in enumerate(zip(r, widths))))
        lines.append("")
        lines.append(note)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help="PDFs or folders (default: samples/ and the real corpus)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--stat", choices=["median", "min"], default="median",
                    help="of the warm runs in each process (min: the least disturbed by other load)")
    ap.add_argument("--markdown", action="store_true", help="print a markdown table (for the README)")
    ap.add_argument("--backend", choices=["pdfium", "pdfplumber"], default=None)
    ap.add_argument("--cross-check", choices=["auto", "all", "off"], default="auto",
                    help="camelot: where it adds information (default), on every page whose rules "
                         "can hold a grid, or never")
    ap.add_argument("--cli", metavar="PDF", default=str(ROOT / "samples" / "yantian_2023.pdf"),
                    help="also time `govaudit audit PDF` in 5 fresh processes ('' to skip)")
    ap.add_argument("--json", metavar="FILE", help="also write the raw measurements here")
    ap.add_argument("--child", choices=["ours", "pdfplumber", "pypdfium2"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        pdf = args.paths[0]
        cross = {"auto": True, "all": "all", "off": False}[args.cross_check]
        pick = min if args.stat == "min" else statistics.median
        data = child_ours(pdf, args.repeats, args.backend, cross, pick) if args.child == "ours" \
            else child_plumber(pdf, args.repeats, pick) if args.child == "pdfplumber" \
            else child_pdfium(pdf, args.repeats, pick)
        print(json.dumps(data))
        return 0

    files = inputs(args.paths)
    if not files:
        print("no PDFs found", file=sys.stderr)
        return 2
    opts = ["--repeats", str(args.repeats), "--stat", args.stat]
    if args.backend:
        opts += ["--backend", args.backend]
    opts += ["--cross-check", args.cross_check]
    results = []
    for pdf in files:
        ref = _run_child(["--child", "pdfplumber", str(pdf), *opts])
        ours = _run_child(["--child", "ours", str(pdf), *opts])
        floor = _run_child(["--child", "pypdfium2", str(pdf), *opts])
        results.append((pdf, ours, ref, floor))
        print(f"  {pdf.name}: {ours['total'] / ref['total']:.2f}", file=sys.stderr, flush=True)
    cold = cold_start()
    cli = cli_audit(Path(args.cli)) if args.cli else None
    table = rows(results)
    from pipeline.read.backends import backend_name  # noqa: E402 (after the children: keep this light)

    print(render(table, cold, args.repeats, args.markdown, backend_name(args.backend), cli, args.stat))
    if args.json:
        Path(args.json).write_text(json.dumps({"files": table, "cold_start_s": cold, "cli_audit": cli}, indent=2),
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
