"""OCR for scanned pages, pasted images and garbage text layers, offline.

Ingestion hands each page's record to :class:`OcrReader`; when the page needs OCR (see
:mod:`pipeline.read.ocr.select`) the page is rendered, straightened (a scan turned upright from
sideways or upside down, a skew of a few degrees removed), its ruled lines found with OpenCV
(they become the page's ruling edges, so pdfplumber's table finder builds the same grids and
Tables as on a text PDF), and the engine's characters become the page's characters, each with
its box in PDF points and its recognition confidence (``conf``). Every later stage is unchanged;
the confidence travels in ``Page.ocr_spans`` and the check stage turns an error that rests on a
doubtful digit into a warning (:mod:`pipeline.check.ocr`).

A picture pasted into a page that has a text layer is read only when it holds print (a table or
a page pasted in): a chart, a photo, a logo, a seal or an ornament is skipped with a note, judged
on a small rendering before any OCR model is loaded (:mod:`pipeline.read.ocr.picture`). The models
are loaded only for a file that has something to read, and released when its reader closes.

Results are cached by the hash of the rendered page image through an optional ``cache`` object
(``get(key) -> str | None``, ``put(key, value)``) handed down by the caller (the batch runner
keeps one under its output folder), so the same page is never read twice.
"""
from __future__ import annotations

import hashlib
import json
import re
import statistics
import time
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.read.ocr.select import MODES, Plan, plan_page

__all__ = ["MODES", "OcrCache", "OcrReader", "PageOcr", "ocr_image"]

DPI = 300  # the recogniser scales each line to 48 px: 10.5 pt print at 300 dpi is read at full detail (at
# 200 dpi 季 came back as 李 on a clean page); detection runs on a ~1280 px copy, so the cost barely grows
VERSION = "12"  # bump when the output of a cached page would change


class OcrCache(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...


@dataclass
class PageOcr:
    """What OCR read on one page or region, in PDF points (top-left origin)."""

    chars: list[dict] = field(default_factory=list)  # pdfplumber-style chars plus "conf"
    edges: list[dict] = field(default_factory=list)  # ruling edges found in the image
    spans: list[dict] = field(default_factory=list)  # one per text line: bbox, text, conf, chars
    width: float = 0.0  # page size after turning (whole pages)
    height: float = 0.0
    recovered: int = 0  # lines read again in table cells detection had left empty (cells.py)
    unread: list[list[float]] = field(default_factory=list)  # cells holding print that OCR read as nothing
    turns: int = 0  # quarter turns clockwise applied to the scan
    skew: float = 0.0  # degrees removed
    seconds: float = 0.0
    cached: bool = False

    def to_json(self) -> str:
        d = dict(self.__dict__)
        d.pop("seconds"), d.pop("cached")
        return json.dumps(d, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "PageOcr":
        return cls(**json.loads(text), cached=True)


def ocr_image(rgb, dpi: int, engine=None, offset: tuple[float, float] = (0.0, 0.0),
              straighten: bool = True, turn: bool = True) -> PageOcr:
    """OCR one RGB image (a page or a region of one rendered at ``dpi``); ``offset``: where its
    top-left corner sits on the page, in points. ``straighten``: deskewed, and with ``turn``
    turned upright first (a whole page; a picture on an upright page is read as it stands: its
    boxes could not be put back on the page turned)."""
    from pipeline.read.ocr import image as im
    from pipeline.read.ocr.cells import recover
    from pipeline.read.ocr.engines import get_engine

    eng = engine or get_engine()
    grey = im.to_grey(rgb)
    binary = im.ink(grey)
    turns = _best_turn(eng, grey, binary) if straighten and turn else 0
    if turns:
        grey, binary = im.turn(grey, turns), im.turn(binary, turns)
    skew = im.skew_angle(binary) if straighten else 0.0
    if abs(skew) >= 0.2:
        grey = im.rotate(grey, skew)
        binary = im.ink(grey)
    horiz, vert = im.ruled_lines(im.line_ink(grey), dpi)
    erased = im.erase(grey, horiz + vert, pad=2)
    lines = eng.read(erased)
    # table cells that detection left empty but that hold print are read again (cells.py)
    more, unread = recover(eng, erased, lines, horiz, vert, dpi)
    lines += more
    k = 72.0 / dpi
    ox, oy = offset
    out = PageOcr(width=grey.shape[1] * k, height=grey.shape[0] * k, turns=turns, skew=round(skew, 2),
                  recovered=len(more), unread=[[round(v * k + o, 2) for v, o in zip(b, (ox, oy, ox, oy))]
                                               for b in unread])
    for x0, y0, x1, y1 in horiz:
        y = (y0 + y1) / 2 * k + oy
        out.edges.append(_edge(x0 * k + ox, y, x1 * k + ox, y, "h"))
    for x0, y0, x1, y1 in vert:
        x = (x0 + x1) / 2 * k + ox
        out.edges.append(_edge(x, y0 * k + oy, x, y1 * k + oy, "v"))
    # a detected line's box is as tall as its tallest glyphs: a line of digits comes out lower
    # than a line of Chinese of the same print. Lines within reach of the page's usual height get
    # that height (centred), so paragraphs are not cut at a "change of font size"
    usual = statistics.median([ln.box[3] - ln.box[1] for ln in lines]) if lines else 0.0
    for ln in lines:
        if not ln.chars:
            continue
        top, bottom = ln.box[1] * k + oy, ln.box[3] * k + oy
        if 0.6 * usual <= ln.box[3] - ln.box[1] <= 1.4 * usual:
            middle = (top + bottom) / 2
            top, bottom = middle - usual * k / 2, middle + usual * k / 2
        size = max((bottom - top) * 0.8, 1.0)
        span_chars = []
        read = [c for c in ln.chars if c.text.strip()]
        # the engine's character boxes are estimates: a small gap inside one detected line is
        # not a printed space ("3,4 36.31"); close it so the line's text runs on
        height = ln.box[3] - ln.box[1]
        for a, b in zip(read, read[1:]):
            if 0 < b.x0 - a.x1 < 0.8 * height:
                a.x1 = b.x0 = (a.x1 + b.x0) / 2
        _fix_separators(read)
        _fix_one(read)
        _fix_words(read)
        read = _strip_specks(read)
        for c in read:
            x0, x1 = c.x0 * k + ox, c.x1 * k + ox
            out.chars.append({"text": c.text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                              "size": size, "upright": True, "fontname": "OCR", "conf": round(c.conf, 4)})
            span_chars.append([round(x0, 2), round(x1, 2), round(c.conf, 4)])
        if span_chars:
            out.spans.append({"bbox": [round(ln.box[0] * k + ox, 2), round(top, 2), round(ln.box[2] * k + ox, 2),
                                       round(bottom, 2)],
                              "text": "".join(c.text for c in read),
                              "conf": round(min(c[2] for c in span_chars), 4), "chars": span_chars})
    return out


GUESSED = 0.5  # the confidence of a character we corrected: doubtful by construction


def _fix_separators(chars) -> None:
    """Separators inside a number that OCR read as another mark are put back: a full-width comma
    before three digits is a thousands separator (the same mark, another glyph class); a colon
    between digits ("16:44" in a money column) or a comma before the last two ("11,72") is a
    decimal point, and a point followed by three digits and another point ("2.039.49") a
    thousands separator: these are guesses, marked doubtful (GUESSED), so a check resting on
    them can only warn."""
    text = [c.text for c in chars]
    _fix_quotes(chars)

    def digits(i, n):
        return i + n <= len(text) and all(t.isdigit() for t in text[i:i + n])

    for i in range(1, len(chars) - 1):
        c = chars[i]
        if not text[i - 1].isdigit():
            continue
        if c.text == "，" and digits(i + 1, 3) and not digits(i + 4, 1):
            c.text = text[i] = ","
        elif (c.text in ",，" and digits(i + 1, 2) and not digits(i + 3, 1)
              and not (i + 3 < len(text) and text[i + 3] in ",.，")):
            c.text, c.conf = ".", min(c.conf, GUESSED)  # "11,72": a comma before two digits ends a number
            text[i] = "."
        elif c.text in ":：" and text[i + 1].isdigit():
            c.text, c.conf = ".", min(c.conf, GUESSED)
            text[i] = "."
        elif c.text == "." and digits(i + 1, 3) and i + 4 < len(text) and text[i + 4] == ".":
            c.text, c.conf = ",", min(c.conf, GUESSED)
            text[i] = ","


_SPECK = set(".:：·,'`、。，")
_TRAILING = set("-－_~")
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")


def _strip_specks(chars):
    """A speck of noise read as a point or colon at either end of a number standing alone (a
    table cell: "105.58:", ":62.63", "2.71."), or as a hyphen after it ("2080506-": a number
    never ends with one; before it, it is a minus), is dropped."""
    i, j = 0, len(chars)
    while j - i > 1 and chars[i].text in _SPECK:
        i += 1
    while j - i > 1 and (chars[j - 1].text in _SPECK or chars[j - 1].text in _TRAILING):
        j -= 1
    if (i, j) != (0, len(chars)) and _NUMBER.match("".join(c.text for c in chars[i:j])):
        return chars[i:j]
    # inside a line: a point before a number that has its own decimal point ("执行率为.101.80%") or
    # before a year ("编报绩效目标的.2024年度"), or after a number that has its own, against its
    # unit ("支出:307.82.万元"), is a speck: a number has one point, does not begin with it, and a
    # year has none
    text = "".join(c.text for c in chars)
    specks = set()
    if len(text) == len(chars):
        specks = {m.start(1 if m.group(1) else 2) for m in _POINT_SPECK.finditer(text)}
    return [c for k, c in enumerate(chars) if k not in specks] if specks else chars


_POINT_SPECK = re.compile(r"(?<![\d.])([.·])(?=\d[\d,]*\.\d|\d{4}年)|\d\.\d+([.·])(?=[万亿千百]?元)")


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _fix_quotes(chars) -> None:
    """Chinese quotation marks as printed: an ASCII '"' beside Chinese text, or an opening mark
    read where one is already open (“三公“经费: the closing ” read as “), becomes the mark the
    pairing calls for, so that the wording reads as in the text layer (“三公”经费)."""
    open_ = False
    for i, c in enumerate(chars):
        if c.text == "“" and open_:
            c.text = "”"
        elif c.text == '"':
            near = [chars[j].text for j in (i - 1, i + 1) if 0 <= j < len(chars)]
            if not any(_cjk(t) for t in near):
                continue
            c.text = "”" if open_ else "“"
        if c.text in "“”":
            open_ = c.text == "“"


_DASHES = "—－―"


def _fix_one(chars) -> None:
    """一 (one) read as a dash: the glyphs are the same stroke. A lone dash written against a
    following Chinese character ("—级指标", "—般公共预算") is 一; a printed dash is doubled
    (——) or stands between numbers (1—3月) or alone (a nil cell)."""
    for i in range(len(chars) - 1):
        c = chars[i]
        if c.text in _DASHES and _cjk(chars[i + 1].text) and not (i > 0 and chars[i - 1].text in _DASHES):
            c.text = "一"


# 目 read as 自 (one stroke apart): "项自" is no word of a budget report where "项目" is among the
# most frequent; put back before the words 项目 is printed with (项目预算执行率, 项目支出…), as a guess
_MU_NEXT = set("预支资执绩名完实管库经")


def _fix_words(chars) -> None:
    for i in range(1, len(chars) - 1):
        if chars[i].text == "自" and chars[i - 1].text == "项" and chars[i + 1].text in _MU_NEXT:
            chars[i].text, chars[i].conf = "目", min(chars[i].conf, GUESSED)


ORIENT_SIDE = 640  # longer side (px) of the copy on which a page's turn is found: its lines' boxes, not
# its text, are wanted; 社会工作部 p7's 9 pt table print is still found at 640, not at 480 (bench/README.md)
ORIENT_LINES = 12  # lines given to the 180° classifier
ORIENT_SURE = 0.5  # its mean verdict (-1 upside down .. +1 upright) below which it is asked again or
# recognition decides
ORIENT_DOUBT = 0.2  # lines running the other way holding more than this share of the text: read both ways
ORIENT_READ = 4  # lines read (each way) when recognition decides
ORIENT_FEWEST = 3  # lines found on the small copy below which the usual detection pass looks


def _best_turn(eng, grey, binary) -> int:
    """The quarter turns clockwise that make the page upright (0 to 3).

    Lines of text run across the reading direction: the detector finds boxes wide on an upright
    (or upside-down) page and tall on a page turned 90° either way, whatever its ink profile (the
    column rules of a wide landscape table made an upright page look sideways: 社会工作部 p7 was
    read transposed; a landscape table turned into a portrait image can look upright). The boxes'
    area, wide against tall (only clearly wide or tall ones: a lone character is square), gives
    the axis. Which way along it: pieces of the longest lines, turned to run across, go to the
    engine's 180° line classifier. This runs on a small copy of the page first (~0.1 CPU-s); when
    the copy leaves a doubt (few lines found, much text both ways, an unsure classifier) the usual
    detection pass looks again, and if that still leaves a doubt, recognition decides: confidence
    times characters read, a few long lines read each way. An engine without a detector of its
    own (tesseract) is only turned a quarter when its ink profile looks sideways
    (:func:`image.sideways`), whichever way reads the most inked quarter of the page best; it is
    never turned upside down."""
    from pipeline.read.ocr import image as im

    if hasattr(eng, "detect") and hasattr(eng, "recognize"):
        area = lambda b: (b[2] - b[0]) * (b[3] - b[1])  # noqa: E731
        h, w = grey.shape[:2]

        def crops(lines: list, q: int, n: int) -> list:  # the n longest lines, turned q to run across
            some = sorted(lines, key=lambda b: max(b[2] - b[0], b[3] - b[1]), reverse=True)[:n]
            out = [im.turn(grey[max(int(b[1]), 0):min(int(b[3]) + 1, h), max(int(b[0]), 0):min(int(b[2]) + 1, w)], q)
                   for b in some]
            return [c for c in out if c.size]

        def score(crops_) -> float:
            return sum(c.conf for crop in crops_ for ln in eng.recognize(crop, [(0, 0, crop.shape[1], crop.shape[0])])
                       for c in ln.chars)

        # the small copy first; when it leaves a doubt (print too small, the lines of a paragraph
        # joined into blocks), the usual detection pass, whose boxes are single lines
        for last, side in ((False, ORIENT_SIDE), (True, None)):
            boxes = eng.detect(grey, side=side) if side else eng.detect(grey)
            lines = {0: [b for b in boxes if b[2] - b[0] >= 1.5 * (b[3] - b[1])],  # running across
                     1: [b for b in boxes if b[3] - b[1] >= 1.5 * (b[2] - b[0])]}  # running down
            weight = {q: sum(map(area, lines[q])) for q in lines}
            if len(lines[0]) + len(lines[1]) < ORIENT_FEWEST:
                if last and not weight[0] and not weight[1]:
                    return 0
                if not last:
                    continue
            if min(weight.values()) > ORIENT_DOUBT * max(weight.values()):
                if not last:
                    continue
                # both ways hold much text (盐田 p25, p29: tables of criteria, paragraphs in narrow
                # cells, whose lines the detector joins into blocks running the other way when the
                # page is turned): which of the four turns reads best, on a few long lines each way
                scores = {}
                for q in (0, 1):
                    some = crops(lines[q], q, ORIENT_READ)
                    scores[q], scores[q + 2] = score(some), score([im.turn(c, 2) for c in some])
                return max(scores, key=scores.get)
            quarter = 0 if weight[0] >= weight[1] else 1
            sample = crops(lines[quarter], quarter, ORIENT_LINES)
            if hasattr(eng, "direction"):
                # the classifier sees 48 x 192 px: a long line is cut into pieces of that shape
                # (squeezed whole, a line of prose upside down was taken for upright)
                verdict = eng.direction([piece for c in sample for piece in _pieces(c)])
                mean = sum(verdict) / len(verdict) if verdict else 0.0
                if abs(mean) >= ORIENT_SURE:
                    return quarter if mean > 0 else quarter + 2
            if last:
                some = sample[:ORIENT_READ]
                return quarter if score(some) >= score([im.turn(c, 2) for c in some]) else quarter + 2
    if not im.sideways(binary):
        return 0
    best, best_score = 0, -1.0
    for turns in (0, 1, 3):
        g, b = im.turn(grey, turns), im.turn(binary, turns)
        top, bottom = im.inked_band(b, 0.25)
        score = sum(c.conf for ln in eng.read(g[top:bottom]) for c in ln.chars)
        if score > best_score:
            best, best_score = turns, score
    return best


def _pieces(crop, n: int = 3) -> list:
    """Up to ``n`` pieces of a line's crop (running across), each four times as long as high: its
    start, middle and end."""
    h, w = crop.shape[:2]
    step = 4 * h
    if w <= step:
        return [crop]
    starts = sorted({0, (w - step) // 2, w - step})[:n]
    return [crop[:, x:x + step] for x in starts]


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(f"{start}-{n}" if n != start else str(n))
            start = None
    return ", ".join(out)


def _edge(x0, top, x1, bottom, orientation) -> dict:
    return {"object_type": "line", "orientation": orientation, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "doctop": top, "width": x1 - x0, "height": bottom - top}


class OcrReader:
    """OCR for the pages of one PDF that need it. ``mode``: auto, always or never (default: the
    environment's ``GOVAUDIT_OCR``, else auto); ``cache``: an
    :class:`OcrCache` or None; ``engine``: an engine name (default rapidocr)."""

    def __init__(self, path, mode: str | None = None, cache: OcrCache | None = None, engine: str | None = None,
                 dpi: int = DPI):
        import os

        mode = mode or os.environ.get("GOVAUDIT_OCR") or "auto"
        if mode not in MODES:
            raise ValueError(f"unknown OCR mode {mode!r}; one of {', '.join(MODES)}")
        self.path, self.mode, self.cache, self.engine_name, self.dpi = str(path), mode, cache, engine, dpi
        self._pdf = None
        self.done: dict[int, list[PageOcr]] = {}  # page number -> what was read there
        self.regions: dict[int, list[tuple[float, float, float, float]]] = {}
        self.whole: set[int] = set()  # pages read whole (scans, garbage text layers)
        self.failed: dict[int, str] = {}  # page number -> why OCR could not run there
        # pictures on text pages not read (pipeline.read.ocr.picture): page number -> what each was taken for
        self.skipped: dict[int, list[str]] = {}
        self.looks: list[tuple[int, tuple, object]] = []  # (page, box, picture.Look) of every picture judged
        self.seconds = 0.0
        self._release: set[str] = set()  # engines this reader loaded: released when it closes
        if mode == "auto":
            from pipeline.read.ocr.rules import rules

            rules()  # patterns/ocr.yaml: a bad value fails here, with one line, not on the first picture

    def _doc(self):
        if self._pdf is None:
            import pypdfium2 as pdfium
            self._pdf = pdfium.PdfDocument(self.path)
        return self._pdf

    def page(self, rec, index: int):
        """The page record, with OCR's characters and rules in place where the page needs them
        (unchanged when OCR cannot run there: the reason is kept in ``failed``)."""
        if self.mode == "never":
            return rec
        try:
            return self._page(rec, index)
        except Exception as e:  # an engine that cannot load, a page pdfium cannot render
            self.failed[rec.page_number] = f"{type(e).__name__}: {e}"[:200]
            return rec

    def _page(self, rec, index: int):
        plan: Plan = plan_page(rec, self._doc(), index, self.mode)
        if not plan:
            return rec
        from pipeline.read.backends import PageRecord
        from pipeline.read.ocr import image as im

        if plan.whole:
            rgb = im.render(self._doc(), index, self.dpi)
            got = self._read(rgb, (0.0, 0.0), straighten=True)
            self.done[rec.page_number] = [got]
            self.whole.add(rec.page_number)
            self.regions[rec.page_number] = [(0.0, 0.0, got.width, got.height)]
            return PageRecord(page_number=rec.page_number, width=got.width, height=got.height,
                              chars=list(got.chars), edges=list(got.edges))
        # a picture on a page that has a text layer is read only when it holds print (a pasted table
        # or page), not a chart, a photo, a logo, a seal or an ornament: judged on a small rendering
        # before any OCR model is loaded (picture.py)
        from pipeline.read.ocr import picture

        regions = []
        for region in plan.regions:
            look = picture.look_at(self._doc(), index, region, rec.width, rec.height)
            self.looks.append((rec.page_number, tuple(region), look))
            if look.kind == picture.TEXT:
                regions.append(region)
            else:
                self.skipped.setdefault(rec.page_number, []).append(look.kind)
        if not regions:
            return rec
        chars, edges, results = list(rec.chars), list(rec.edges), []
        for region in regions:
            # a margin round the picture, so that the rules on its edges are whole in the crop
            box = (max(region[0] - 6, 0.0), max(region[1] - 6, 0.0), min(region[2] + 6, rec.width),
                   min(region[3] + 6, rec.height))
            rgb = im.render(self._doc(), index, self.dpi, crop_pts=box)
            got = self._read(rgb, (box[0], box[1]), straighten=True, turn=False)
            results.append(got)
            chars += got.chars
            edges += got.edges
        self.done[rec.page_number] = results
        self.regions[rec.page_number] = regions
        return PageRecord(page_number=rec.page_number, width=rec.width, height=rec.height, chars=chars, edges=edges)

    def _read(self, rgb, offset, straighten: bool, turn: bool = True) -> PageOcr:
        from pipeline.read.ocr.engines import DEFAULT_ENGINE

        start = time.perf_counter()
        name = self.engine_name or DEFAULT_ENGINE
        key = None
        if self.cache is not None:
            h = hashlib.sha256(rgb.tobytes())
            h.update(f"{rgb.shape}|{self.dpi}|{name}|{offset}|{VERSION}".encode())
            key = h.hexdigest()
            hit = self.cache.get(key)
            if hit:
                got = PageOcr.from_json(hit)
                got.seconds = time.perf_counter() - start
                self.seconds += got.seconds
                return got
        from pipeline.read.ocr import engines

        if not engines.loaded(name):
            self._release.add(name)
        got = ocr_image(rgb, self.dpi, engines.get_engine(name), offset, straighten, turn)
        got.seconds = time.perf_counter() - start
        self.seconds += got.seconds
        if key is not None:
            self.cache.put(key, got.to_json())
        return got

    @property
    def pages(self) -> list[int]:
        return sorted(self.done)

    def spans(self, number: int) -> list[dict]:
        return [s for got in self.done.get(number, []) for s in got.spans]

    def annotate(self, pages, timings: dict | None = None) -> list[str]:
        """Put what OCR read on the document's pages (regions, spans with confidences, turns);
        ``timings`` (ingestion's) gets the OCR seconds under ``ocr``. Returns notes for the
        report: which pages were read by OCR, and where OCR could not run."""
        from pipeline.document import OcrSpan

        for pg in pages:
            results = self.done.get(pg.number)
            if not results:
                continue
            pg.ocr_regions = [tuple(b) for b in self.regions[pg.number]]
            pg.ocr_spans = [OcrSpan(bbox=tuple(s["bbox"]), text=s["text"], conf=s["conf"],
                                    chars=[tuple(c) for c in s["chars"]]) for s in self.spans(pg.number)]
            # table cells holding print that OCR read as nothing: a check over them can only warn
            pg.ocr_unread = [tuple(b) for got in results for b in got.unread]
            pg.ocr_turns = results[0].turns if pg.number in self.whole else 0
        if timings is not None:
            timings["ocr"] = timings.get("ocr", 0.0) + self.seconds
        notes = []
        if self.done:
            whole = sorted(self.whole)
            parts = sorted(set(self.done) - self.whole)
            notes.append("OCR: " + "; ".join(
                [f"page(s) {_ranges(whole)} read from the page image"] * bool(whole)
                + [f"image region(s) on page(s) {_ranges(parts)} read by OCR"] * bool(parts)))
        by_kind: dict[str, list[int]] = {}
        for number, kinds in sorted(self.skipped.items()):
            for kind in kinds:
                by_kind.setdefault(kind, []).append(number)
        for kind, numbers in by_kind.items():
            pages_ = sorted(set(numbers))
            notes.append(f"OCR: {'image' if len(numbers) == 1 else 'images'} on page{'s' * (len(pages_) > 1)} "
                         f"{_ranges(pages_)} skipped ({kind})")
        for number, why in sorted(self.failed.items()):
            notes.append(f"OCR could not run on page {number} ({why})")
        return notes

    def close(self) -> None:
        """Close the PDF, and release the OCR models this reader loaded: a batch worker that read one
        scanned file does not carry ~400 MB of onnxruntime sessions into the text files after it
        (the next scan loads them again: 0.2-0.3 s)."""
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
        if self._release:
            from pipeline.read.ocr import engines

            for name in self._release:
                engines.release(name)
            self._release.clear()
