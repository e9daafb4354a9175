"""The fast backend: characters from pypdfium2's text page, ruling edges from its page objects.

It produces the records the pdfplumber backend produces (see :mod:`pipeline.read.backends`), in
pdfplumber's geometry, so that lines, tables and cells come out the same:

- a character's box is pdfminer's: from the pen position to the advance width across, and from
  ``baseline + descent * size`` up by ``size`` (``size`` is the font size times the text
  matrix's vertical scale). pdfium gives positions and advances; the font's descent is read the
  way pdfminer reads it (font descriptor, or the standard-14 metrics), because pdfium takes the
  font program's own when a descriptor says 0;
- edges are pdfminer's line/rect/curve edges: each painted subpath's end points in order (Bézier
  control points left out), a two-point subpath as one line ("h" when level, else "v"), other
  segments "h"/"v" when level/plumb and without orientation otherwise;
- fake-bold duplicates are removed with pdfplumber's rule (:func:`pipeline.read.backends.dedupe_chars`).

Known limit: x1 is the end of pdfium's loose box, which is the advance unless the glyph's ink
overhangs it (seen only with substituted, not embedded, fonts): x1 then ends at the ink, up to
a couple of points beyond pdfminer's.

Pages whose boxes are not plain (rotated, crop box other than the media box, origin not at 0) are
read with pdfplumber instead, so their coordinates stay exactly pdfplumber's.

pypdfium2 is a thin ctypes binding, so the cost here is the number of calls per character and
what each call builds: pdfium has no call for many characters' boxes, so it is three per
character (text object, origin, loose box) plus one bulk call for the whole page's text, made
through prototypes on plain addresses (:func:`_fast`, :func:`_bare`). Edges come from path and
form objects only: text objects are skipped by their type, without building anything for them;
image objects' boxes are noted on the way (``PageRecord.images``, for OCR's page plan).
"""
from __future__ import annotations

import ctypes
import re

import pypdfium2 as pdfium
import pypdfium2.raw as R

from pipeline.read.backends import PageRecord

from pipeline.read.backends import dedupe_chars

_SUBSET = re.compile(r"^[A-Z]{6}\+")
_EPS = 1e-3  # pdfium keeps coordinates as 32-bit floats: level/plumb within this


def _strip_subset(name: str) -> str:
    return _SUBSET.sub("", name)


class PdfiumReader:
    """Reads a PDF with pdfium. The document is also opened with pdfplumber (which only parses the
    cross-reference table until a page is asked for): it validates the file as before, gives the
    metadata and the font descriptors, and reads the pages pdfium's records would not match."""

    def __init__(self, path):
        from pipeline.read.backends.plumber import open_plumber

        self.path = str(path)
        self._descents: dict[str, float | None] | None = None
        self.plumber = open_plumber(path)  # raises like before on damaged/encrypted files
        self.pdf = None
        try:
            self.metadata = self.plumber.metadata or {}
            # the page count is pdfium's, the reader of the pages; pdfminer must agree, or the file
            # is damaged (ingestion then reads a copy repaired by qpdf). pdfium refuses a PDF
            # without pages, which ingestion reports as "no pages".
            plumber_pages = len(self.plumber.pages)
            self.pdf = pdfium.PdfDocument(self.path)
            self.n_pages = len(self.pdf)
            if plumber_pages != self.n_pages:
                raise ValueError(f"page count differs: pdfium {self.n_pages}, pdfminer {plumber_pages}")
        except Exception:
            if self.pdf is not None:
                self.pdf.close()
            self.plumber.close()
            raise

    # -- fonts -------------------------------------------------------------------------------
    def descents(self) -> dict[str, float | None]:
        """Font name (subset tag removed) -> descent per unit of font size, as pdfminer has it;
        None where two fonts of that name disagree (pdfium's own value is used there)."""
        if self._descents is None:
            try:
                self._descents = _pdfminer_descents(self.plumber)
            except Exception:  # a font we cannot read the pdfminer way: pdfium's metrics then
                self._descents = {}
        return self._descents

    # -- pages -------------------------------------------------------------------------------
    def page(self, index: int) -> PageRecord:
        page = self.pdf[index]
        try:
            if not plain_page(page):
                from pipeline.read.backends.plumber import page_record
                return page_record(self.plumber.pages[index])
            width, height = page.get_size()
            chars = _page_chars(page, height, self.descents())
            images: list = []
            edges = page_edges(page, height, images)
        finally:
            page.close()
        return PageRecord(page_number=index + 1, width=width, height=height,
                          chars=dedupe_chars(chars), edges=edges, images=images)

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()
        self.plumber.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def plain_page(page) -> bool:
    """No /Rotate and the crop box is the media box at the origin: the page's image and its
    coordinates (top-left origin, points) agree without a transformation."""
    if page.get_rotation() % 360:
        return False
    media = page.get_mediabox()
    crop = page.get_cropbox()
    return media[0] == 0 and media[1] == 0 and all(abs(a - b) < 1e-3 for a, b in zip(media, crop))


def _pdfminer_descents(plumber_pdf) -> dict[str, float | None]:
    """Descent of every font on every page (form XObjects included), by pdfminer's rules:
    standard-14 metrics for Type1/TrueType fonts of those names, else the descriptor's /Descent
    (forced negative), else 0. Only dictionaries are read: no content stream is parsed."""
    from pdfminer.fontmetrics import FONT_METRICS
    from pdfminer.psparser import PSLiteral
    from pdfminer.pdftypes import PDFObjRef, resolve1

    def name(v) -> str:
        v = resolve1(v)
        if isinstance(v, PSLiteral):
            v = v.name
        if isinstance(v, bytes):
            v = v.decode("latin-1")
        return str(v) if v is not None else ""

    def num(v) -> float:
        v = resolve1(v)
        return float(v) if isinstance(v, (int, float)) else 0.0

    found: dict[str, set[float]] = {}
    seen: set[int] = set()

    def font_descent(spec: dict) -> float | None:
        subtype = name(spec.get("Subtype"))
        base = name(spec.get("BaseFont"))
        if subtype == "Type3":
            return None  # glyph procedures: pdfium's value
        if subtype == "Type0":
            dfonts = resolve1(spec.get("DescendantFonts")) or []
            sub = resolve1(dfonts[0]) if dfonts else {}
            desc = resolve1(sub.get("FontDescriptor")) if isinstance(sub, dict) else None
        else:
            if base in FONT_METRICS:
                return float(FONT_METRICS[base][0].get("Descent", 0)) / 1000
            desc = resolve1(spec.get("FontDescriptor"))
        if not isinstance(desc, dict):
            return 0.0
        d = num(desc.get("Descent", 0))
        return (-d if d > 0 else d) / 1000

    def unseen(entries) -> list:
        """The objects of a resource dictionary (/Font, /XObject) not visited yet."""
        entries = resolve1(entries) or {}
        out = []
        for ref in entries.values() if isinstance(entries, dict) else ():
            key = ref.objid if isinstance(ref, PDFObjRef) else id(ref)
            if key not in seen:
                seen.add(key)
                out.append(resolve1(ref))
        return out

    def walk(resources, depth=0) -> None:
        resources = resolve1(resources)
        if not isinstance(resources, dict) or depth > 8:
            return
        for spec in unseen(resources.get("Font")):
            if isinstance(spec, dict):
                found.setdefault(_strip_subset(name(spec.get("BaseFont"))), set()).add(font_descent(spec))
        for xobj in unseen(resources.get("XObject")):
            attrs = getattr(xobj, "attrs", None)
            if attrs and name(attrs.get("Subtype")) == "Form" and "Resources" in attrs:
                walk(attrs["Resources"], depth + 1)

    for page in plumber_pdf.pages:
        walk(page.page_obj.resources)
    return {k: (next(iter(v)) if len(v) == 1 else None) for k, v in found.items()}


def _fast(fn, restype, *argtypes):
    """``fn`` (a pypdfium2 raw function) called through a prototype of plain addresses and ints:
    no pointer objects built per call or per result, which is most of a call's cost from Python."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


def _bare(fn, restype):
    """``fn`` without argument types, for the calls made once per character: the caller passes
    ctypes pointers (``c_void_p``) and small ints only, which ctypes hands over unconverted (a
    third cheaper than converting through argument types)."""
    proto = ctypes.CFUNCTYPE(restype)
    f = proto(ctypes.cast(fn, ctypes.c_void_p).value)
    f.argtypes = None
    return f


_V, _I = ctypes.c_void_p, ctypes.c_int
_TEXT_OBJECT = _bare(R.FPDFText_GetTextObject, _V)  # (text page, index) -> address or None
_LOOSE_BOX = _bare(R.FPDFText_GetLooseCharBox, _I)  # (text page, index, FS_RECTF*)
_ORIGIN = _bare(R.FPDFText_GetCharOrigin, _I)  # (text page, index, double*, double*)
_CHAR_MATRIX = _bare(R.FPDFText_GetMatrix, _I)  # (text page, index, FS_MATRIX*)
_FONT_SIZE = _bare(R.FPDFText_GetFontSize, ctypes.c_double)  # (text page, index)
_UNICODE = _fast(R.FPDFText_GetUnicode, ctypes.c_uint, _V, _I)
_PAGE_OBJECT = _fast(R.FPDFPage_GetObject, _V, _V, _I)
_FORM_OBJECT = _fast(R.FPDFFormObj_GetObject, _V, _V, ctypes.c_ulong)
_OBJECT_TYPE = _fast(R.FPDFPageObj_GetType, _I, _V)
_SEGMENT = _fast(R.FPDFPath_GetPathSegment, _V, _V, _I)
_SEGMENT_POINT = _fast(R.FPDFPathSegment_GetPoint, _I, _V, _V, _V)
_SEGMENT_TYPE = _fast(R.FPDFPathSegment_GetType, _I, _V)
_SEGMENT_CLOSE = _fast(R.FPDFPathSegment_GetClose, _I, _V)


def _addr(ptr) -> int:
    return ctypes.cast(ptr, ctypes.c_void_p).value or 0


def _page_chars(page, height: float, descents: dict[str, float | None]) -> list[dict]:
    """Printable characters (whitespace left out: ingestion drops it) in text-page order.

    The page's text comes in one call; per character, three (its text object, its pen position,
    its loose box), through :func:`_bare` prototypes; per text object, three (font, size, matrix),
    and what follows from them is worked out once per distinct (font, size, matrix)."""
    tp = R.FPDFText_LoadPage(page.raw)
    try:
        n = R.FPDFText_CountChars(tp)
        if n <= 0:
            return []
        tpa = _addr(tp)
        buf = (ctypes.c_ushort * (n + 1))()
        got = R.FPDFText_GetText(tp, 0, n, buf)
        units = list(buf[:n]) if got == n + 1 else [_UNICODE(tpa, i) for i in range(n)]
        ptp = _V(tpa)
        rect = R.FS_RECTF()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        ra, xa, ya = (_V(ctypes.addressof(x)) for x in (rect, ox, oy))
        m = R.FS_MATRIX()
        ma = _V(ctypes.addressof(m))
        font_cache: dict[int, tuple[str, float]] = {}
        infos: dict[tuple, tuple] = {}
        namebuf = ctypes.create_string_buffer(256)
        chars: list[dict] = []
        append = chars.append
        last_obj = None
        for i, u in enumerate(units):
            if u == 32 or u == 0:
                continue
            if 0xD800 <= u <= 0xDFFF:  # a surrogate half in the bulk text: ask for the code point
                u = _UNICODE(tpa, i)
            text = chr(u)
            if text.isspace():
                continue
            obj = _TEXT_OBJECT(ptp, i)
            if not obj:  # generated by pdfium (no text object behind it)
                continue
            if obj != last_obj:  # a new text object: its font, size and matrix
                last_obj = obj
                _CHAR_MATRIX(ptp, i, ma)
                key = (_TEXT_FONT(obj), _FONT_SIZE(ptp, i), m.a, m.b, m.c, m.d)
                info = infos.get(key)
                if info is None:
                    info = infos[key] = _object_info(key, font_cache, namebuf, descents)
                fontname, upright, size, scale, descent = info
            _LOOSE_BOX(ptp, i, ra)
            _ORIGIN(ptp, i, xa, ya)  # the pen position: pdfminer's x0 (the loose box may start
            x0 = ox.value            # further left, where a glyph's ink overhangs)
            if size is None:  # rotated or skewed text: pdfium's box
                top, bottom, csize = height - rect.top, height - rect.bottom, rect.top - rect.bottom
            else:
                bottom = height - (oy.value + descent * scale)
                top = bottom - size
                csize = size
            append({"text": text, "x0": x0, "x1": rect.right, "top": top, "bottom": bottom,
                    "doctop": top, "size": csize, "upright": upright, "fontname": fontname})
        return chars
    finally:
        R.FPDFText_ClosePage(tp)


def _object_info(key: tuple, font_cache, namebuf, descents):
    """What the characters of one text object share, from its (font, font size, matrix): font
    name, upright, size (None for text that is not level), vertical scale, descent."""
    fkey, fontsize, a, b, c, d = key
    fkey = fkey or 0
    upright = a * d > 0 and b * c <= 0
    if fkey not in font_cache:
        fontname, descent = "", 0.0
        if fkey:
            font = ctypes.cast(fkey, R.FPDF_FONT)
            k = R.FPDFFont_GetBaseFontName(font, namebuf, len(namebuf))
            fontname = namebuf.value.decode("utf-8", "replace") if k else ""
            mine = descents.get(_strip_subset(fontname))
            if mine is None:
                dv = ctypes.c_float()
                mine = dv.value if R.FPDFFont_GetDescent(font, 1.0, dv) else 0.0
            descent = mine
        font_cache[fkey] = (fontname, descent)
    fontname, descent = font_cache[fkey]
    if abs(b) < 1e-9 and abs(c) < 1e-9:  # level text: pdfminer's box from baseline and descent
        return fontname, upright, fontsize * abs(d), fontsize * d, descent
    return fontname, upright, None, fontsize, descent


_TEXT_FONT = _fast(R.FPDFTextObj_GetFont, _V, _V)


# -- ruling edges --------------------------------------------------------------------------------

def _mul(m1, m2):
    """m1 then m2 (row-vector convention, as PDF's)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def page_edges(page, height: float, images: list | None = None) -> list[dict]:
    """Every painted path's segments as pdfplumber edges (top-left origin); ``images``, when
    given, receives the boxes of the image objects met on the way (same origin)."""
    raw = _addr(page.raw)
    edges: list[dict] = []
    _walk(raw, R.FPDFPage_CountObjects(page.raw), _PAGE_OBJECT, None, height, edges, 0, images)
    return edges


_PATH = R.FPDF_PAGEOBJ_PATH
_FORM = R.FPDF_PAGEOBJ_FORM
_MOVETO, _LINETO, _BEZIERTO = R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_LINETO, R.FPDF_SEGMENT_BEZIERTO
_DRAW_MODE = _fast(R.FPDFPath_GetDrawMode, _I, _V, _V, _V)
_MATRIX = _fast(R.FPDFPageObj_GetMatrix, _I, _V, _V)
_COUNT_SEGMENTS = _fast(R.FPDFPath_CountSegments, _I, _V)
_FORM_COUNT = _fast(R.FPDFFormObj_CountObjects, _I, _V)
_IMAGE = R.FPDF_PAGEOBJ_IMAGE
_BOUNDS = _fast(R.FPDFPageObj_GetBounds, _I, _V, _V, _V, _V, _V)


def _walk(owner: int, count: int, get, parent, height, edges, depth, images=None) -> None:
    """The path objects among ``count`` objects of ``owner`` (a page, or a form object: ``get``
    is the matching getter), forms walked into; text objects are only typed, image objects'
    bounds go to ``images`` (when given)."""
    m = R.FS_MATRIX()
    ma = ctypes.addressof(m)
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    fa, sa = ctypes.addressof(fill), ctypes.addressof(stroke)
    for i in range(count):
        obj = get(owner, i)
        kind = _OBJECT_TYPE(obj)
        if kind == _PATH:
            if not _DRAW_MODE(obj, fa, sa) or not (fill.value or stroke.value):
                continue
            _MATRIX(obj, ma)
            mat = (m.a, m.b, m.c, m.d, m.e, m.f)
            if parent is not None:
                mat = _mul(mat, parent)
            _path_edges(obj, mat, height, edges)
        elif kind == _FORM and depth < 12:
            _MATRIX(obj, ma)
            mat = (m.a, m.b, m.c, m.d, m.e, m.f)
            if parent is not None:
                mat = _mul(mat, parent)
            _walk(obj, _FORM_COUNT(obj), _FORM_OBJECT, mat, height, edges, depth + 1, images)
        elif kind == _IMAGE and images is not None:
            box = (ctypes.c_float * 4)()
            if _BOUNDS(obj, *(ctypes.addressof(box) + 4 * k for k in range(4))):
                left, bottom, right, top = box
                images.append((left, height - top, right, height - bottom))


def _path_edges(obj: int, mat, height, edges) -> None:
    a, b, c, d, e, f = mat
    fx, fy = ctypes.c_float(), ctypes.c_float()
    xa, ya = ctypes.addressof(fx), ctypes.addressof(fy)
    subpaths: list[tuple[str, list[tuple[float, float]]]] = []
    shape, pts = "", []
    bezier = 0
    for j in range(_COUNT_SEGMENTS(obj)):
        seg = _SEGMENT(obj, j)
        _SEGMENT_POINT(seg, xa, ya)
        kind = _SEGMENT_TYPE(seg)
        x, y = fx.value, fy.value
        pt = (a * x + c * y + e, b * x + d * y + f)
        if kind == _MOVETO:
            if shape:
                subpaths.append((shape, pts))
            shape, pts, bezier = "m", [pt], 0
        elif kind == _LINETO:
            shape += "l"
            pts.append(pt)
            bezier = 0
        elif kind == _BEZIERTO:
            bezier += 1
            if bezier % 3 == 0:  # two control points, then the end point: pdfminer keeps the end
                shape += "c"
                pts.append(pt)
        if _SEGMENT_CLOSE(seg) and shape:
            shape += "h"
            pts.append(pts[0])
    if shape:
        subpaths.append((shape, pts))
    for shape, pts in subpaths:
        _subpath_edges(shape, pts, height, edges)


def _same(u: float, v: float) -> bool:
    return abs(u - v) < _EPS


def _subpath_edges(shape: str, pts, height, edges) -> None:
    if len(pts) < 2:
        return
    # pdfminer: drop a redundant "l" back to the start before "h"
    if len(shape) > 3 and shape[-2:] == "lh" and _same(pts[-2][0], pts[0][0]) and _same(pts[-2][1], pts[0][1]):
        shape = shape[:-2] + "h"
        pts = pts[:-1]
    if shape in ("ml", "mlh"):  # a line: level is "h", anything else "v" (pdfplumber's rule)
        (x0, y0), (x1, y1) = pts[0], pts[1]
        orientation = "h" if _same(y0, y1) else "v"
        edges.append(_edge(x0, y0, x1, y1, orientation, "line", height))
        return
    kind = "rect_edge" if shape == "mlllh" else "curve_edge"
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        orientation = "v" if _same(x0, x1) else ("h" if _same(y0, y1) else None)
        edges.append(_edge(x0, y0, x1, y1, orientation, kind, height))


def _edge(x0, y0, x1, y1, orientation, kind, height) -> dict:
    if orientation == "h":
        y0 = y1 = (y0 + y1) / 2
    elif orientation == "v" and _same(x0, x1):
        x0 = x1 = (x0 + x1) / 2
    left, right = min(x0, x1), max(x0, x1)
    top, bottom = height - max(y0, y1), height - min(y0, y1)
    return {"object_type": kind, "orientation": orientation, "x0": left, "x1": right, "top": top,
            "bottom": bottom, "doctop": top, "width": right - left, "height": bottom - top}
