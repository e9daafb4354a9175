"""The page image before OCR: rendered, made grey without the red of seals, turned upright,
deskewed; and the ruled lines of its tables found with OpenCV.

All functions work on numpy arrays; pixels are turned into PDF points by the caller
(``points = pixels * 72 / dpi``).
"""
from __future__ import annotations

import os

import cv2
import numpy as np

if os.environ.get("OMP_NUM_THREADS") == "1":
    # a batch worker (it sets this before any import) has one core: OpenCV's own thread pool would
    # start a thread per core in every worker and have them wait on each other
    cv2.setNumThreads(1)


def render(pdf, index: int, dpi: int, crop_pts: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Page ``index`` of an open pypdfium2 document as an RGB array at ``dpi`` (the page's
    /Rotate applied); ``crop_pts``: only that box (x0, top, x1, bottom, PDF points)."""
    page = pdf[index]
    try:
        kw = {}
        if crop_pts is not None:
            w, h = page.get_size()
            if page.get_rotation() % 180:
                w, h = h, w
            x0, top, x1, bottom = crop_pts
            kw["crop"] = (max(x0, 0), max(h - bottom, 0), max(w - x1, 0), max(top, 0))
        bitmap = page.render(scale=dpi / 72, **kw)
        img = bitmap.to_numpy()
        mode = bitmap.mode
        bitmap.close()
    finally:
        page.close()
    if mode in ("BGRA", "BGRX"):
        return cv2.cvtColor(img, cv2.COLOR_BGRA2RGB)
    if mode == "BGR":
        return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    return img[..., :3]


def to_grey(rgb: np.ndarray) -> np.ndarray:
    """Grey for OCR: the red channel, in which a red seal is as light as the paper while black
    print stays dark (print under the seal turns mid-grey, still ink); an even grey or tinted
    background is lifted to white (divided by a large-scale blur of the page)."""
    grey = rgb[..., 0] if rgb.ndim == 3 else rgb
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    k = max(15, (min(small.shape) // 20) | 1)
    # the paper's tone: a dilation (lightest nearby pixel) removes the print, a blur smooths it
    background = cv2.blur(cv2.dilate(small, np.ones((7, 7), np.uint8)), (k, k))
    background = cv2.resize(background, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(grey, np.maximum(background, 1), scale=255)


def ink(grey: np.ndarray) -> np.ndarray:
    """Binary ink mask (255 = ink) by Otsu or 170 (one-pixel rules kept: no speckle filter here; the
    long kernels of :func:`ruled_lines` ignore dots, and the profiles average them out)."""
    otsu, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # print under a seal is mid-grey: the threshold is never below that
    _, binary = cv2.threshold(grey, max(otsu, 170), 255, cv2.THRESH_BINARY_INV)
    return binary


def line_ink(grey: np.ndarray) -> np.ndarray:
    """Ink for finding ruled lines: darker than the neighbourhood by a margin (adaptive), so that
    thin, light or blurred rules (grey inner rules, a JPEG scan at 150 dpi) are kept whole."""
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 8)


def sideways(binary: np.ndarray) -> bool:
    """True when the lines of text run top to bottom (a page scanned 90° off): printed lines
    make the row profile of ink alternate strongly; on a sideways page the column profile does.
    A rough guess (a wide table's column rules fool it): used only for an engine without a text
    detector of its own (``pipeline.read.ocr._best_turn``)."""
    small = cv2.resize(binary, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA).astype(np.float32)
    rows, cols = small.mean(axis=1), small.mean(axis=0)
    def rhythm(profile):  # variation between neighbours, relative to the profile's level
        return float(np.abs(np.diff(profile)).mean() / (profile.mean() + 1e-6))
    return rhythm(cols) > 1.25 * rhythm(rows)


def inked_band(binary: np.ndarray, share: float) -> tuple[int, int]:
    """The rows (top, bottom) of the band of ``share`` of the page's height holding most ink."""
    h = binary.shape[0]
    n = max(int(h * share), 1)
    rows = np.concatenate([[0.0], np.cumsum((binary > 0).sum(axis=1, dtype=np.float64))])
    top = int(np.argmax(rows[n:] - rows[:-n])) if h > n else 0
    return top, min(top + n, h)


def skew_angle(binary: np.ndarray, limit: float = 3.0) -> float:
    """The small rotation (degrees) that makes text lines level: the angle whose row profile of
    ink is sharpest (largest variance), searched coarse then fine within ±``limit``."""
    small = cv2.resize(binary, None, fx=0.35, fy=0.35, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    centre = (w / 2, h / 2)

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rot = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        return float(rot.sum(axis=1, dtype=np.float64).var())

    best = max(np.arange(-limit, limit + 1e-9, 0.5), key=score)
    best = max(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1), key=score)
    return float(best)


def rotate(img: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by ``angle`` degrees (counter-clockwise, OpenCV's sense) about the centre, same
    size, white fill."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    fill = 255 if img.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def turn(img: np.ndarray, quarter_turns: int) -> np.ndarray:
    """Rotate by a multiple of 90° clockwise."""
    k = quarter_turns % 4
    if k == 0:
        return img
    return cv2.rotate(img, {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}[k])


def ruled_lines(binary: np.ndarray, dpi: int, sides_only: bool = True) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, int, int]]]:
    """Horizontal and vertical rules of the page's tables, as pixel boxes (x0, y0, x1, y1):
    ink runs much longer than any stroke of a character (morphological opening with long thin
    kernels), small gaps in a rule closed first. ``sides_only``: keep only vertical runs that go
    from a horizontal rule to another (a scan's character strokes and seals are not cell sides);
    off for an image without its characters (:mod:`pipeline.read.image_grid`)."""
    pt = dpi / 72
    h_len, v_len = max(int(28 * pt), 10), max(int(14 * pt), 8)  # least length of a rule
    # least piece of a broken rule: longer than any stroke of 10.5-12 pt print (a column of 十 in
    # rows one under the other must not join into a rule)
    h_piece, v_piece = max(int(20 * pt), 8), max(int(12.5 * pt), 6)
    # a gap of a pixel or two in a rule (noise, a faint scan) is closed; more would join the
    # strokes of neighbouring characters into a run as long as a rule
    closed_v = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))
    closed_h = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1)))
    horiz = cv2.morphologyEx(closed_h, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_piece, 1)))
    vert = cv2.morphologyEx(closed_v, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_piece)))
    max_thick = max(int(4 * pt), 3)

    def boxes(mask, horizontal: bool):
        pieces = []
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _ in stats[1:n]:
            if (h if horizontal else w) <= max_thick * 2:
                pieces.append([int(x), int(y), int(x + w), int(y + h)])
                continue
            # a rule touched by something else long and straight (a seal's ring, a character's
            # stroke): the rows (columns) of the blob that run most of its length are the rule
            sub = mask[y:y + h, x:x + w] > 0
            counts = sub.sum(axis=1 if horizontal else 0)
            keep = np.flatnonzero(counts >= 0.8 * (w if horizontal else h))
            for group in np.split(keep, np.flatnonzero(np.diff(keep) > 1) + 1) if keep.size else []:
                if group.size > max_thick * 2:
                    continue
                if horizontal:
                    pieces.append([int(x), int(y + group[0]), int(x + w), int(y + group[-1] + 1)])
                else:
                    pieces.append([int(x + group[0]), int(y), int(x + group[-1] + 1), int(y + h)])
        # pieces of one rule broken by a seal's stroke, a speck or a faint stretch are joined
        # (same line, a gap of a few points); a rule left out over a whole cell (a merged cell)
        # is a much longer gap and stays open
        a, b = (0, 1) if horizontal else (1, 0)  # along, across
        gap, least = (8 * pt, h_len) if horizontal else (6 * pt, v_len)
        pieces.sort(key=lambda r: ((r[b] + r[b + 2]) / 2, r[a]))
        out: list[list[int]] = []
        for r in pieces:
            prev = next((q for q in reversed(out[-8:]) if abs((q[b] + q[b + 2]) - (r[b] + r[b + 2])) <= 2 * 3
                         and max(r[a], q[a]) - min(r[a + 2], q[a + 2]) <= gap), None)
            if prev is None:
                out.append(r)
            else:
                prev[a], prev[a + 2] = min(prev[a], r[a]), max(prev[a + 2], r[a + 2])
                prev[b], prev[b + 2] = min(prev[b], r[b]), max(prev[b + 2], r[b + 2])
        return [tuple(r) for r in out if r[a + 2] - r[a] >= least]

    hs, vs = boxes(horiz, True), boxes(vert, False)
    # the side of a cell runs from a horizontal rule to another; a vertical run that does not (a
    # stroke of a large character or of a seal, a digit's stem touching a rule) is kept out, so
    # that it is neither a table edge nor erased before OCR
    tol = int(3 * pt)

    def across(v) -> list[float]:  # heights of the horizontal rules this vertical run meets
        return [(h[1] + h[3]) / 2 for h in hs if h[0] - tol <= (v[0] + v[2]) / 2 <= h[2] + tol
                and v[1] - tol <= (h[1] + h[3]) / 2 <= v[3] + tol]

    def side(v) -> bool:  # from a rule to a rule, or across two rules at least
        ys = across(v)
        ends = any(abs(y - v[1]) <= tol for y in ys) and any(abs(y - v[3]) <= tol for y in ys)
        return ends or len(ys) >= 2

    if sides_only:
        vs = [v for v in vs if side(v)]
    return hs, vs


def erase(grey: np.ndarray, boxes, pad: int = 1) -> np.ndarray:
    """``grey`` with the given boxes painted white (rules removed before text detection, so that
    text on either side of a rule is read as two pieces)."""
    out = grey.copy()
    for x0, y0, x1, y1 in boxes:
        out[max(y0 - pad, 0): y1 + pad, max(x0 - pad, 0): x1 + pad] = 255
    return out
