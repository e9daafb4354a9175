"""The two second readings of a table side by side: camelot's lattice and the page image's
(pipeline/read/image_grid.py, which the check stage asks when a table check fails), on every page
of every table of the samples, their renderings, our own reports and the real corpus.

    python bench/bench_second_reading.py [NAME_PART ...]

For each table page it prints where the two disagree about our grid (same / grid_differs /
not_found / no verdict), then the tally and each reader's time (camelot's import included, as a
process that needs it pays it). What decides a check is only whether the grid differs; camelot's
"texts_differ" counts as the same grid here.
"""
from __future__ import annotations

import collections
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = Path(os.environ.get("GOVAUDIT_REAL_CORPUS", ROOT.parent / "shared" / "corpus" / "real"))
SOURCES = [ROOT / "samples", REAL, ROOT / "tests" / "data" / "renderings", ROOT / "tests" / "data" / "reports",
           ROOT / "tests" / "data" / "cross"]


def _grid(verdict, camelot: bool) -> str | None:
    if verdict is None:
        return None
    same = ("agrees", "texts_differ") if camelot else ("agrees",)
    return "same" if verdict.verdict in same else verdict.verdict


def main() -> None:
    from pipeline.read import camelot_check, image_grid
    from pipeline.read.ingest import load

    files = [p for src in SOURCES for p in sorted(src.glob("*.pdf"))]
    if len(sys.argv) > 1:
        files = [f for f in files if any(a in f.name for a in sys.argv[1:])]
    tally: collections.Counter = collections.Counter()
    spent = {"camelot": 0.0, "page_image": 0.0}
    pages = 0
    for f in files:
        doc = load(f, cross_check=False, ocr="never")
        for t in doc.tables:
            a, b = t.model_copy(deep=True), t.model_copy(deep=True)
            t0 = time.perf_counter()
            ca = {v.page: v for v in camelot_check.second_reading(str(f), a, reason="requested")}
            t1 = time.perf_counter()
            ib = {v.page: v for v in image_grid.second_reading(str(f), b, reason="requested")}
            t2 = time.perf_counter()
            spent["camelot"] += t1 - t0
            spent["page_image"] += t2 - t1
            for p in t.pages:
                pages += 1
                ga, gb = _grid(ca.get(p), True), _grid(ib.get(p), False)
                tally[(ga, gb)] += 1
                if ga != gb:
                    va, vb = ca.get(p), ib.get(p)
                    print(f"{f.name} p{p} {(t.caption or '')[:24]}: ours {vb.ours if vb else None}, "
                          f"camelot {ga} {va.other if va else None}, page image {gb} {vb.other if vb else None}")
    print(f"{len(files)} files, {pages} table pages")
    for (ga, gb), n in tally.most_common():
        print(f"  camelot {ga!s:>13} / page image {gb!s:>13}: {n}")
    print(f"time: camelot {spent['camelot']:.1f} s, page image {spent['page_image']:.1f} s "
          f"({spent['page_image'] / max(pages, 1) * 1000:.0f} ms a page, OpenCV's import included)")


if __name__ == "__main__":
    main()
