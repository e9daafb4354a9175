"""Pictures of where numbers sit: render a page region with each number boxed in colour.

    with PageCropper("samples/yantian_2023.pdf") as pc:
        crops = pc.crops(finding.evidence)      # one Crop per evidence page, in order
        crops[0].png, crops[0].alt              # PNG bytes, "第12页：26.67%"

Boxes come in pdfplumber coordinates (points, origin top-left), which match the orientation of
the bitmap pypdfium2 renders. When an evidence box is a whole table cell, the printed number is
looked up in the page's text layer inside that box, so the picture boxes the number itself.
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

    def pixel_box(self, mark: Mark) -> tuple[int, int, int, int]:
        """Where ``mark``'s number sits in the picture, in pixels (its drawn box is just outside)."""
        return _to_px(mark.bbox, self.region, self.scale, 0)

    @property
    def alt(self) -> str:
        values = [m.value_text for m in self.marks if m.value_text]
        return f"第{self.page}页：" + "、".join(dict.fromkeys(values)) if values else f"第{self.page}页"


class PageCropper:
    """One open PDF; renders crops for as many findings as needed, then closes."""

    def __init__(self, pdf_path: str | Path, dpi: int = DPI):
        import pypdfium2 as pdfium

        self.dpi = dpi
        self.pdf = pdfium.PdfDocument(str(pdf_path))

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
        page = self.pdf[page_no - 1]
        try:
            width, height = page.get_size()
            marks = [Mark(_tighten(page, height, m.bbox, m.value_text), m.index, m.value_text) for m in marks]
            region = _region(union_bbox([m.bbox for m in marks]), width, height, _text_lines(page, height))
            scale = self.dpi / 72
            x0, top, x1, bottom = region
            bitmap = page.render(scale=scale, crop=(x0, height - bottom, width - x1, top))
            image = bitmap.to_pil().convert("RGB")
        finally:
            page.close()
        _draw(image, marks, region, scale)
        return Crop(page_no, _png(image), image.width, image.height, marks, region, scale)


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


def _text_lines(page, height: float) -> list[BBox]:
    """Boxes of the page's text runs (pdfium's text rectangles), top-left origin."""
    try:
        textpage = page.get_textpage()
    except Exception:
        return []
    try:
        rects = []
        for k in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(k)
            rects.append((left, height - top, right, height - bottom))
        return rects
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


def _draw(image, marks: list[Mark], region: BBox, scale: float) -> None:
    from PIL import Image, ImageDraw, ImageFont

    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    font = ImageFont.load_default(size=max(11, round(9 * scale)))
    pad, line = box_style(scale)
    for m in marks:
        rgb = color(m.index)
        x0, y0, x1, y1 = _to_px(m.bbox, region, scale, pad)
        draw.rectangle((x0, y0, x1, y1), fill=rgb + (38,), outline=rgb + (255,), width=line)
        tag = str(m.index + 1)
        tx0, ty0, tx1, ty1 = draw.textbbox((0, 0), tag, font=font)
        tw, th = tx1 - tx0 + 2 * pad, ty1 - ty0 + 2 * pad
        bx, by = x0, max(0, y0 - th)  # a numbered tab on the box's top-left corner
        draw.rectangle((bx, by, bx + tw, by + th), fill=rgb + (255,))
        draw.text((bx + pad - tx0, by + pad - ty0), tag, fill=(255, 255, 255, 255), font=font)
    image.paste(Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB"))
