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
