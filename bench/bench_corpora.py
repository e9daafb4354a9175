"""Errors on the real corpora, judged against the contradictions read by hand on the page
(tests/test_real_corpus.py and tests/test_cn_corpus.py TRUE_ERRORS, judged as those tests judge:
tests/conftest.py judge_errors): per file its type, year, issuer, errors (confirmed / not listed),
warnings and the table checks that abstained; then the totals.

Run: .venv/bin/python bench/bench_corpora.py [--cn | --real] [-v] [filter]
An error "not listed" is one no page reading has confirmed: the figure to bring to zero.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import judge_errors  # noqa: E402
from test_cn_corpus import CN, TRUE_ERRORS as CN_TRUE  # noqa: E402
from test_real_corpus import REAL, TRUE_ERRORS as REAL_TRUE  # noqa: E402


def _files(argv: list[str]) -> list[tuple[Path, dict]]:
    out = []
    if "--cn" not in argv:
        out += [(p, REAL_TRUE.get(p.stem.removeprefix("sh-putuo_"), {})) for p in sorted(REAL.glob("*.pdf"))]
    if "--real" not in argv:
        out += [(p, CN_TRUE.get(p.stem, {})) for p in sorted(CN.glob("*.pdf"))]
    rest = [a for a in argv if not a.startswith("-")]
    return [(p, t) for p, t in out if not rest or rest[0] in p.name]


def main(argv: list[str]) -> int:
    from pipeline.api import audit

    verbose = "-v" in argv
    totals: Counter = Counter()
    t0 = time.time()
    for path, true in _files(argv):
        r = audit(path)
        listed, other, missing = judge_errors(r, true)
        warnings = sum(f.severity == "warning" for f in r.findings)
        abstained = sum(c.outcome == "insufficient_data" and c.kind == "table_sum" for c in r.checks)
        iss = r.issuer
        who = "/".join(x or "-" for x in (iss.province, iss.city, iss.district, iss.department))
        print(f"{path.stem[:44]:44} {r.report_type[:12]:12} {r.year or '-'} {who[:40]:40} "
              f"errors {len(listed)} confirmed + {len(other)} not listed, {warnings} warnings, "
              f"{abstained} table sums abstained", flush=True)
        if verbose or other:
            for f in other:
                print(f"      not listed: {f.rule}: {f.message[:160]}")
        totals.update(files=1, true=len(listed), other=len(other), warnings=warnings, abstained=abstained,
                      missing=len(missing))
    n = totals["true"] + totals["other"]
    share = f"{totals['true'] / n:.0%}" if n else "-"
    print(f"\n{totals['files']} files: {n} errors, {totals['true']} confirmed on the page ({share}), "
          f"{totals['other']} not listed; {totals['missing']} listed contradictions not raised; "
          f"{totals['warnings']} warnings; {totals['abstained']} table sums abstained; {time.time() - t0:.0f}s")
    return 0 if not totals["other"] and not totals["missing"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
