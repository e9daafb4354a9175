from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
REAL = Path(os.environ.get("GOVAUDIT_REAL_CORPUS", ROOT.parent / "shared" / "corpus" / "real"))

YANTIAN = SAMPLES / "yantian_2023.pdf"
LONGHUA = SAMPLES / "longhua_2019.pdf"
REAL_FILES = {
    "caizhengju": REAL / "sh-putuo_caizhengju_2024_bumen-juesuan.pdf",
    "shehuigongzuobu": REAL / "sh-putuo_shehuigongzuobu_2024_bumen-juesuan.pdf",
    "wanlijiedao": REAL / "sh-putuo_wanlijiedao_2023_bumen-yusuan.pdf",
    "shangwuwei": REAL / "sh-putuo_shangwuwei_2025_bumen-yusuan.pdf",
}


def require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"test input missing: {path}")
    return path


@lru_cache(maxsize=None)
def document(path: str):
    from pipeline.read.ingest import load
    return load(require(Path(path)))


@lru_cache(maxsize=None)
def report(path: str):
    from pipeline.api import audit
    return audit(require(Path(path)))


def run_cli(*args: str, cwd: Path | None = None):
    import subprocess
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=600)


@pytest.fixture(scope="session")
def own_reports(tmp_path_factory):
    """tests/data/cross/*.txt (our own reports of one department, issue 17) rendered to PDF with
    headless Chromium, once a session: the cross-report checks and the report's cross section."""
    from textpdf import chromium, render

    if chromium() is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    folder = tmp_path_factory.mktemp("cross_pdfs")
    for txt in sorted((ROOT / "tests" / "data" / "cross").glob("*.txt")):
        render(txt.read_text(encoding="utf-8"), folder / f"{txt.stem}.pdf")
    return folder


def yantian_store(tmp_path: Path, names: tuple[str, str], missing_message: str):
    """An open store (use it in ``with``) holding the yantian sample's report under two file names
    (the sample and a copy of it) and a file that was gone before it was read. Returns (store, report)."""
    import shutil

    from pipeline.run.store import Store

    r = report(str(YANTIAN))
    sha = r.source.sha256
    copy = tmp_path / Path(names[1]).name
    shutil.copy(YANTIAN, copy)
    store = Store.open(tmp_path / "out")
    store.record({"sha256": sha, "status": "ok", "message": "", "report_json": r.model_dump_json()},
                 [{"path": str(YANTIAN), "file": names[0], "sha256": sha, "size": 1},
                  {"path": str(copy), "file": names[1], "sha256": sha, "size": 1}])
    store.add_files([{"path": str(tmp_path / "gone.pdf"), "file": "gone.pdf", "sha256": None,
                      "status": "missing", "message": missing_message}])
    return store, r


def judge_errors(r, expected: dict[str, set[str]]) -> tuple[list, list, set[str]]:
    """The report's errors against the contradictions read by hand on the page (rule -> the printed
    numbers it rests on): (confirmed, not listed, listed rules not raised). An error confirms when
    its rule is listed and shows those numbers, or when it rests on a subset of one listed error's
    numbers (the same contradiction seen by another check, or on a row restating the listed one)."""
    errors = [f for f in r.findings if f.severity == "error"]

    def shown(f):
        return {e.value_text for e in f.evidence if e.value_text}
    known = [shown(f) for f in errors if f.rule in expected and expected[f.rule] <= shown(f)]
    confirmed, other = [], []
    for f in errors:
        ok = (expected[f.rule] <= shown(f)) if f.rule in expected else \
            any(shown(f) and shown(f) <= nums for nums in known)
        (confirmed if ok else other).append(f)
    return confirmed, other, set(expected) - {f.rule for f in errors}


def assert_only_true_errors(r, expected: dict[str, set[str]]) -> None:
    """Every error of the report is one of the contradictions read by hand on the page (see
    judge_errors), and each listed one is raised."""
    _, other, missing = judge_errors(r, expected)
    assert not missing, f"missing: {missing}"
    assert not other, "false error: " + "; ".join(f"{f.rule}: {f.message}" for f in other)
