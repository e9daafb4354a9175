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

    def find_tables(self, settings=None) -> list:
        """pdfplumber's ruled-table finder (lines strategy) run on this page's edges."""
        from pdfplumber.table import TableFinder, TableSettings

        if not self.edges:
            return []
        return TableFinder(self, TableSettings.resolve(settings)).tables

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
        if len(grp) < 2:
            continue
        for y_cluster in _clusters(grp, "doctop", tolerance):
            if len(y_cluster) < 2:
                continue
            for x_cluster in _clusters(y_cluster, "x0", tolerance):
                if len(x_cluster) < 2:
                    continue
                keep = min(x_cluster, key=itemgetter("doctop", "x0"))
                drop.update(id(c) for c in x_cluster if c is not keep)
    return [c for c in chars if id(c) not in drop] if drop else list(chars)


def _clusters(objs: list[dict], attr: str, tolerance: float) -> list[list[dict]]:
    """pdfplumber's ``cluster_objects``: values chained at most ``tolerance`` apart, clusters in
    value order, objects in input order within a cluster."""
    values = sorted({o[attr] for o in objs})
    cluster_of: dict[float, int] = {}
    k = 0
    last = None
    for v in values:
        if last is not None and v > last + tolerance:
            k += 1
        cluster_of[v] = k
        last = v
    out: list[list[dict]] = [[] for _ in range(k + 1)]
    for o in objs:
        out[cluster_of[o[attr]]].append(o)
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
