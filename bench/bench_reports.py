"""Our own performance reports against their hand-written expected files: per report and rendering
the indicators read, the planted contradictions found, the errors outside them, the rounding traps
raised; then the totals. The figure a new report's first sight gives, and the figure after work.

Run: .venv/bin/python bench/bench_reports.py [DIR ...] [--routes rl,html]
(default: tests/data/provinces with routes rl,html; tests/data/reports with a4,html). A DIR holds
<stem>.txt sources, <stem>.expected.json files and the renderings <stem>.<route>.pdf
(samples/build.py --reports DIR --routes …).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from accuracy import compare  # noqa: E402

DEFAULTS = {"tests/data/provinces": ("rl", "html"), "tests/data/reports": ("a4", "html")}


def _rules(entry: dict) -> list[str]:
    return [entry["rule"], *entry.get("also", [])]


def measure(folder: Path, routes: tuple[str, ...]) -> dict:
    from pipeline.api import audit

    tot = dict(matched=0, expected=0, found=0, planted=0, false=0, traps=0, extra=0)
    for exp_path in sorted(folder.glob("*.expected.json")):
        stem = exp_path.name.removesuffix(".expected.json")
        exp = json.loads(exp_path.read_text(encoding="utf-8"))
        for route in routes:
            pdf = folder / f"{stem}.{route}.pdf"
            if not pdf.exists():
                print(f"{pdf.name}: not rendered (samples/build.py --reports {folder} --routes {route})")
                continue
            rep = audit(pdf)
            acc = compare(pdf, rep, expected=exp_path)
            errors = [f.rule for f in rep.findings if f.severity == "error"]
            found = [c for c in exp["planted_contradictions"] if any(e.startswith(r) for r in _rules(c) for e in errors)]
            planted = [r for c in exp["planted_contradictions"] + exp.get("consequences", []) for r in _rules(c)]
            false = [e for e in errors if not any(e.startswith(r) for r in planted)]
            traps = [t["rule"] for t in exp["rounding_traps"] if any(e.startswith(t["rule"]) for e in errors)]
            print(f"{pdf.name:28} indicators {acc.matched:3}/{acc.expected:3} ({acc.matched / max(acc.expected, 1):.2f}) "
                  f"extra {len(acc.extra):2} scores {acc.scores_matched}/{acc.scores_expected} "
                  f"contradictions {len(found)}/{len(exp['planted_contradictions'])} false errors {false} traps hit {traps}")
            if "-v" in sys.argv:
                for m in acc.missing:
                    print(f"    missing {m}")
                for m in acc.extra:
                    print(f"    extra   {m}")
                for c in exp["planted_contradictions"]:
                    if c not in found:
                        print(f"    not found {c['rule']}: {c['why'][:100]}")
            for k, v in dict(matched=acc.matched, expected=acc.expected, found=len(found), extra=len(acc.extra),
                             planted=len(exp["planted_contradictions"]), false=len(false), traps=len(traps)).items():
                tot[k] += v
    print(f"{folder}: indicators {tot['matched']}/{tot['expected']} ({tot['matched'] / max(tot['expected'], 1):.3f}), "
          f"{tot['extra']} extra; contradictions found {tot['found']}/{tot['planted']}; "
          f"errors outside the planted ones {tot['false']}; traps raised as errors {tot['traps']}")
    return tot


def main(argv: list[str]) -> int:
    routes = None
    if "--routes" in argv:
        routes = tuple(argv[argv.index("--routes") + 1].split(","))
    skip = {argv.index("--routes") + 1} if "--routes" in argv else set()
    dirs = [a for i, a in enumerate(argv) if not a.startswith("-") and i not in skip]
    for d in dirs or list(DEFAULTS):
        folder = (ROOT / d) if not Path(d).is_absolute() else Path(d)
        measure(folder, routes or DEFAULTS.get(d, ("rl", "html")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
