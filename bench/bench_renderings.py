"""Rendering sweep: the two samples printed by many more routes than tests/data/renderings holds
(LibreOffice and Chromium, three body sizes and paper sizes, table headers repeated or not), each
checked against the sample's hand-written expected file, with the error findings listed so that
they can be compared across routes. Needs soffice, chromium, python-docx (see samples/build.py).

    .venv/bin/python bench/bench_renderings.py [OUTDIR]      # default /tmp/govaudit_renderings
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "samples"), str(ROOT / "tests"), str(ROOT)]

import build as B  # noqa: E402  (samples/build.py)
from accuracy import compare  # noqa: E402

from pipeline.api import audit  # noqa: E402


def variants() -> list[B.Route]:
    out = []
    for engine in ("chromium", "lo"):
        for pt, line, top, paper in ((10, 17, 2.0, (21.0, 29.7)), (12.5, 22, 2.4, (18.2, 25.7)),
                                     (13, 24, 1.8, (21.0, 29.7))):
            for repeat in ((True, False) if engine == "chromium" else (True,)):
                geometry = dict(page_w_cm=paper[0], page_h_cm=paper[1], top_cm=top, bottom_cm=2.3,
                                left_cm=2.5, right_cm=2.5, body_pt=pt, line_pt=line, row_pt=18,
                                font=B.NOTO if engine == "lo" else B.FONT)
                out.append(B.Route(f"{engine}-{pt}pt{'' if repeat else '-bare'}", engine, geometry,
                                   repeat_header=repeat))
    return out


def main(outdir: str = "/tmp/govaudit_renderings") -> int:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="govaudit_sweep_"))
    worst = 1.0
    try:
        for rep, _seed in B.reports():
            for route in variants():
                pdf, views, _ = B.render(rep, route, work)
                dest = out / f"{rep.name}.{route.name}.pdf"
                shutil.copyfile(pdf, dest)
                report = audit(dest)
                acc = compare(dest, report, expected=ROOT / "samples" / f"{rep.name}.expected.json")
                errors = sorted(f.rule for f in report.findings if f.severity == "error")
                worst = min(worst, acc.matched / acc.expected)
                print(f"{dest.name:38} {len(views):3} pages  {acc.summary().split(': ', 1)[1]}  errors {errors}")
                for m in acc.missing + acc.extra + acc.score_diffs[:5]:
                    print("     ", m)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"lowest indicator accuracy: {worst:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
