"""The reference backend: pdfplumber (pdfminer) reads each page, as ingestion always did.

Slower than :mod:`pipeline.read.backends.pdfium` (pdfminer interprets the content streams in Python)
but it is what the pdfium backend is checked against, and the fallback for pages the pdfium
backend does not handle itself (rotated pages, cropped or shifted page boxes).
"""
from __future__ import annotations

from pipeline.read.backends import PageRecord


def open_plumber(path):
    import pdfplumber

    return pdfplumber.open(path)


def page_record(pdfpage) -> PageRecord:
    """One pdfplumber page -> PageRecord (fake-bold duplicates removed, as pdfplumber does it)."""
    try:
        deduped = pdfpage.dedupe_chars()  # fake bold: the same glyph printed twice, slightly shifted
        return PageRecord(page_number=pdfpage.page_number, width=float(pdfpage.width),
                          height=float(pdfpage.height), chars=list(deduped.chars), edges=list(pdfpage.edges))
    finally:
        pdfpage.close()  # frees the page's parsed objects: memory stays flat on long PDFs


class PlumberReader:
    def __init__(self, path):
        self.pdf = open_plumber(path)
        self.n_pages = len(self.pdf.pages)
        self.metadata = self.pdf.metadata or {}

    def page(self, index: int) -> PageRecord:
        return page_record(self.pdf.pages[index])

    def close(self) -> None:
        self.pdf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
