"""The other reading first: a table check that fails is read again before it is called an error.

A sum or ratio over table cells can fail because the report is wrong, or because our reading of
the table is: a rule missed, two columns merged, a cell's text put in its neighbour. So a failed
table check reads the table's grid again, from the rendered page image
(:func:`pipeline.read.image_grid.second_reading`, run only here, only then): the rules as printed,
joined into a lattice the way camelot's lattice parser does. Where the image shows another grid
(rows × columns), our structure is in doubt and the error becomes a warning that says so
(结构存疑); where it shows the same grid, or no lattice, or the page cannot be compared (a rotated
page, a file pdfium cannot render), the error stands. A page read by OCR is not read again: its
grid already is the image's. The verdicts stay as structured data on the table
(``Table.cross_check``, reader ``page_image``) and on the check in the report
(``checks[].second_reading``).

Until issue 18 camelot gave this reading. Only its grid ever counted (its cell texts are placed by
its own PDF parser, which misplaces characters of fonts with a huge FontBBox: the yantian sample
rendered in Noto Sans CJK read "texts_differ" on tables whose cells we read right), and its import
(pandas, 0.4-0.8 s, ~100 MB) cost more than the rest of an audit; the image lattice gives the same
verdict on every failed table check of the samples, the renderings and the real corpus
(tests/test_second_reading.py) at a tenth of the cost.
"""
from __future__ import annotations

from pipeline.document import BBox, Document, Table
from pipeline.schema import CheckResult

TABLE_KINDS = ("table_sum", "table_ratio", "row_sum")
DOUBT = "结构存疑"
_SAID = {"grid_differs": "页面图像中的表格线划出的行列与本表不同"}


def reread_failed_tables(results: list[CheckResult], doc: Document | None) -> None:
    if doc is None or not doc.source.path or not doc.tables:
        return
    failed = [r for r in results
              if r.outcome == "fail" and r.severity == "error" and r.kind in TABLE_KINDS and r.evidence]
    if not failed:
        return
    _reread(failed, doc, doc.source.path)  # pdfium opens an owner-password PDF as it is


def _reread(failed: list[CheckResult], doc: Document, path: str) -> None:
    from pipeline.read.image_grid import second_reading

    read: dict = {}  # this document's page lattices, each page rendered once
    for r in failed:
        table = _table_of(r, doc.tables)
        if table is None:
            continue
        ocr = {pg.number for pg in doc.pages if pg.ocr_regions}  # read from the image already
        pages = sorted({e.page for e in r.evidence if e.page in table.pages and e.page not in ocr})
        if not pages:
            continue
        verdicts = second_reading(path, table, pages=pages, read=read)
        r.second_reading = [v.model_copy() for v in verdicts]
        doubt = [v for v in verdicts if v.verdict == "grid_differs"]
        if doubt:
            r.severity = "warning"
            said = "；".join(f"第{v.page}页{_SAID[v.verdict]}" for v in doubt)
            r.message = f"{DOUBT}（{said}，本表的读法可能有误，请对照原件）：{r.message}"


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _table_of(r: CheckResult, tables: list[Table]) -> Table | None:
    """The table whose cells hold the check's first piece of evidence."""
    ev = r.evidence[0]
    for t in tables:
        if ev.page in t.pages and any(row.page == ev.page and _overlaps(row.bbox, ev.bbox) for row in t.rows):
            return t
    return None
