"""PDF reading backends: one page at a time, characters and ruling edges as plain records.

Every backend yields :class:`PageRecord` objects holding characters and edges as dicts with
pdfplumber's keys (``text, x0, x1, top, bottom, size, upright, fontname`` for characters;
``x0, x1, top, bottom, width, height, orientation, object_type`` for edges), origin at the page's
top-left corner. Layout, tables and ingestion work on those records only, so backends can be
swapped and compared alone (``tests/test_backend_pdfium.py``).

- ``pdfium`` (default): pypdfium2's text page and page objects; fast (C++ parser).
- ``pdfplumber``: pdfplumber/pdfminer, the reference the pdfium backend is checked against.

Choose with ``load(path, backend=...)`` or the environment variable ``GOVAUDIT_BACKEND``.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter

BACKENDS = ("pdfium", "pdfplumber")
DEFAULT = "pdfium"


def backend_name(name: str | None = None) -> str:
    name = name or os.environ.get("GOVAUDIT_BACKEND") or DEFAULT
    if name not in BACKENDS:
        raise ValueError(f"unknown PDF backend {name!r}; one of {', '.join(BACKENDS)}")
    return name


@dataclass
class PageRecord:
    """One page as ingestion needs it: deduplicated characters and ruling edges."""

    page_number: int  # 1-based
    width: float
    height: float
    chars: list[dict]
    edges: list[dict]
    rects: tuple = ()  # pdfplumber's page API: rectangles are already among the edges
    # boxes (x0, top, x1, bottom) of the page's image objects (forms included, each in its form's
    # space), read in the same walk as the edges; None where the backend did not read them
    images: list | None = None

    def find_tables(self, settings=None) -> list:
        """pdfplumber's ruled-table finder (lines strategy) run on this page's edges: its own
        steps, with the two quadratic ones (:func:`_intersections`, :func:`_cells`) done by index."""
        from pdfplumber import table as pt

        if not self.edges:
            return []
        finder = object.__new__(pt.TableFinder)  # TableFinder.__init__, step by step
        finder.page = self
        finder.settings = pt.TableSettings.resolve(settings)
        finder.edges = finder.get_edges()
        finder.intersections = _intersections(finder.edges, finder.settings.intersection_x_tolerance,
                                              finder.settings.intersection_y_tolerance)
        finder.cells = _cells(finder.intersections)
        finder.tables = [pt.Table(self, group) for group in pt.cells_to_tables(finder.cells)]
        return finder.tables

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)

    def may_hold_grid(self, min_length: float = 3.0) -> bool:
        """At least two horizontal and two vertical rules: the least a ruled table needs.
        Pages with only a header rule or underlines are not worth a table parser's time."""
        h = v = 0
        for e in self.edges:
            if e["orientation"] == "h" and e["width"] >= min_length:
                h += 1
            elif e["orientation"] == "v" and e["height"] >= min_length:
                v += 1
            if h >= 2 and v >= 2:
                return True
        return False


def _intersections(edges: list[dict], x_tolerance: float = 1, y_tolerance: float = 1) -> dict:
    """pdfplumber's ``edges_to_intersections`` (same points, same edges in the same order), the
    horizontal edges sorted once instead of once per vertical edge."""
    out: dict = {}
    v_edges = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    h_edges = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    for v in v_edges:
        vx, vtop, vbottom = v["x0"], v["top"], v["bottom"]
        for h in h_edges:
            ht = h["top"]
            if vtop <= ht + y_tolerance and vbottom >= ht - y_tolerance \
                    and h["x0"] - x_tolerance <= vx <= h["x1"] + x_tolerance:
                point = out.get((vx, ht))
                if point is None:
                    point = out[(vx, ht)] = {"v": [], "h": []}
                point["v"].append(v)
                point["h"].append(h)
    return out


def _cells(intersections: dict) -> list[tuple]:
    """pdfplumber's ``intersections_to_cells`` (same cells, same order): for each point, the
    smallest cell it opens, with the points below and to the right taken from per-column and
    per-row lists instead of scanning every later point, and each point's edges as a set once."""
    def boxes(edges) -> set:
        return {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges}

    vs = {p: boxes(d["v"]) for p, d in intersections.items()}
    hs = {p: boxes(d["h"]) for p, d in intersections.items()}

    def connects(p1, p2) -> bool:
        return (p1[0] == p2[0] and not vs[p1].isdisjoint(vs[p2])) or \
            (p1[1] == p2[1] and not hs[p1].isdisjoint(hs[p2]))

    points = sorted(intersections)
    column: dict = defaultdict(list)  # x -> its points, top down (sorted order)
    row: dict = defaultdict(list)  # y -> its points, left to right
    for p in points:
        column[p[0]].append(p)
        row[p[1]].append(p)
    at_column = {p: i for pts in column.values() for i, p in enumerate(pts)}
    at_row = {p: i for pts in row.values() for i, p in enumerate(pts)}
    cells = []
    for pt in points:
        below = column[pt[0]][at_column[pt] + 1:]
        right = row[pt[1]][at_row[pt] + 1:]
        found = None
        for below_pt in below:
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
                if not connects(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if corner in intersections and connects(corner, right_pt) and connects(corner, below_pt):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def dedupe_chars(chars: list[dict], tolerance: float = 1) -> list[dict]:
    """pdfplumber's ``dedupe_chars`` (same groups, same clusters, same survivor, same order)
    without its quadratic final sort: a glyph printed twice at (almost) the same place, as fake
    bold does, is kept once.

    pdfplumber groups by (upright, text, fontname, size), clusters each group by ``doctop`` and
    then by ``x0`` (chains of values at most ``tolerance`` apart) and keeps, per cluster, the
    first character with the least (doctop, x0)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for c in chars:
        groups[(c["upright"], c["text"], c["fontname"], c["size"])].append(c)
    drop: set[int] = set()
    for grp in groups.values():
        if len(grp) > 1:
            for y_cluster in _chains(grp, "doctop", tolerance):
                for x_cluster in _chains(y_cluster, "x0", tolerance):
                    keep = min(x_cluster, key=_DOCTOP_X0)
                    drop.update(id(c) for c in x_cluster if c is not keep)
    return [c for c in chars if id(c) not in drop] if drop else list(chars)


_DOCTOP_X0 = itemgetter("doctop", "x0")


def _chains(objs: list[dict], attr: str, tolerance: float) -> list[list[dict]]:
    """pdfplumber's ``cluster_objects`` by one sorted sweep, clusters of one left out: values
    chained at most ``tolerance`` apart. Each cluster is in ``attr`` order, ties in input order
    (a stable sort), so the first least (doctop, x0) of a cluster is pdfplumber's survivor."""
    objs = sorted(objs, key=itemgetter(attr))
    out: list[list[dict]] = []
    start = 0
    for k in range(1, len(objs) + 1):
        if k == len(objs) or objs[k][attr] > objs[k - 1][attr] + tolerance:
            if k - start > 1:
                out.append(objs[start:k])
            start = k
    return out


def open_pdf(path, backend: str | None = None):
    """A reader for ``path``: ``n_pages``, ``metadata``, ``page(index)``, ``close()``.

    Opening may raise the backend library's own exceptions; ingestion maps them to statuses."""
    name = backend_name(backend)
    if name == "pdfium":
        from pipeline.read.backends.pdfium import PdfiumReader
        return PdfiumReader(path)
    from pipeline.read.backends.plumber import PlumberReader
    return PlumberReader(path)
