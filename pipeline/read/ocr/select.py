"""Which pages (or parts of pages) to OCR, from what the text layer and the page objects say.

- a page without usable characters whose area is mostly covered by images: a scan -> the page;
- a text layer that is garbage: mostly private-use code points or CJK radicals / strokes where
  digits and ideographs should be (a font with a wrong ToUnicode map) -> the page, text layer
  dropped;
- an image of some size on a page that has a text layer, with (almost) no characters over it:
  a table or page pasted in as a picture -> that region, if :mod:`pipeline.read.ocr.picture` finds
  print in it (a chart, a photo, a logo, a seal or an ornament is skipped, with a note).
"""
from __future__ import annotations

from dataclasses import dataclass, field

MODES = ("auto", "always", "never")

_MIN_CHARS = 5  # fewer usable characters than this: the page has no text layer to speak of
_GARBAGE_SHARE = 0.3
_SCAN_COVER = 0.2  # share of the page an image must cover for a text-less page to be a scan
_REGION_COVER = 0.06  # least share of the page for a pasted image to be worth reading
_REGION_MAX_CHARS = 3


@dataclass
class Plan:
    whole: bool = False  # OCR the whole page (its text layer, if any, is dropped)
    regions: list[tuple[float, float, float, float]] = field(default_factory=list)  # else these boxes
    reason: str = ""

    def __bool__(self) -> bool:
        return self.whole or bool(self.regions)


def suspect(ch: str) -> bool:
    """A code point a correct text layer of a Chinese report would almost never hold."""
    o = ord(ch)
    return (0xE000 <= o <= 0xF8FF or 0xF0000 <= o or 0x2E80 <= o <= 0x2FDF or 0x31C0 <= o <= 0x31EF
            or o == 0xFFFD or o < 0x20)


def garbage_share(chars: list[dict]) -> float:
    texts = [c["text"] for c in chars if c["text"].strip()]
    n = sum(len(t) for t in texts)
    return sum(suspect(ch) for t in texts for ch in t) / n if n else 0.0


def image_boxes(pdf, index: int) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, top, x1, bottom; PDF points, top-left origin, as the text layer has them) of the
    page's image objects, forms included."""
    import pypdfium2.raw as R

    page = pdf[index]
    try:
        h = page.get_size()[1]
        boxes = []
        for obj in page.get_objects(filter=[R.FPDF_PAGEOBJ_IMAGE], max_depth=4):
            left, bottom, right, top = obj.get_bounds()
            boxes.append((left, h - top, right, h - bottom))
        return boxes
    finally:
        page.close()


def plan_page(rec, pdf, index: int, mode: str) -> Plan:
    """What to OCR on one page (``rec``: the backend's PageRecord; ``pdf``: pypdfium2 document)."""
    if mode == "never":
        return Plan()
    if mode == "always":
        return Plan(whole=True, reason="--ocr always")
    chars = [c for c in rec.chars if c["text"].strip()]
    if len(chars) >= 20 and garbage_share(chars) >= _GARBAGE_SHARE:
        return Plan(whole=True, reason="garbage text layer")
    if rec.width <= 0 or rec.height <= 0:
        return Plan()
    area = rec.width * rec.height
    # the pdfium backend lists the image boxes in its walk over the page's objects (rec.images)
    found = rec.images if getattr(rec, "images", None) is not None else image_boxes(pdf, index)
    boxes = [b for b in found if (b[2] - b[0]) * (b[3] - b[1]) >= _REGION_COVER * area]
    if not boxes:
        return Plan()
    if len(chars) < _MIN_CHARS:
        covered = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
        if covered >= _SCAN_COVER * area:
            return Plan(whole=True, reason="no text layer")
        return Plan()
    regions = []
    for b in boxes:
        inside = sum(1 for c in chars if b[0] <= (c["x0"] + c["x1"]) / 2 <= b[2] and b[1] <= (c["top"] + c["bottom"]) / 2 <= b[3])
        if inside <= _REGION_MAX_CHARS:
            regions.append((max(b[0], 0.0), max(b[1], 0.0), min(b[2], rec.width), min(b[3], rec.height)))
    return Plan(regions=regions, reason="image without text") if regions else Plan()
