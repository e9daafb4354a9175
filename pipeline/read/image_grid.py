"""The grid of a ruled table as the printed page shows it: a second reading of a table's rows and
columns, independent of ours, for the check stage when a table check fails.

Our reading takes the ruling edges from the PDF's path objects (pdfium) and builds cells with a
pdfplumber-style finder. This one renders the page with pdfium, finds the rules in the image (the
same morphology the OCR path uses, :func:`pipeline.read.ocr.image.ruled_lines`: runs of ink much
longer than any stroke of a character) and builds the lattice the way camelot's lattice parser
does: the joints where a horizontal and a vertical rule cross, grouped into tables by the rules
that connect them; a table's rows and columns run between its distinct joint heights and
positions. So it sees what a reader sees: rules drawn as thin filled rectangles, clipped, made of
many short pieces or painted by an image count as the rules they look like, and a rule the PDF
draws but paints white or off the page does not.

Why not camelot itself (it was the second reading until issue 18): its verdict on a failed check
was only ever its grid (its cell texts are misplaced with some fonts, see
:mod:`pipeline.check.second_reading`), and importing it costs 0.4-0.8 s and ~100 MB (pandas), more
than the rest of an audit. Rendering one page at 100 dpi and reading its rules costs ~25 ms with OpenCV
and numpy (~0.15 s to import, once). camelot stays for the reading stage's own questions
(:mod:`pipeline.read.camelot_check`).

Verdicts are :class:`pipeline.document.CrossCheck` records (``reader="page_image"``) on the table.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from pipeline.document import BBox, CrossCheck, Table, overlap_share

log = logging.getLogger(__name__)

# 100 dpi: every grid of the samples, their renderings and the real corpus as at 150, at half the
# time (72 dpi lost 11 of 255); a rule of 0.25 pt still comes out as a line of grey ink
DPI = 100
JOINT_TOL = 3.0  # points: a rule ending this close to another still meets it (a rule drawn a hair short)
LINE_TOL = 2.0  # points: joints this close in height (position) are on one row (column) rule, camelot's line_tol


@dataclass
class ImageTable:
    """One lattice found in the page image, in PDF points, top-left origin."""

    bbox: BBox
    ys: list[float]  # heights of its row rules, top to bottom
    xs: list[float]  # positions of its column rules, left to right

    @property
    def shape(self) -> tuple[int, int]:
        return max(len(self.ys) - 1, 0), max(len(self.xs) - 1, 0)


def lattices(hs: list[tuple[float, float, float, float]], vs: list[tuple[float, float, float, float]],
             joint_tol: float = JOINT_TOL, line_tol: float = LINE_TOL) -> list[ImageTable]:
    """Tables from rules (x0, top, x1, bottom in points): a horizontal and a vertical rule that
    cross (or end within ``joint_tol`` of each other) make a joint; rules linked by joints are one
    table; its rows and columns lie between its distinct joint heights and positions."""
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    joints: list[tuple[int, float, float]] = []  # (h index, x, y)
    for i, (hx0, hy0, hx1, hy1) in enumerate(hs):
        y = (hy0 + hy1) / 2
        for j, (vx0, vy0, vx1, vy1) in enumerate(vs):
            x = (vx0 + vx1) / 2
            if hx0 - joint_tol <= x <= hx1 + joint_tol and vy0 - joint_tol <= y <= vy1 + joint_tol:
                joints.append((i, x, y))
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, list[tuple[float, float]]] = {}
    for i, x, y in joints:
        groups.setdefault(find(i), []).append((x, y))
    sides: dict[int, list[tuple[float, float, float, float]]] = {}
    for j, v in enumerate(vs):
        sides.setdefault(find(len(hs) + j), []).append(v)
    out = []
    for root, pts in groups.items():
        ys, xs = _distinct([y for _, y in pts], line_tol), _distinct([x for x, _ in pts], line_tol)
        if len(ys) >= 2 and len(xs) >= 2:
            ys = _open_ends(ys, sides.get(root, []), line_tol)
            out.append(ImageTable(bbox=(xs[0], ys[0], xs[-1], ys[-1]), ys=ys, xs=xs))
    return sorted(out, key=lambda t: (t.bbox[1], t.bbox[0]))


def _open_ends(ys: list[float], verticals: list[tuple[float, float, float, float]], tol: float) -> list[float]:
    """A row cut by a page break may be left open (Chromium draws no rule under the last row of
    a page): the column rules run on past the last row rule and end together at the cut. Where
    two or more do so, that end closes a row, as a reader sees it; the same at the top of a
    continuation page."""
    bottoms = [v[3] for v in verticals if v[3] > ys[-1] + 2 * tol]
    if len(bottoms) >= 2:
        end = max(bottoms)
        if sum(1 for b in bottoms if end - b <= tol) >= 2:
            ys = ys + [end]
    tops = [v[1] for v in verticals if v[1] < ys[0] - 2 * tol]
    if len(tops) >= 2:
        start = min(tops)
        if sum(1 for t in tops if t - start <= tol) >= 2:
            ys = [start] + ys
    return ys


def _distinct(values: list[float], tol: float) -> list[float]:
    """Cluster sorted values whose neighbours lie within ``tol``; each cluster's mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def page_lattices(pdf, index: int, dpi: int = DPI) -> list[ImageTable] | None:
    """The lattices of page ``index`` (0-based) of an open pypdfium2 document, in page points
    (top-left origin). The whole page is read: a table's outer rule can meet its rows only in a
    header far above the rows in question (a repeated header over a column carried over from the
    page before). None for a page whose image and our coordinates need not agree (a /Rotate or
    a crop box off the media box)."""
    from pipeline.read.backends.pdfium import plain_page
    from pipeline.read.ocr import image as im

    page = pdf[index]
    try:
        plain = plain_page(page)
    finally:
        page.close()
    if not plain:
        return None
    grey = im.to_grey(im.render(pdf, index, dpi))
    _erase_glyphs(pdf, index, grey, dpi / 72.0)
    hs, vs = im.ruled_lines(im.line_ink(grey), dpi, sides_only=False)
    k = 72.0 / dpi
    return lattices([tuple(c * k for c in h) for h in hs], [tuple(c * k for c in v) for v in vs])


def _erase_glyphs(pdf, index: int, grey, scale: float) -> None:
    """Paint every character's own glyph box white: a stroke of 所 in one row and of 中 under it,
    joined through the rule between the rows, is as long as a short column rule, and a title's
    一 as long as a short row rule (seen on the real corpus). Tight glyph boxes never hold a
    rule, which runs between characters."""
    page = pdf[index]
    try:
        text = page.get_textpage()
        try:
            height = page.get_height()
            rows, cols = grey.shape[:2]
            for i in range(text.count_chars()):
                x0, y0, x1, y1 = text.get_charbox(i, loose=False)
                if x1 <= x0 or y1 <= y0:
                    continue
                top, bottom = int((height - y1) * scale), int((height - y0) * scale + 1)
                left, right = int(x0 * scale), int(x1 * scale + 1)
                grey[max(top, 0):min(bottom, rows), max(left, 0):min(right, cols)] = 255
        finally:
            text.close()
    finally:
        page.close()


def second_reading(path: str, table: Table, reason: str = "check_failed",
                   pages: list[int] | None = None, read: dict | None = None) -> list[CrossCheck]:
    """The page image's reading of ``table`` on ``pages`` (default: all its pages), 1-based: one
    verdict per page (``agrees``: the same rows and columns; ``grid_differs``; ``not_found``: no
    lattice there), also appended to ``table.cross_check``; a page already read by this reader
    keeps its verdict. No verdict for a page the image cannot be compared on, nor when the file
    cannot be opened or rendered (logged). ``read``: the caller's {(path, page): lattices} for one
    document, so that two tables on one page render it once (the caller drops it with the
    document: a file rewritten under the same name is read anew)."""
    _READ = {} if read is None else read
    done = {c.page: c for c in table.cross_check if c.reader == "page_image"}
    want = list(pages or table.pages)
    missing = [p for p in want if p not in done and (path, p) not in _READ]
    if missing:
        try:
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(path)
        except Exception as e:
            log.warning("page images of %s not readable: %s", path, e)
            return []
        try:
            for p in missing:
                try:
                    _READ[(path, p)] = page_lattices(pdf, p - 1)
                except Exception as e:  # a page pdfium cannot render: no second reading of it
                    log.warning("page %d of %s not rendered: %s", p, path, e)
                    _READ[(path, p)] = None
        finally:
            pdf.close()
    out: list[CrossCheck] = []
    for p in want:
        if p in done:
            out.append(done[p])
            continue
        found = _READ.get((path, p))
        if found is None:
            continue
        verdict = compare(table, found, p, reason)
        table.cross_check.append(verdict)
        out.append(verdict)
    return out


def compare(table: Table, found: list[ImageTable], page: int, reason: str) -> CrossCheck:
    """Does the page image show the table's rows and columns on ``page``? The lattice that covers
    most of our rows there is compared. A stitched table's continuation page lost the header
    rows it repeats: extra rows of the image's lattice above ours are not counted there."""
    ours, box = table.shape_on(page), table.bbox_on(page)
    best = max(found, key=lambda t: overlap_share(box, t.bbox), default=None)
    if best is None or overlap_share(box, best.bbox) <= 0.5:
        return CrossCheck(page=page, reason=reason, reader="page_image", verdict="not_found", ours=ours)
    shape = best.shape
    if page != table.page and shape[0] > ours[0]:
        above = sum(1 for y in best.ys[1:] if y <= box[1] + LINE_TOL)  # row rules ending above our first row
        shape = (shape[0] - min(above, shape[0] - ours[0]), shape[1])
    verdict = "agrees" if shape == ours else "grid_differs"
    return CrossCheck(page=page, reason=reason, reader="page_image", verdict=verdict, ours=ours, other=shape)
