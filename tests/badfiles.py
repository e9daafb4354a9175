"""Broken inputs made on the fly: each is what users really download now and then."""
from __future__ import annotations

import io
from pathlib import Path

from conftest import REAL_FILES

# a page with a drawn rectangle and no text: what a scan without OCR looks like to us
_NO_TEXT_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj
4 0 obj << /Length 35 >> stream
0.5 g 100 100 395 642 re f
endstream endobj
xref
0 5
0000000000 65535 f 
0000000009 00000 n 
0000000058 00000 n 
0000000115 00000 n 
0000000202 00000 n 
trailer << /Size 5 /Root 1 0 R >>
startxref
286
%%EOF
"""


def make_bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Write the broken files into ``folder``; returns name -> (path, expected status)."""
    from pypdf import PdfReader, PdfWriter

    folder.mkdir(parents=True, exist_ok=True)
    src = REAL_FILES["shehuigongzuobu"].read_bytes()
    out: dict[str, tuple[Path, str]] = {}

    def put(name: str, data: bytes, status: str):
        p = folder / name
        p.write_bytes(data)
        out[name] = (p, status)

    put("truncated.pdf", src[: len(src) // 3], "damaged")
    put("not_a_pdf.pdf", "这不是PDF，是一段文字。\n".encode() * 50, "not_pdf")
    put("empty.pdf", b"", "empty")
    put("scanned.pdf", _NO_TEXT_PDF, "no_text")

    w = PdfWriter()
    for page in PdfReader(io.BytesIO(src)).pages[:2]:
        w.add_page(page)
    w.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    w.write(buf)
    put("encrypted.pdf", buf.getvalue(), "encrypted")

    w = PdfWriter()
    buf = io.BytesIO()
    w.write(buf)
    put("zero_pages.pdf", buf.getvalue(), "empty")
    return out
