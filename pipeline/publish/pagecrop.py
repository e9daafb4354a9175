"""Pictures of where numbers sit: render a page region with each number boxed in colour.

    with PageCropper("samples/yantian_2023.pdf") as pc:
        crops = pc.crops(finding.evidence)      # one Crop per evidence page, in order
        crops[0].png, crops[0].alt              # PNG bytes, "第12页：26.67%"

Boxes come in pdfplumber coordinates (points, origin top-left), which match the orientation of
the bitmap pypdfium2 renders. When an evidence box is a whole table cell, the printed number is
looked up in the page's text layer inside that box, so the picture boxes the number itself.

Each box's numbered tag sits where it hides no printed text: just left or right of the box when
that space is blank, else in the page margin (widened when the page has none) with a leader line
along the box's top edge. ``page_png`` renders a whole page, for the report's page view.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document import BBox, union_bbox

DPI = 130
# box colours, one per evidence entry of a finding (the HTML legend uses the same ones)
PALETTE: list[tuple[int, int, int]] = [
    (220, 38, 38),    # red
    (37, 99, 235),    # blue
    (217, 119, 6),    # amber
    (22, 163, 74),    # green
    (147, 51, 234),   # purple
    (219, 39, 119),   # pink
    (8, 145, 178),    # cyan
]
MARGIN_Y = 42.0     # points of context above and below the numbers
MARGIN_X = 24.0
# A page picture is black text on white plus the boxes: a 256-colour palette PNG is a third of the
# size of an RGB one and looks the same (samples: 39 KB instead of 129 KB for a 1009x766 crop).
# The box colours keep palette entries of their own, so outlines and tags stay exactly PALETTE.
PNG_COLOURS = 256

_NUMBER = re.compile(r"[-−]?\d[\d,，]*(?:\.\d+)?\s*[%％]?")


def color(i: int) -> tuple[int, int, int]:
    return PALETTE[i % len(PALETTE)]


def hex_color(i: int) -> str:
    return "#%02x%02x%02x" % color(i)


@dataclass
class Mark:
    """One number to box: where it is, its colour index and tag, what it reads."""

    bbox: BBox
    index: int  # position in the finding's evidence list: colour and tag "1", "2", ...
    value_text: str | None = None


@dataclass
class Crop:
    page: int
    png: bytes
    width: int
    height: int
    marks: list[Mark] = field(default_factory=list)
    region: BBox = (0.0, 0.0, 0.0, 0.0)  # the page area shown, points, top-left origin
    scale: float = 1.0                   # pixels per point
    left: int = 0                        # pixels of margin added left of the page area for tags
    tags: list[tuple[int, int, int, int]] = field(default_factory=list)  # each mark's tag, pixels

    def pixel_box(self, mark: Mark) -> tuple[int, int, int, int]:
        """Where ``mark``'s number sits in the picture, in pixels (its drawn box is just outside)."""
        return _shift(_to_px(mark.bbox, self.region, self.scale, 0), self.left)

    def to_pixels(self, bbox: BBox) -> tuple[int, int, int, int]:
        """Any page box (points) in the picture's pixels."""
        return _shift(_to_px(bbox, self.region, self.scale, 0), self.left)

    @property
    def alt(self) -> str:
        values = [m.value_text for m in self.marks if m.value_text]
        return f"第{self.page}页：" + "、".join(dict.fromkeys(values)) if values else f"第{self.page}页"


class PageCropper:
    """One open PDF; renders crops for as many findings as needed, then closes."""

    def __init__(self, pdf_path: str | Path, dpi: int = DPI, turns: dict[int, int] | None = None):
        """``turns``: pages scanned sideways, with the quarter turns clockwise OCR applied to make
        them upright (``Source.ocr_turns``): their boxes are in the upright page, so the page is
        rendered turned the same way."""
        import pypdfium2 as pdfium

        self.dpi = dpi
        self.turns = {int(k): v % 4 for k, v in (turns or {}).items() if v % 4}
        self.pdf = pdfium.PdfDocument(str(pdf_path))
        self._text: dict[int, tuple[list[BBox], list[BBox]]] = {}  # page -> (text lines, characters)

    def _page_text(self, page_no: int, page, height: float) -> tuple[list[BBox], list[BBox]]:
        """A page's text-run and character boxes, read once per page however many findings it has."""
        if page_no not in self._text:
            self._text[page_no] = (_text_lines(page, height), _char_boxes(page, height))
        return self._text[page_no]

    def __enter__(self) -> PageCropper:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.pdf.close()

    def crops(self, evidence) -> list[Crop]:
        """One crop per page the evidence is on, pages in order of first appearance."""
        by_page: dict[int, list[Mark]] = {}
        for i, ev in enumerate(evidence):
            by_page.setdefault(ev.page, []).append(Mark(tuple(ev.bbox), i, ev.value_text))
        return [self.crop(page, marks) for page, marks in by_page.items()]

    def crop(self, page_no: int, marks: list[Mark]) -> Crop:
        if not 1 <= page_no <= len(self.pdf):
            raise ValueError(f"page {page_no} not in document ({len(self.pdf)} pages)")
        if page_no in self.turns:
            return self._turned_crop(page_no, marks)
        page = self.pdf[page_no - 1]
        try:
            width, height = page.get_size()
            marks = [Mark(_tighten(page, height, m.bbox, m.value_text), m.index, m.value_text) for m in marks]
            lines, printed = self._page_text(page_no, page, height)
            region = _region(union_bbox([m.bbox for m in marks]), width, height, lines)
            scale = self.dpi / 72
            x0, top, x1, bottom = region
            bitmap = page.render(scale=scale, crop=(x0, height - bottom, width - x1, top))
            image = bitmap.to_pil().convert("RGB")
        finally:
            page.close()
        image, left, tags = _draw(image, marks, region, scale, printed)
        return Crop(page_no, _png(image), image.width, image.height, marks, region, scale, left, tags)

    def _turned_crop(self, page_no: int, marks: list[Mark]) -> Crop:
        """A crop of a page scanned sideways: the page rendered upright (turned as OCR turned it),
        then cut. A scan has no text layer to tighten the boxes or keep the tags off."""
        image = self._render(page_no, self.dpi / 72)
        scale = self.dpi / 72
        width, height = image.width / scale, image.height / scale
        region = _region(union_bbox([m.bbox for m in marks]), width, height, [])
        x0, top, x1, bottom = region
        image = image.crop((round(x0 * scale), round(top * scale), round(x1 * scale), round(bottom * scale)))
        image, left, tags = _draw(image, marks, region, scale, [])
        return Crop(page_no, _png(image), image.width, image.height, marks, region, scale, left, tags)

    def _render(self, page_no: int, scale: float):
        page = self.pdf[page_no - 1]
        try:
            return page.render(scale=scale, rotation=90 * self.turns.get(page_no, 0)).to_pil().convert("RGB")
        finally:
            page.close()

    def page_png(self, page_no: int, dpi: int = 96) -> tuple[bytes, int, int]:
        """The whole page as a palette PNG (upright when it was scanned sideways): (bytes, width, height)."""
        if not 1 <= page_no <= len(self.pdf):
            raise ValueError(f"page {page_no} not in document ({len(self.pdf)} pages)")
        image = self._render(page_no, dpi / 72)
        return _png(image), image.width, image.height


def _png(image) -> bytes:
    """Palette PNG: an adaptive palette for the page, plus the box colours as exact entries."""
    from PIL import Image

    free = PNG_COLOURS - len(PALETTE)
    # fast octree + zlib level 6: ~19 ms a crop against ~90 ms for median cut + optimize, and smaller
    adaptive = image.quantize(colors=free, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    palette = Image.new("P", (1, 1))
    palette.putpalette(adaptive.getpalette()[:3 * free] + [v for rgb in PALETTE for v in rgb])
    buf = io.BytesIO()
    image.quantize(palette=palette, dither=Image.Dither.NONE).save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def _shift(box: tuple[int, int, int, int], dx: int) -> tuple[int, int, int, int]:
    return (box[0] + dx, box[1], box[2] + dx, box[3])


def _to_px(bbox: BBox, region: BBox, scale: float, pad: float) -> tuple[int, int, int, int]:
    return (round((bbox[0] - region[0]) * scale - pad), round((bbox[1] - region[1]) * scale - pad),
            round((bbox[2] - region[0]) * scale + pad), round((bbox[3] - region[1]) * scale + pad))


def _region(boxes: BBox, width: float, height: float, lines: list[BBox]) -> BBox:
    """The page region to show: the page's width (a row keeps its label, a sentence its start),
    from a few lines above the boxes to a few lines below, edges moved off any cut line."""
    x0, top, x1, bottom = boxes
    left = max(0.0, min(x0 - MARGIN_X, width * 0.03))
    right = min(width, max(x1 + MARGIN_X, width * 0.97))
    top_, bottom_ = top - MARGIN_Y, bottom + MARGIN_Y
    for ln in lines:  # a text line cut by an edge: take it whole
        if ln[1] < top_ < ln[3] and ln[3] - ln[1] < 40:
            top_ = ln[1] - 3
        if ln[1] < bottom_ < ln[3] and ln[3] - ln[1] < 40:
            bottom_ = ln[3] + 3
    return (left, max(0.0, top_), right, min(height, bottom_))


def _char_boxes(page, height: float) -> list[BBox]:
    """Each printed character's box, its full advance (a "。" is as wide as a character), top-left origin."""
    return _text_boxes(page, height, chars=True)


def _text_lines(page, height: float) -> list[BBox]:
    """Boxes of the page's text runs (pdfium's text rectangles), top-left origin."""
    return _text_boxes(page, height, chars=False)


def _text_boxes(page, height: float, chars: bool) -> list[BBox]:
    try:
        textpage = page.get_textpage()
    except Exception:
        return []
    try:
        from pipeline.limits import current

        n = textpage.count_chars() if chars else textpage.count_rects()
        if n > current().page_chars:  # a page packed past the reading limit: no boxes to avoid
            return []
        boxes = []
        for k in range(n):
            left, bottom, right, top = textpage.get_charbox(k, loose=True) if chars else textpage.get_rect(k)
            if right > left and top > bottom:
                boxes.append((left, height - top, right, height - bottom))
        return boxes
    finally:
        textpage.close()


def _tighten(page, height: float, bbox: BBox, value_text: str | None) -> BBox:
    """The box of the printed number inside ``bbox`` (a table cell, a line), else ``bbox``."""
    if not value_text:
        return bbox
    m = _NUMBER.search(value_text)
    if not m:
        return bbox
    needle = re.sub(r"\s+", "", m.group()).replace("％", "%")
    try:
        textpage = page.get_textpage()
    except Exception:
        return bbox
    try:
        for text in dict.fromkeys((needle, needle.rstrip("%"))):
            found = _find_in(textpage, height, text, bbox)
            if found:
                return found
    finally:
        textpage.close()
    return bbox


def _find_in(textpage, height: float, text: str, bbox: BBox) -> BBox | None:
    searcher = textpage.search(text, match_case=True)
    try:
        while (hit := searcher.get_next()) is not None:
            index, count = hit
            boxes = []
            for k in range(index, index + count):
                left, bottom, right, top = textpage.get_charbox(k)
                if right > left:
                    boxes.append((left, height - top, right, height - bottom))
            if not boxes:
                continue
            box = union_bbox(boxes)
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            if bbox[0] - 2 <= cx <= bbox[2] + 2 and bbox[1] - 2 <= cy <= bbox[3] + 2:
                return box
    finally:
        searcher.close()
    return None


def box_style(scale: float) -> tuple[int, int]:
    """(gap between the number and its box, outline width), in pixels."""
    return round(2.5 * scale), max(2, round(1.6 * scale))


PxBox = tuple[int, int, int, int]


def _overlaps(a: PxBox, b: PxBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_tags(size: tuple[int, int], boxes: list[PxBox], tag_sizes: list[tuple[int, int]],
                blocked: list[PxBox], gap: int) -> tuple[int, list[PxBox], set[int]]:
    """Where each box's tag goes, in pixels: beside its box (left, then right) where nothing printed
    is, else in the margin left of all text, in columns so that no tag covers another. Returns
    (pixels added on the left to make that margin, the tag boxes in the widened picture, which of
    them are in the margin)."""
    width, height = size
    text_left = min([b[0] for b in [*blocked, *boxes] if b[2] > 0] or [width])
    out: dict[int, PxBox] = {}
    for k, ((x0, y0, x1, y1), (tw, th)) in enumerate(zip(boxes, tag_sizes)):
        top = (y0 + y1) // 2 - th // 2
        for cand in ((x0 - gap - tw, top, x0 - gap, top + th), (x1 + gap, top, x1 + gap + tw, top + th)):
            # beside the box, inside the picture, and not out in the margin (kept for the others)
            inside = cand[0] >= text_left and cand[1] >= 0 and cand[2] <= width and cand[3] <= height
            if inside and not any(_overlaps(cand, b) for b in [*blocked, *boxes, *out.values()]):
                out[k] = cand
                break
    pending = [k for k in range(len(boxes)) if k not in out]
    if not pending:
        return 0, [out[k] for k in range(len(boxes))], set()
    # the margin: a tag centred on its box's top edge (the leader runs along it, between lines)
    col_w = max(tw for tw, _ in tag_sizes) + gap
    columns: list[list[tuple[int, int]]] = []  # per column: (top, bottom) of the tags in it
    where: dict[int, tuple[int, int]] = {}     # k -> (column, top)
    for k in sorted(pending, key=lambda k: boxes[k][1]):
        th = tag_sizes[k][1]
        y = max(0, min(height - th, boxes[k][1] - th // 2))
        col = next((c for c, used in enumerate(columns) if all(y + th + gap <= a or b + gap <= y for a, b in used)),
                   len(columns))
        if col == len(columns):
            columns.append([])
        columns[col].append((y, y + th))
        where[k] = (col, y)
    need = len(columns) * col_w + gap  # the margin's width
    added = max(0, need - text_left)
    start = max(0, text_left - need)  # the margin's left edge, before widening
    shifted = {k: (b[0] + added, b[1], b[2] + added, b[3]) for k, b in out.items()}
    for k, (col, y) in where.items():
        tw, th = tag_sizes[k]
        x = start + added + gap + (len(columns) - 1 - col) * col_w  # column 0 nearest the text
        shifted[k] = (x, y, x + tw, y + th)
    return added, [shifted[k] for k in range(len(boxes))], set(pending)


def _draw(image, marks: list[Mark], region: BBox, scale: float, printed: list[BBox] = ()):
    """Box each mark in its colour and tag it with its number where the tag hides nothing printed.
    Returns (the picture, pixels added on its left for tags, the tag boxes)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=max(11, round(9 * scale)))
    pad, line = box_style(scale)
    probe = ImageDraw.Draw(image)
    boxes = [_to_px(m.bbox, region, scale, pad) for m in marks]
    sizes = []
    for m in marks:
        tx0, ty0, tx1, ty1 = probe.textbbox((0, 0), str(m.index + 1), font=font)
        sizes.append((tx1 - tx0 + 2 * pad, ty1 - ty0 + 2 * pad))
    blocked = [_to_px(ch, region, scale, 1) for ch in printed]
    blocked = [b for b in blocked if b[2] > 0 and b[3] > 0 and b[0] < image.width and b[1] < image.height]
    added, tags, in_margin = _place_tags(image.size, boxes, sizes, blocked, max(2, pad))
    if added:
        wider = Image.new("RGB", (image.width + added, image.height), (255, 255, 255))
        wider.paste(image, (added, 0))
        image = wider
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for k, (m, box, tag) in enumerate(zip(marks, boxes, tags)):
        rgb = color(m.index)
        x0, y0, x1, y1 = _shift(box, added)
        draw.rectangle((x0, y0, x1, y1), fill=rgb + (38,), outline=rgb + (255,), width=line)
        if k in in_margin:  # a leader from the tag along the box's top edge, between the lines
            ly = min(max(y0, tag[1] + line), tag[3] - line)
            draw.line((tag[2], ly, x0, ly), fill=rgb + (255,), width=max(1, line // 2))
            draw.line((x0, ly, x0, y0), fill=rgb + (255,), width=max(1, line // 2))
    for m, tag in zip(marks, tags):  # tags last: a leader never runs over one
        rgb = color(m.index)
        text = str(m.index + 1)
        tx0, ty0, _, _ = draw.textbbox((0, 0), text, font=font)
        draw.rectangle(tag, fill=rgb + (255,))
        draw.text((tag[0] + pad - tx0, tag[1] + pad - ty0), text, fill=(255, 255, 255, 255), font=font)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    return image, added, tags
