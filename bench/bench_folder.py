"""Real download folders: speed and memory per file against bare pdfplumber and pypdfium2, then the
batch throughput of the same files with 1 and 2 workers, in one run.

    .venv/bin/python bench/bench_folder.py [DIR ...] [--repeats 3] [--stat min|median] [--batch-repeats 2]
                                           [--markdown] [--json FILE] [--no-batch]

DIRs default to ../shared/corpus/real and ../shared/corpus/cn (43 real files: the Putuo reports and
32 budgets of twelve other cities as published; never copied into the project). For every file, in
the same run and each in a fresh process (bench_pipeline.py's children): ours (`load`, extraction,
validation: what `govaudit audit` does), bare pdfplumber `extract_text` on every page and bare
pypdfium2 text (the floor), warm-up first, then ``--repeats`` runs, ``--stat`` of them. Printed:
ms per page, the ratio to pdfplumber per file (wall and CPU), peak RSS of our process, and what OCR
did (pages read, pictures skipped: the notes); then the total (pages and times summed) and the
median file. Then `govaudit batch`'s processing (``pipeline.run.runner.batch``, what the command
runs before writing its exports) over the same files (symlinked into one folder) with ``-j 1`` and
``-j 2``, alternated ``--batch-repeats`` times, each from an empty store: pages/s of the fastest
run, the speed-up, and the peak RSS of the workers (per file as the store records it: a worker's
high-water mark when it finished that file). The load average (``uptime``) is printed before and
after: on a shared machine read the CPU ratio and the fastest runs.

Targets (issue 26): median file <= 0.25x pdfplumber, total <= 0.3x, no text-layer file over 200 MB,
-j 2 >= 1.8x -j 1.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # the workers: bytecode cached, as installed
os.environ.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "govaudit-bench-pyc"))

import bench_pipeline as bp  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_DIRS = [Path(os.environ.get("GOVAUDIT_REAL_CORPUS", CORPUS / "real")), CORPUS / "cn"]
RSS_TARGET_MB = 200


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def measure_files(files: list[Path], repeats: int, stat: str) -> list[dict]:
    opts = ["--repeats", str(repeats), "--stat", stat, "--cross-check", "auto"]
    out = []
    for pdf in files:
        ref = bp._run_child(["--child", "pdfplumber", str(pdf), *opts])
        ours = bp._run_child(["--child", "ours", str(pdf), *opts])
        floor = bp._run_child(["--child", "pypdfium2", str(pdf), *opts])
        n = ours["pages"]
        row = {"file": pdf.name, "pages": n, "ours": ours["total"] / n * 1000, "pypdfium2": floor["total"] / n * 1000,
               "pdfplumber": ref["total"] / n * 1000, "ratio": ours["total"] / ref["total"],
               "cpu_ratio": ours["cpu"] / ref["cpu"], "ours_cpu": ours["cpu"], "ref_cpu": ref["cpu"],
               "rss": ours["rss_mb"], "rss_ref": ref["rss_mb"], "ocr_pages": ours.get("ocr_pages", 0),
               "ocr_notes": ours.get("ocr_notes", []), "ocr_loaded": ours.get("ocr_loaded", False)}
        out.append(row)
        print(f"  {pdf.name}: {row['ratio']:.2f} (CPU {row['cpu_ratio']:.2f}), {row['rss']:.0f} MB", file=sys.stderr,
              flush=True)
    return out


def summary(rows: list[dict]) -> dict:
    pages = sum(r["pages"] for r in rows)
    ours = sum(r["ours"] * r["pages"] for r in rows)
    ref = sum(r["pdfplumber"] * r["pages"] for r in rows)
    floor = sum(r["pypdfium2"] * r["pages"] for r in rows)
    text_rss = [r["rss"] for r in rows if not r["ocr_pages"]]
    return {"files": len(rows), "pages": pages, "ours_ms": ours / pages, "pdfplumber_ms": ref / pages,
            "pypdfium2_ms": floor / pages, "total_ratio": ours / ref,
            "total_cpu_ratio": sum(r["ours_cpu"] for r in rows) / sum(r["ref_cpu"] for r in rows),
            "median_ratio": statistics.median(r["ratio"] for r in rows),
            "median_cpu_ratio": statistics.median(r["cpu_ratio"] for r in rows),
            "max_rss_text_layer": max(text_rss, default=0.0),
            "over_rss_target": [r["file"] for r in rows if not r["ocr_pages"] and r["rss"] > RSS_TARGET_MB],
            "ocr_loaded": [r["file"] for r in rows if r["ocr_loaded"]]}


def link_folder(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for pdf in files:
        target = folder / pdf.parent.name / pdf.name
        target.parent.mkdir(exist_ok=True)
        os.symlink(pdf, target)
    return folder


def measure_batch(folder: Path, tmp: Path, repeats: int, jobs=(1, 2)) -> dict:
    from pipeline.run.runner import batch

    runs: dict[int, list[dict]] = {j: [] for j in jobs}
    for k in range(repeats):
        for j in jobs:
            s = batch(folder, out=tmp / f"out-j{j}-{k}", jobs=j, timeout=600)
            peaks = [r.get("peak_rss_mb") or 0 for r in s.reports]
            run = {"seconds": s.seconds, "files": s.files, "pages": s.pages, "ok": s.ok, "ocr_pages": s.ocr_pages,
                   "worker_peak_max": max(peaks, default=0), "worker_peak_median": statistics.median(peaks) if peaks else 0,
                   "load": load_average()}
            runs[j].append(run)
            print(f"  batch -j {j}: {s.seconds:.1f} s, {s.pages / s.seconds:.0f} pages/s, worker peak "
                  f"{run['worker_peak_max']:.0f} MB (load {run['load']})", file=sys.stderr, flush=True)
    best = {j: min(runs[j], key=lambda r: r["seconds"]) for j in jobs}
    return {"runs": runs, "best": best,
            "speedup": best[1]["seconds"] / best[2]["seconds"] if 1 in best and 2 in best else None}


def render(rows: list[dict], tot: dict, bat: dict | None, args, loads: tuple[str, str], markdown: bool) -> str:
    head = ["file", "pages", "ours", "pypdfium2", "pdfplumber", "ratio", "CPU ratio", "peak RSS", "OCR"]

    def ocr_cell(r):
        bits = []
        if r["ocr_pages"]:
            bits.append(f"{r['ocr_pages']} page(s) read")
        bits += [n.removeprefix("OCR: ") for n in r["ocr_notes"] if "skipped" in n]
        return "; ".join(bits) or "–"

    body = [[r["file"], str(r["pages"]), f"{r['ours']:.1f}", f"{r['pypdfium2']:.1f}", f"{r['pdfplumber']:.1f}",
             f"{r['ratio']:.2f}", f"{r['cpu_ratio']:.2f}", f"{r['rss']:.0f} MB", ocr_cell(r)] for r in rows]
    total = ["**total**" if markdown else "TOTAL", str(tot["pages"]), f"{tot['ours_ms']:.1f}", f"{tot['pypdfium2_ms']:.1f}",
             f"{tot['pdfplumber_ms']:.1f}", f"{tot['total_ratio']:.2f}", f"{tot['total_cpu_ratio']:.2f}",
             f"max {tot['max_rss_text_layer']:.0f} MB", ""]
    med = ["**median file**" if markdown else "MEDIAN FILE", "", "", "", "", f"{tot['median_ratio']:.2f}",
           f"{tot['median_cpu_ratio']:.2f}", "", ""]
    lines = []
    if markdown:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 2) + ["---"]) + "|")
        lines += ["| " + " | ".join(r) + " |" for r in [*body, total, med]]
    else:
        widths = [max(len(x) for x in col) for col in zip(head, *body, total, med)]
        for r in [head, *body, total, med]:
            lines.append("  ".join(x.ljust(w) if i in (0, len(head) - 1) else x.rjust(w)
                                   for i, (x, w) in enumerate(zip(r, widths))))
    lines.append("")
    lines.append(f"ms per page (wall), {args.stat} of {args.repeats} warm runs per file in a fresh process; ratio = "
                 f"ours / pdfplumber on the same file in the same run (CPU ratio: CPU time); peak RSS of our process; "
                 f"load average {loads[0]} before, {loads[1]} after. Median file {tot['median_ratio']:.2f}x "
                 f"(CPU {tot['median_cpu_ratio']:.2f}), total {tot['total_ratio']:.2f}x (CPU {tot['total_cpu_ratio']:.2f}); "
                 f"text-layer files over {RSS_TARGET_MB} MB: {len(tot['over_rss_target'])}"
                 + (f" ({', '.join(tot['over_rss_target'])})" if tot["over_rss_target"] else "")
                 + f"; files that loaded the OCR models: {len(tot['ocr_loaded'])}.")
    if bat:
        lines.append("")
        bh = ["jobs", "files", "pages", "seconds (runs)", "pages/s (fastest)", "worker peak MB (max / median)"]
        brows = []
        for j, best in bat["best"].items():
            secs = [r["seconds"] for r in bat["runs"][j]]
            brows.append([str(j), str(best["files"]), str(best["pages"]),
                          "–".join(f"{x:.1f}" for x in (min(secs), max(secs))) if len(secs) > 1 else f"{secs[0]:.1f}",
                          f"{best['pages'] / best['seconds']:.0f}",
                          f"{best['worker_peak_max']:.0f} / {best['worker_peak_median']:.0f}"])
        if markdown:
            lines.append("| " + " | ".join(bh) + " |")
            lines.append("|" + "|".join(["---:"] * len(bh)) + "|")
            lines += ["| " + " | ".join(r) + " |" for r in brows]
        else:
            widths = [max(len(x) for x in col) for col in zip(bh, *brows)]
            lines += ["  ".join(x.rjust(w) for x, w in zip(r, widths)) for r in [bh, *brows]]
        if bat["speedup"]:
            lines.append("")
            lines.append(f"`govaudit batch` processing (exports not timed), {args.batch_repeats} run(s) per job count "
                         f"alternated, each from an empty store: -j 2 = {bat['speedup']:.2f}x -j 1 (fastest runs).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="*", help="folders of PDFs (default: ../shared/corpus/real and ../shared/corpus/cn)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--stat", choices=["median", "min"], default="min")
    ap.add_argument("--batch-repeats", type=int, default=2)
    ap.add_argument("--no-batch", action="store_true")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args(argv)

    files = []
    for d in map(Path, args.dirs or DEFAULT_DIRS):
        files += sorted(d.glob("*.pdf")) if d.is_dir() else [d]
    if not files:
        print("no PDFs found", file=sys.stderr)
        return 2
    before = load_average()
    print(f"{len(files)} files, {os.cpu_count()} cores, load average {before}", file=sys.stderr)
    t0 = time.perf_counter()
    rows = measure_files(files, args.repeats, args.stat)
    tot = summary(rows)
    bat = None
    if not args.no_batch:
        with tempfile.TemporaryDirectory(prefix="govaudit-folder-") as tmp:
            folder = link_folder(files, Path(tmp) / "in")
            bat = measure_batch(folder, Path(tmp), args.batch_repeats)
    after = load_average()
    print(render(rows, tot, bat, args, (before, after), args.markdown))
    print(f"\n(bench took {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps({"files": rows, "total": tot, "batch": bat, "load": [before, after]},
                                              indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
