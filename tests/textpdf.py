"""Plain report text -> PDF through headless Chromium, for tests that need small reports of our own.

The first line is the title, lines starting "一、" … "十、" are headings, every other line a
paragraph. Fonts: WenQuanYi Zen Hei, embedded by Chromium's PDF printer.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def text_to_html(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    body = [f"<h1>{html.escape(lines[0])}</h1>"]
    for ln in lines[1:]:
        tag = "h2" if _HEADING.match(ln) else "p"
        body.append(f"<{tag}>{html.escape(ln)}</{tag}>")
    return ("<!doctype html><html><head><meta charset='utf-8'><style>"
            "@page { size: A4; margin: 25mm 20mm; } body { font-family: 'WenQuanYi Zen Hei'; font-size: 12pt; "
            "line-height: 1.6; } h1 { font-size: 18pt; text-align: center; } h2 { font-size: 14pt; } "
            "p { text-indent: 2em; margin: 0 0 6pt; }</style></head><body>" + "\n".join(body) + "</body></html>")


def render(text: str, pdf: Path) -> Path:
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(text_to_html(text), encoding="utf-8")
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return pdf
