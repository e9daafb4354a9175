"""Batch throughput: files/s and pages/s for -j 1 and -j 2 on the same folder, and the speed-up.

    python bench/bench_batch.py [DIR] [--jobs 1 2] [--repeats 3] [--big PAGES]

DIR defaults to samples/ plus ../shared/corpus/real (linked into one temporary folder). Each run
starts from an empty store, so every file is processed; exports are left out of the timing. With
``--repeats N`` every job count runs N times, interleaved (1, 2, 1, 2, ...) so that the load of a
shared machine falls on both alike; the fastest run of each counts, and the speed-up is the ratio
of the fastest runs (target: -j 2 >= 1.8 × -j 1). Bytecode is cached (outside the tree) as in a
user's install. ``--big N`` also builds an N-page PDF (the real corpus' pages repeated, needs
pypdf) and reports the peak memory of the worker that processed it and of the batch process itself.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # the workers: bytecode cached, as installed
os.environ.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "govaudit-bench-pyc"))
DEFAULT_SOURCES = [ROOT / "samples", Path(os.environ.get("GOVAUDIT_REAL_CORPUS", ROOT.parent / "shared" / "corpus" / "real"))]


def default_folder(tmp: Path) -> Path:
    folder = tmp / "in"
    for src in DEFAULT_SOURCES:
        for pdf in sorted(src.glob("*.pdf")):
            (folder / src.name).mkdir(parents=True, exist_ok=True)
            os.symlink(pdf, folder / src.name / pdf.name)
    return folder


def big_pdf(path: Path, pages: int) -> Path:
    from pypdf import PdfReader, PdfWriter

    sources = [PdfReader(p) for p in sorted(DEFAULT_SOURCES[1].glob("*.pdf"))]
    writer = PdfWriter()
    while len(writer.pages) < pages:
        for reader in sources:
            for page in reader.pages:
                if len(writer.pages) < pages:
                    writer.add_page(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        writer.write(f)
    return path


def run(folder: Path, out: Path, jobs: int, timeout: float):
    from pipeline.run.runner import batch

    s = batch(folder, out=out, jobs=jobs, timeout=timeout)
    ok_pages = sum(r["pages"] or 0 for r in s.reports)
    peak = max((r.get("peak_rss_mb") or 0 for r in s.reports), default=0)
    return s, ok_pages, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", help="folder of PDFs (default: samples/ + the real corpus)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeats", type=int, default=1, help="runs per job count, interleaved; the fastest counts")
    ap.add_argument("--big", type=int, default=0, metavar="PAGES", help="also time one PDF of this many pages")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="govaudit-bench-") as tmp:
        tmp = Path(tmp)
        folder = Path(args.dir) if args.dir else default_folder(tmp)
        print(f"folder: {folder}  ({os.cpu_count()} cores)")
        print(f"{'jobs':>4} {'files':>5} {'pages':>5} {'seconds':>8} {'files/s':>8} {'pages/s':>8} {'worker peak MB':>15}")
        best: dict[int, float] = {}
        for k in range(args.repeats):
            for jobs in args.jobs:
                s, pages, peak = run(folder, tmp / f"out-j{jobs}-{k}", jobs, args.timeout)
                best[jobs] = min(best.get(jobs, s.seconds), s.seconds)
                print(f"{jobs:>4} {s.files:>5} {pages:>5} {s.seconds:>8.1f} {s.files / s.seconds:>8.2f} "
                      f"{pages / s.seconds:>8.2f} {peak:>15.0f}", flush=True)
        if 1 in best and len(best) > 1:
            print("speed-up (fastest runs): " + ", ".join(
                f"-j {j}: {best[1] / best[j]:.2f}× -j 1" for j in sorted(best) if j != 1))
        if args.big:
            big = big_pdf(tmp / "big" / f"big_{args.big}.pdf", args.big)
            s, pages, peak = run(big.parent, tmp / "out-big", 1, args.timeout)
            parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"big PDF: {pages} pages, status {s.reports[0]['status']}, {s.seconds:.1f} s "
                  f"({pages / s.seconds:.2f} pages/s); worker peak {peak:.0f} MB, batch process peak {parent:.0f} MB")


if __name__ == "__main__":
    main()
