"""Table cells that text detection left empty although something is printed in them, read again.

The detector works on a reduced copy of the page: a short number alone in a cell, faint or
speckled, can fall under its threshold, and a cell that comes back empty is a number missing from
a column, which the table checks would take for a wrong total. So after OCR of a page with ruled
tables, each cell of the grid the rules make (the same lattice the table finder builds, see
:func:`grid_cells`) that holds no character read by OCR is looked at in the image whose rules were
erased: if it holds ink, not just specks (:func:`ink_lines`), its lines of ink are given to the
recogniser alone (no detection), and the characters read there join the page's with their
recognition confidences. Cost: only empty cells are looked at (a count of dark pixels), and only
inked ones read: on a well-read page, none.

A cell that holds ink and still reads as nothing is kept (``unread``): what is printed there was
not read, so a check over that cell can only warn (:mod:`pipeline.check.ocr`).
"""
from __future__ import annotations

import numpy as np

# points (converted to pixels at the page's dpi)
MARGIN = 1.5  # a cell's border strip is not looked at: remains of an erased rule, a neighbour's serif
MIN_CELL = 5.0  # narrower or lower than this: the gap between the two rules of a double rule
SPECK = 1.2  # ink of a blot smaller than this both ways is noise (speckle, JPEG ringing)
MIN_HEIGHT = 3.0  # printed characters are taller than this; a dash, an underline or a dot is not text to read
LINE_GAP = 1.0  # blots of ink closer than this in height are on one line


def grid_cells(horiz, vert, dpi: int) -> list[tuple[float, float, float, float]]:
    """The cells of the lattice the ruled lines make (pixel boxes x0, top, x1, bottom), found as
    pdfplumber's table finder finds them (its edges merged, crossings, smallest closed boxes),
    with its default tolerance of 3 points."""
    from pdfplumber.table import edges_to_intersections, intersections_to_cells, merge_edges

    if not horiz or not vert:
        return []
    tol = 3 * dpi / 72
    edges = []
    for x0, y0, x1, y1 in horiz:
        y = (y0 + y1) / 2
        edges.append({"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0})
    for x0, y0, x1, y1 in vert:
        x = (x0 + x1) / 2
        edges.append({"orientation": "v", "x0": x, "x1": x, "top": y0, "bottom": y1, "width": 0, "height": y1 - y0})
    edges = merge_edges(edges, tol, tol, tol, tol)
    return intersections_to_cells(edges_to_intersections(edges, tol, tol))


def _read(lines, box) -> bool:
    """Some character read by OCR has its centre in the cell ``box``."""
    for ln in lines:
        cy = (ln.box[1] + ln.box[3]) / 2
        if not box[1] <= cy <= box[3]:
            continue
        if any(box[0] <= (c.x0 + c.x1) / 2 <= box[2] for c in ln.chars if c.text.strip()):
            return True
    return False


def ink_lines(binary: np.ndarray, box, dpi: int) -> list[tuple[int, int, int, int]]:
    """The lines of printed ink inside the cell ``box`` of ``binary`` (255 = ink, rules erased),
    as pixel boxes: blots bigger than a speck, grouped by height; a group lower than a printed
    character (a dash, an underline, remains of a rule) is not a line. Empty: nothing printed."""
    import cv2

    pt = dpi / 72
    m = MARGIN * pt
    x0, top, x1, bottom = int(box[0] + m), int(box[1] + m), int(box[2] - m), int(box[3] - m)
    if x1 - x0 < MIN_CELL * pt - 2 * m or bottom - top < MIN_CELL * pt - 2 * m:
        return []
    crop = binary[max(top, 0):max(bottom, 0), max(x0, 0):max(x1, 0)]
    if crop.size == 0 or not crop.any():
        return []
    n, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    blots = [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, _ in stats[1:n]
             if max(w, h) >= SPECK * pt]
    blots.sort(key=lambda b: b[1])
    groups: list[list[int]] = []
    for b in blots:
        g = groups[-1] if groups else None
        if g is not None and b[1] <= g[3] + LINE_GAP * pt:
            g[0], g[1], g[2], g[3] = min(g[0], b[0]), min(g[1], b[1]), max(g[2], b[2]), max(g[3], b[3])
        else:
            groups.append(list(b))
    return [(g[0] + x0, g[1] + top, g[2] + x0, g[3] + top) for g in groups if g[3] - g[1] >= MIN_HEIGHT * pt]


def _line_box(ink) -> tuple[float, float, float, float]:
    """The box given to the recogniser for one line of ink: the ink with a margin of a third of its
    height (as the detector's boxes have), at least twice as wide as high (the recogniser turns a
    tall crop on its side)."""
    x0, top, x1, bottom = ink
    h = bottom - top
    pad = h / 3
    x0, x1, top, bottom = x0 - pad, x1 + pad, top - pad, bottom + pad
    if x1 - x0 < 2 * (bottom - top):
        grow = (2 * (bottom - top) - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    return x0, top, x1, bottom


def recover(eng, erased: np.ndarray, lines: list, horiz, vert, dpi: int):
    """Read again the empty cells that hold ink. Returns the new lines (pixels of ``erased``), and
    the boxes of the cells that hold ink and still read as nothing."""
    from pipeline.read.ocr import image as im

    cells = grid_cells(horiz, vert, dpi)
    empty = [c for c in cells if not _read(lines, c)]
    if not empty:
        return [], []
    binary = im.ink(erased)
    todo = []  # (cell, line boxes)
    for cell in empty:
        found = ink_lines(binary, cell, dpi)
        if found:
            todo.append((cell, [_line_box(ink) for ink in found]))
    if not todo:
        return [], []
    # the recogniser sees the cells' ink alone: a box that reaches past its cell finds white there,
    # not the neighbour's text
    only = np.full_like(erased, 255)
    pt = dpi / 72
    for cell, _ in todo:
        x0, top, x1, bottom = (max(int(v), 0) for v in (cell[0] + pt, cell[1] + pt, cell[2] - pt, cell[3] - pt))
        only[top:bottom, x0:x1] = erased[top:bottom, x0:x1]
    read = recognise(eng, only, [b for _, bs in todo for b in bs])
    new, unread = [], []
    for cell, _ in todo:
        got = [ln for ln in read if _read([ln], cell)]
        new += got
        if not got:
            unread.append(cell)
    return new, unread


def recognise(eng, image: np.ndarray, boxes) -> list:
    """Recognition alone on ``boxes`` where the engine has it, else its whole reading of each crop."""
    if hasattr(eng, "recognize"):
        return eng.recognize(image, boxes)
    out = []
    for x0, top, x1, bottom in boxes:
        x0, top = max(int(x0), 0), max(int(top), 0)
        for ln in eng.read(image[top:int(bottom), x0:int(x1)]):
            ln.box = (ln.box[0] + x0, ln.box[1] + top, ln.box[2] + x0, ln.box[3] + top)
            for c in ln.chars:
                c.x0, c.x1 = c.x0 + x0, c.x1 + x0
            out.append(ln)
    return out
