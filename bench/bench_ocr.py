"""OCR benchmark: engines compared on the same page images, then the whole pipeline on scanned
versions of the samples and of real corpus files, then a batch of scans run twice.

    .venv/bin/python bench/bench_ocr.py engines     # rapidocr vs tesseract: digits, s/page, memory
    .venv/bin/python bench/bench_ocr.py engines rapidocr 2  # one engine, 2 threads
    .venv/bin/python bench/bench_ocr.py pipeline [0,2]  # scans of the samples + 3 real files vs text
    .venv/bin/python bench/bench_ocr.py batch       # a batch of scans, then the rerun
    .venv/bin/python bench/bench_ocr.py all

Page images come from poppler (pdftoppm), not from our renderer; degraded sets add JPEG 40,
1.5° skew, speckle, a grey background and a red seal across a table, or turn every page a
quarter either way or upside down ("upright": the pages OCR turned back the right way)
(tests/scans.py). Each figure is printed beside the raw pdfplumber baseline on the text version, measured in the same
run. CPU seconds (process time) are given with wall seconds: on a shared machine the wall time
also counts the other processes.
"""
from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import LONGHUA, REAL_FILES, YANTIAN  # noqa: E402

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
# pages with tables and numbers in prose (1-based), per source, for the engine comparison
ENGINE_PAGES = {YANTIAN: [8, 10, 14], LONGHUA: [5, 12], REAL_FILES["caizhengju"]: [11, 21]}


def numbers_of(text: str) -> Counter:
    """The printed numbers of a text (spaces separate numbers: table cells, columns)."""
    return Counter(m.group(0).replace(",", "") for m in NUMBER.finditer(text))


# ----------------------------------------------------------------------------- engines

def _engine_child(name: str, images: list[str], dpi: int) -> None:
    """In a fresh process: load the engine, read every image the way ingestion does (grey, turned,
    deskewed, rules found and erased: pipeline.read.ocr.ocr_image); print JSON (texts, seconds,
    peak MB). CPU seconds include child processes (tesseract runs as one)."""
    import cv2

    from pipeline.read.layout import chars_to_raw, cluster_lines
    from pipeline.read.ocr import ocr_image
    from pipeline.read.ocr.engines import get_engine

    def cpu():
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    t0 = time.perf_counter()
    eng = get_engine(name)
    load_s = time.perf_counter() - t0
    out = []
    for path in images:
        rgb = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)
        w, c = time.perf_counter(), cpu()
        got = ocr_image(rgb, dpi, eng)
        lines = cluster_lines(got.chars)  # the characters put in lines as ingestion does
        out.append({"text": "\n".join(chars_to_raw(cs) for cs in lines), "wall": time.perf_counter() - w,
                    "cpu": cpu() - c, "confs": [ch["conf"] for ch in got.chars if ch["text"].isdigit()]})
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(json.dumps({"load_s": load_s, "pages": out, "peak_mb": peak}))


def bench_engines(dpi: int = 300, threads: int = 1, names: tuple[str, ...] = ("rapidocr", "tesseract")) -> list[dict]:
    import pdfplumber

    from scans import render_pages

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        images, truths = [], []
        w, c = time.perf_counter(), time.process_time()
        for src, pages in ENGINE_PAGES.items():
            with pdfplumber.open(src) as pdf:
                for n in pages:
                    truths.append(numbers_of(pdf.pages[n - 1].extract_text() or ""))
        base_wall, base_cpu = time.perf_counter() - w, time.process_time() - c
        for src, pages in ENGINE_PAGES.items():
            for n, img in zip(pages, render_pages(src, dpi, pages)):
                p = Path(tmp) / f"{src.stem}-{n}.png"
                img.save(p)
                images.append(str(p))
        n_pages = len(images)
        rows.append({"engine": "pdfplumber text layer (baseline)", "digits_recall": 1.0, "s_page_wall": base_wall / n_pages,
                     "s_page_cpu": base_cpu / n_pages, "peak_mb": None, "load_s": None})
        for name in names:
            env = dict(os.environ, GOVAUDIT_OCR_THREADS=str(threads), OMP_THREAD_LIMIT=str(threads))
            proc = subprocess.run([sys.executable, __file__, "_engine", name, str(dpi), *images], capture_output=True,
                                  text=True, env=env, cwd=ROOT)
            if proc.returncode:
                rows.append({"engine": name, "error": proc.stderr.strip().splitlines()[-1:]})
                continue
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            found = total = 0
            for page, truth in zip(res["pages"], truths):
                got = numbers_of(page["text"])
                found += sum((truth & got).values())
                total += sum(truth.values())
            confs = [x for p in res["pages"] for x in p["confs"]]
            rows.append({"engine": name, "digits_recall": found / total, "numbers": total,
                         "s_page_wall": sum(p["wall"] for p in res["pages"]) / n_pages,
                         "s_page_cpu": sum(p["cpu"] for p in res["pages"]) / n_pages,
                         "peak_mb": res["peak_mb"], "load_s": res["load_s"],
                         "digits_below_0.95": sum(x < 0.95 for x in confs) / max(len(confs), 1)})
    print(f"\n## engines: {n_pages} pages at {dpi} dpi (pdftoppm), {threads} thread(s)")
    print(f"{'engine':34} {'numbers found':>13} {'s/page wall':>11} {'s/page cpu':>10} {'peak MB':>8} {'load s':>6}")
    for r in rows:
        if "error" in r:
            print(f"{r['engine']:34} error: {r['error']}")
            continue
        print(f"{r['engine']:34} {r['digits_recall']:>13.3f} {r['s_page_wall']:>11.2f} {r['s_page_cpu']:>10.2f} "
              f"{(r['peak_mb'] or 0):>8.0f} {(r['load_s'] or 0):>6.2f}")
    return rows


# ----------------------------------------------------------------------------- pipeline

def _rule(name: str) -> str:
    """A rule's name without quotation marks (a row label's “” may come back as "" from OCR)."""
    return re.sub(r"[“”\"']", "", name)


def compare(text_report, scan_report) -> dict:
    ka = Counter((i.key, round(i.value, 6)) for i in text_report.indicators)
    kb = Counter((i.key, round(i.value, 6)) for i in scan_report.indicators)
    matched = sum((ka & kb).values())
    errs_a = Counter(_rule(f.rule) for f in text_report.findings if f.severity == "error")
    errs_b = Counter(_rule(f.rule) for f in scan_report.findings if f.severity == "error")
    found_b = Counter(_rule(f.rule) for f in scan_report.findings)  # as error or as a low-confidence warning
    return {"indicators": sum(ka.values()), "matched": matched, "match": matched / max(sum(ka.values()), 1),
            "extra": sum((kb - ka).values()),
            "contradictions_text": sum(errs_a.values()),
            "contradictions_found": sum((errs_a & found_b).values()),
            "found_as_error": sum((errs_a & errs_b).values()),
            "false_errors": sum((errs_b - errs_a).values()),
            "low_conf_warnings": sum("OCR 置信度低" in f.message for f in scan_report.findings),
            "missing": sorted((ka - kb).elements())[:8], "false": sorted((errs_b - errs_a).elements())}


def bench_pipeline(quick: bool = False, only: list[int] | None = None) -> list[dict]:
    from pipeline.api import audit
    from scans import scan_pdf

    sets = [(YANTIAN, 300, ""), (LONGHUA, 300, ""),
            (YANTIAN, 150, "jpeg40+skew+speckle+grey+seal"), (LONGHUA, 150, "jpeg40+skew+speckle+grey+seal"),
            (REAL_FILES["caizhengju"], 200, ""), (REAL_FILES["shehuigongzuobu"], 200, "skew+speckle"),
            (REAL_FILES["shangwuwei"], 200, "jpeg40+grey"),
            # turned scans: a landscape file of ruled tables a quarter turn each way, a portrait one upside down
            (REAL_FILES["wanlijiedao"], 200, "rot90"), (REAL_FILES["wanlijiedao"], 200, "rot270"),
            (YANTIAN, 200, "rot180")]
    if quick:
        sets = sets[:1]
    if only:
        sets = [sets[i] for i in only]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for src, dpi, what in sets:
            scan = scan_pdf(src, Path(tmp) / f"{src.stem}-{dpi}.pdf", dpi=dpi, what=what)
            w, c = time.perf_counter(), time.process_time()
            text = audit(src, ocr="never")
            tw, tc = time.perf_counter() - w, time.process_time() - c
            w, c = time.perf_counter(), time.process_time()
            got = audit(scan, ocr="auto")
            sw, sc = time.perf_counter() - w, time.process_time() - c
            want = {"rot90": 1, "rot270": 3, "rot180": 2}.get(what, 0)  # the turn that makes the scan upright
            turned_right = sum(got.source.ocr_turns.get(n, 0) == want for n in got.source.ocr_pages)
            row = {"file": src.name, "dpi": dpi, "degraded": what or "-", "pages": got.source.pages,
                   "turned_right": turned_right,
                   "ocr_pages": len(got.source.ocr_pages), "text_s": tw, "text_cpu": tc, "scan_s": sw, "scan_cpu": sc,
                   **compare(text, got)}
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False, default=str), flush=True)
    print("\n## pipeline: scans vs text version (same run)")
    print(f"{'file':44} {'dpi':>3} {'degraded':30} {'match':>6} {'contra':>7} {'false err':>9} {'lowconf':>7} "
          f"{'s/page scan':>11} {'cpu/page':>8} {'s/page text':>11} {'upright':>7}")
    for r in rows:
        print(f"{r['file'][:44]:44} {r['dpi']:>3} {r['degraded'][:30]:30} {r['match']:>6.3f} "
              f"{r['contradictions_found']:>3}/{r['contradictions_text']:<3} {r['false_errors']:>9} "
              f"{r['low_conf_warnings']:>7} {r['scan_s'] / r['pages']:>11.2f} {r['scan_cpu'] / r['pages']:>8.2f} "
              f"{r['text_s'] / r['pages']:>11.3f} {r['turned_right']:>3}/{r['ocr_pages']:<3}")
    return rows


# ----------------------------------------------------------------------------- batch

def bench_batch() -> dict:
    from pipeline.run.runner import batch
    from scans import scan_pdf

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scans"
        folder.mkdir()
        scan_pdf(REAL_FILES["caizhengju"], folder / "caizhengju.pdf", dpi=200, pages=list(range(1, 9)))
        scan_pdf(YANTIAN, folder / "yantian.pdf", dpi=200, pages=list(range(8, 15)))
        out = Path(tmp) / "out"
        first = batch(folder, out, jobs=2, timeout=1200, ocr="auto")
        rerun = batch(folder, out, jobs=2, timeout=1200, ocr="auto")
        # a second batch over changed files holding the same pages: processed again, pages from the cache
        import pikepdf
        for f in folder.glob("*.pdf"):
            with pikepdf.open(f, allow_overwriting_input=True) as pdf:
                pdf.docinfo["/Title"] = "changed"
                pdf.save(f)
        second = batch(folder, out, jobs=2, timeout=1200, ocr="auto")
    row = {"files": first.files, "pages": first.pages, "ocr_pages": first.ocr_pages, "first_s": first.seconds,
           "rerun_s": rerun.seconds, "second_batch_changed_files_s": second.seconds,
           "second_processed": second.processed, "rerun_ratio": rerun.seconds / first.seconds,
           "second_ratio": second.seconds / first.seconds}
    print("\n## batch of scans (2 workers)")
    print(json.dumps(row))
    return row


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_engine":
        _engine_child(sys.argv[2], sys.argv[4:], int(sys.argv[3]))
        sys.exit(0)
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("engines", "all"):
        # engines [names] [threads]: e.g. "engines rapidocr 2"
        names = tuple(sys.argv[2].split(",")) if what == "engines" and len(sys.argv) > 2 else ("rapidocr", "tesseract")
        bench_engines(threads=int(sys.argv[3]) if what == "engines" and len(sys.argv) > 3 else 1, names=names)
    if what in ("pipeline", "all", "quick"):
        only = [int(i) for i in sys.argv[2].split(",")] if len(sys.argv) > 2 else None  # e.g. "0,2"
        bench_pipeline(quick=what == "quick", only=only)
    if what in ("batch", "all"):
        bench_batch()
