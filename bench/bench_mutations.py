"""Every mutation of tests/test_mutations.py (edited real 预算/决算 PDFs): the share found, and any new
error that is not about the edit. Run: .venv/bin/python bench/bench_mutations.py [-v] [filter]"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_mutations import MUTATIONS, run  # noqa: E402


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    rest = [a for a in argv if a != "-v"]
    chosen = [m for m in MUTATIONS if not rest or rest[0] in m.id]
    found = clean = 0
    t0 = time.time()
    with tempfile.TemporaryDirectory() as d:
        for m in chosen:
            ok, hits, unrelated = run(m, Path(d))
            found += ok
            clean += not unrelated
            mark = "found" if ok else "MISSED"
            print(f"{mark:6} {'' if not unrelated else 'UNRELATED '}{m.id}  ({m.what})")
            if verbose or not ok or unrelated:
                for h in hits + [f"unrelated: {u}" for u in unrelated]:
                    print("        ", h[:200])
    n = len(chosen)
    files = len({m.file for m in chosen})
    print(f"\n{found}/{n} mutations found ({found / n:.1%}) over {files} files; "
          f"{n - clean} with an unrelated new error; {time.time() - t0:.0f}s")
    return 0 if found == n and clean == n else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
