"""Every mutation of tests/test_mutations.py (edited real 预算/决算 PDFs): the share found, and any new
error that is not about the edit, for the Putuo set (../shared/corpus/real) and the cn set
(../shared/corpus/cn, twelve cities; GOVAUDIT_CN_CORPUS overrides the folder).
Run: .venv/bin/python bench/bench_mutations.py [-v] [--cn | --putuo] [--open] [filter]
--open also runs CN_OPEN (edits the pipeline misses today, reported; not in the exit code)."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_mutations import CN_MUTATIONS, CN_OPEN, MUTATIONS, run  # noqa: E402


def _run_set(name: str, chosen: list, verbose: bool, workdir: Path) -> tuple[int, int, int]:
    """Runs one set, prints a line per mutation and the set's figures; (found, clean, total)."""
    found = clean = 0
    t0 = time.time()
    print(f"== {name}")
    for m in chosen:
        try:
            ok, hits, unrelated = run(m, workdir)
        except ValueError as e:  # the edit itself could not be made (context, glyph)
            ok, hits, unrelated = False, [f"not applied: {e}"], []
        found += ok
        clean += not unrelated
        mark = "found" if ok else "MISSED"
        print(f"{mark:6} {'' if not unrelated else 'UNRELATED '}{m.id}  ({m.what})", flush=True)
        if verbose or not ok or unrelated:
            for h in hits + [f"unrelated: {u}" for u in unrelated]:
                print("        ", h[:200])
    n = len(chosen)
    files = len({m.file for m in chosen})
    if n:
        print(f"{name}: {found}/{n} mutations found ({found / n:.1%}) over {files} files; "
              f"{n - clean} with an unrelated new error; {time.time() - t0:.0f}s\n")
    return found, clean, n


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    only_cn, only_putuo, with_open = "--cn" in argv, "--putuo" in argv, "--open" in argv
    rest = [a for a in argv if a not in ("-v", "--cn", "--putuo", "--open")]
    sets = []
    if not only_cn:
        sets.append(("putuo", MUTATIONS))
    if not only_putuo:
        sets.append(("cn", CN_MUTATIONS))
    results, opened = [], None
    with tempfile.TemporaryDirectory() as d:
        for name, ms in sets:
            chosen = [m for m in ms if not rest or rest[0] in m.id]
            results.append((name, *_run_set(name, chosen, verbose, Path(d))))
        if with_open:
            chosen = [m for m in CN_OPEN if not rest or rest[0] in m.id]
            opened = _run_set("cn open (known misses)", chosen, verbose, Path(d))
    summary = [f"{name} {found}/{n} found, {n - clean} unrelated" for name, found, clean, n in results]
    if opened:
        summary.append(f"open {opened[0]}/{opened[2]} found now")
    print("; ".join(summary))
    return 0 if all(found == n and clean == n for _, found, clean, n in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
