"""Which pictures on a page that has a text layer hold text the page needs, decided before any OCR
model is loaded.

A report's text pages carry pictures of two sorts: a table or a page pasted in as an image (a scan),
whose numbers exist nowhere else, and charts, photos, logos, seals and ornaments, which OCR would
spend 1-2 s a page on (and 400 MB of models) to read a legend and "100%". Each picture is rendered
small (``analysis_dpi``, ~20-40 ms) and measured (:func:`measure`):

- print: connected blots of ink, as OCR sees it (:func:`image.to_grey`: the red channel, in which a
  red seal fades, the background lifted), of the size of a character or of a piece of one; their
  number per 10,000 pt² is the picture's text density;
- solid areas: the non-paper pixels (darker than the paper's tone, or coloured) that survive an
  opening ``fill_kernel_pt`` wide (strokes of print and ruled lines do not); an *empty* fill is one
  with (almost) no print on it and not touching the picture's edge: a pie slice, a bar, not the
  shaded header of a table, zebra rows or a scanner's dark border;
- colours: the share of the non-paper pixels in the 6 most frequent of 512 colour bins (flat
  colours: a chart; many: a photo), and the red share of the coloured pixels (a seal).

:func:`verdict` turns those into ``"text"`` (read it) or what the picture was taken for, with the
thresholds of patterns/ocr.yaml (:mod:`pipeline.read.ocr.rules`), in this order: dense print is
text; large solid areas in many colours are a photo; too little print is a seal (red), a logo
(small), a chart or a decoration; empty fills are a chart, and so are coloured strokes (not red: a
seal's) with sparse print (a line chart); anything else is text. A picture in the top or bottom band of the
page, low, is an ornament without being rendered (:func:`by_place`). When in doubt a picture is
read: a chart read costs time, a table skipped would lose its numbers.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from pipeline.read.ocr.rules import PictureRules, rules

TEXT = "text"
SKIP_KINDS = ("chart", "photo", "logo", "seal", "decoration")


@dataclass
class Look:
    """What the small rendering of one picture shows."""

    width_pt: float
    height_pt: float
    glyphs: int  # blots of print
    density: float  # glyphs per 10,000 pt²
    fill: float  # share of the picture in solid areas
    empty_fill: float  # share in solid areas without print, away from the picture's edge
    flat: float  # share of the non-paper pixels in the 6 most frequent colours
    coloured: float  # share of the picture's pixels that are coloured
    red: float  # share of the coloured pixels that are red
    kind: str = TEXT
    why: str = ""

    def as_dict(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def by_place(box, page_width: float, page_height: float, r: PictureRules | None = None) -> str | None:
    """"decoration" for a picture lying wholly in the top or bottom band of the page and low (a
    letterhead, a banner, a footer ornament); None: look at it."""
    r = r or rules().pictures
    if page_height <= 0:
        return None
    low = (box[3] - box[1]) <= r.margin_height * page_height
    top_band = box[3] <= r.margin_zone * page_height
    bottom_band = box[1] >= (1 - r.margin_zone) * page_height
    return "decoration" if low and (top_band or bottom_band) else None


def render_dpi(box, r: PictureRules | None = None) -> float:
    """The dpi at which the picture ``box`` (points) is looked at."""
    r = r or rules().pictures
    longest = max(box[2] - box[0], box[3] - box[1], 1.0)
    return min(float(r.analysis_dpi), r.max_side_px * 72.0 / longest)


def measure(rgb: np.ndarray, dpi: float, r: PictureRules | None = None) -> Look:
    """The measurements of one picture rendered at ``dpi`` (RGB, H x W x 3)."""
    import cv2

    from pipeline.read.ocr import image as im

    r = r or rules().pictures
    if rgb.ndim == 2:
        rgb = np.dstack([rgb] * 3)
    pt = dpi / 72.0
    h, w = rgb.shape[:2]
    if not h or not w:  # nothing rendered (a picture of no size)
        return Look(width_pt=0.0, height_pt=0.0, glyphs=0, density=0.0, fill=0.0, empty_fill=0.0, flat=1.0,
                    coloured=0.0, red=0.0)
    n = h * w
    area_pt = n / (pt * pt)

    hi = rgb.max(axis=2).astype(np.int16)
    lo = rgb.min(axis=2).astype(np.int16)
    coloured = ((hi - lo) > r.saturated * hi) & (hi > 60)
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    paper = max(float(np.percentile(luma, 95)), 1.0)
    nonpaper = (luma < r.paper_dark * paper) | coloured

    # print, as OCR would see it
    ink = im.ink(im.to_grey(rgb))
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    bw, bh, ba = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    sized = (bh >= r.glyph_min_height_pt * pt) & (np.maximum(bw, bh) >= r.glyph_min_pt * pt) & (bh <= r.glyph_max_pt * pt)
    glyph = sized & (bw <= r.glyph_max_pt * pt)
    # characters set tight (a bold title) touch and make one blot as high as a character and several
    # wide: counted as that many, unless it is solid (a bar, a thick rule)
    run = sized & ~glyph & (ba <= r.run_solidity * bw * bh)
    n_glyphs = int(glyph.sum() + (bw[run] / np.maximum(bh[run], 1)).round().sum())
    glyph |= run
    centres = np.column_stack([stats[1:, 0] + bw // 2, stats[1:, 1] + bh // 2])[glyph]

    # solid areas, and which of them are empty fills
    k = max(int(round(r.fill_kernel_pt * pt)), 3)
    solid = cv2.morphologyEx(nonpaper.astype(np.uint8), cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    fill = float(solid.mean())
    empty = 0
    if fill > 0:
        m, slab, sstats, _ = cv2.connectedComponentsWithStats(solid, connectivity=4)
        # print on a solid area: glyphs centred in its core (its rim is where the background lifting
        # of to_grey leaves blots of the area's own edge)
        core = np.where(cv2.erode(solid, np.ones((k // 2 + 1, k // 2 + 1), np.uint8)) > 0, slab, 0)
        inside = np.bincount(core[centres[:, 1], centres[:, 0]], minlength=m) if len(centres) else np.zeros(m, int)
        # along the picture's edges: how much of each side each solid area holds
        sides = [(slab[0, :], w), (slab[-1, :], w), (slab[:, 0], h), (slab[:, -1], h)]
        along = np.zeros(m)
        for line, length in sides:
            along = np.maximum(along, np.bincount(line, minlength=m) / max(length, 1))
        for i in range(1, m):
            a = sstats[i][4]
            if along[i] >= 0.5:
                continue  # along half a side or more: a frame, a scanner's dark border, a background
            if inside[i] / (a / (pt * pt)) * 1e4 < r.fill_inside_density:
                empty += int(a)

    # colours of the non-paper pixels (8 levels a channel)
    some = rgb[nonpaper]
    if len(some):
        q = (some // 32).astype(np.int32)
        counts = np.bincount(q[:, 0] * 64 + q[:, 1] * 8 + q[:, 2], minlength=512)
        flat = float(np.sort(counts)[::-1][:6].sum() / len(some))
    else:
        flat = 1.0
    n_col = int(coloured.sum())
    if n_col:
        hue = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 0][coloured]  # 0..180
        red = float(((hue <= 12) | (hue >= 165)).mean())
    else:
        red = 0.0
    return Look(width_pt=w / pt, height_pt=h / pt, glyphs=n_glyphs, density=n_glyphs / area_pt * 1e4, fill=fill,
                empty_fill=empty / n, flat=flat, coloured=n_col / n, red=red)


def verdict(look: Look, page_area: float, r: PictureRules | None = None) -> Look:
    """``look`` with ``kind`` ("text", or one of SKIP_KINDS) and ``why`` set."""
    r = r or rules().pictures
    if look.density >= r.text_density or look.glyphs >= r.text_glyphs:
        look.kind, look.why = TEXT, f"print: {look.glyphs} glyphs, {look.density:.1f} per 10,000 pt²"
    elif look.fill >= r.photo_fill and look.flat < r.flat_colours:
        look.kind, look.why = "photo", f"solid areas {look.fill:.0%} in many colours"
    elif look.glyphs < r.min_glyphs:
        small = page_area > 0 and look.width_pt * look.height_pt < r.logo_area * page_area
        look.kind = ("seal" if look.coloured >= r.seal_colour and look.red >= r.seal_red else "logo" if small
                     else "chart" if look.empty_fill >= r.chart_fill else "decoration")
        look.why = f"{look.glyphs} glyphs"
    elif look.empty_fill >= r.chart_fill:
        look.kind, look.why = "chart", f"empty fills {look.empty_fill:.0%}, {look.density:.1f} glyphs per 10,000 pt²"
    elif (look.coloured * (1 - look.red) >= r.line_colour and look.density < r.line_density
          and look.glyphs < r.line_glyphs):
        look.kind, look.why = "chart", f"coloured strokes, {look.glyphs} glyphs"
    else:
        look.kind, look.why = TEXT, f"{look.glyphs} glyphs, no chart fills"
    return look


def classify(rgb: np.ndarray, dpi: float, page_area: float = 0.0) -> Look:
    """Measure and judge one picture (RGB at ``dpi``): ``.kind`` is "text" when OCR should read it."""
    r = rules().pictures
    return verdict(measure(rgb, dpi, r), page_area, r)


def look_at(pdf, index: int, box, page_width: float, page_height: float) -> Look:
    """The picture ``box`` (points, top-left origin) of page ``index`` of an open pypdfium2 document,
    judged by its place (:func:`by_place`: not rendered) or rendered small and measured."""
    from pipeline.read.ocr import image as im

    r = rules().pictures
    if kind := by_place(box, page_width, page_height, r):
        return Look(width_pt=box[2] - box[0], height_pt=box[3] - box[1], glyphs=0, density=0.0, fill=0.0,
                    empty_fill=0.0, flat=1.0, coloured=0.0, red=0.0, kind=kind, why="in the page's margin band")
    dpi = render_dpi(box, r)
    rgb = im.render(pdf, index, dpi, crop_pts=box)
    return verdict(measure(rgb, dpi, r), page_width * page_height, r)
