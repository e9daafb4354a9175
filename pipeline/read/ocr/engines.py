"""OCR engines behind one small interface: an image in, text lines with per-character boxes and
confidences out. Both run offline:

- ``rapidocr`` (default): rapidocr-onnxruntime 1.4.x, whose wheel carries the PP-OCRv4
  detection and recognition models (ONNX); per-character confidence is the CTC probability of
  the character. One onnxruntime session set per process (:func:`get_engine` caches it), so a
  batch worker loads the models once. ``onnxruntime-gpu``'s CUDA provider is used when present.
- ``tesseract``: Debian's tesseract-ocr with ``chi_sim`` (the binary, TSV output); word
  confidence spread over the word's characters. Kept for comparison (bench/bench_ocr.py).

Add an engine: a class with ``name`` and ``read(image) -> list[OcrLine]``, listed in ``ENGINES``;
optionally ``detect(image, side)`` (line boxes alone: which way a page's lines run),
``direction(crops)`` (a line classifier: upright or upside down) and ``recognize(image,
boxes)`` (recognition alone on given boxes: table cells the detection left empty, cells.py),
which rapidocr has and tesseract does without (its ``read`` of a crop is used instead).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


@dataclass
class OcrChar:
    text: str
    x0: float  # pixels of the image given to the engine
    x1: float
    conf: float  # 0..1


@dataclass
class OcrLine:
    """One detected text line: its box in pixels (x0, top, x1, bottom), text and characters."""

    box: tuple[float, float, float, float]
    text: str
    conf: float
    chars: list[OcrChar] = field(default_factory=list)


class Engine(Protocol):
    name: str

    def read(self, image: np.ndarray) -> list[OcrLine]:
        """``image``: grey (H, W) uint8, text upright. Lines in any order."""
        ...


class RapidEngine:
    name = "rapidocr"
    # pixels of the longer side of the page copy given to the detector (GOVAUDIT_OCR_DET_SIDE: to
    # measure others). At 960 the detector works at ~1040 x 736 (it brings the short side up to
    # 736), a third cheaper than 1280 with the same numbers found (bench/README.md); a cell it
    # misses is read again (cells.py)
    DET_SIDE = int(os.environ.get("GOVAUDIT_OCR_DET_SIDE") or 960)
    # each line is scaled to 48 px high and padded on the right to REC_WIDTH px at least
    # (GOVAUDIT_OCR_REC_WIDTH): 48 pads it only to its own width; the package's 320 made a short
    # cell cost as much as a line of seven characters, and read a seal's fragment as 圳
    REC_WIDTH = int(os.environ.get("GOVAUDIT_OCR_REC_WIDTH") or 48)
    REC_BATCH = int(os.environ.get("GOVAUDIT_OCR_REC_BATCH") or 1)

    def __init__(self, threads: int | None = None):
        from rapidocr_onnxruntime import RapidOCR

        kw = {}
        # threads: GOVAUDIT_OCR_THREADS, else OMP_NUM_THREADS (a batch worker sets 1: -j is the
        # parallelism), else onnxruntime's default (every core)
        n = threads or int(os.environ.get("GOVAUDIT_OCR_THREADS") or os.environ.get("OMP_NUM_THREADS") or 0)
        if n > 0:
            kw["intra_op_num_threads"] = n
        if _cuda_available():
            kw.update(det_use_cuda=True, rec_use_cuda=True, cls_use_cuda=True)
        # pages are turned upright before OCR: the per-line 180° classifier is not run on every
        # line, only on a few to find a page's turn (:meth:`direction`)
        self.ocr = RapidOCR(**kw, use_cls=False)
        self.ocr.text_rec.rec_batch_num = self.REC_BATCH
        self.ocr.text_rec.rec_image_shape = [3, 48, self.REC_WIDTH]

    def read(self, image: np.ndarray) -> list[OcrLine]:
        """Detection on the page scaled to about ``DET_SIDE`` pixels (text lines stay 12+ px
        high, and it is several times cheaper than at full size), recognition on crops of the
        full-size image, one line at a time (batches pad every line to the widest)."""
        img = np.dstack([image] * 3) if image.ndim == 2 else image
        small, scale = self._small(img)
        boxes, _ = self.ocr.text_det(small)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = [np.asarray(b, dtype=np.float32) / scale for b in self.ocr.sorted_boxes(boxes)]
        return self._recognise(self.ocr.get_crop_img_list(img, boxes), boxes)

    def detect(self, image: np.ndarray, side: int | None = None) -> list[tuple[float, float, float, float]]:
        """Text detection alone: the boxes (x0, top, x1, bottom; pixels of ``image``) of the lines
        of text, whichever way they run. On the page scaled as in :meth:`read`, or, with
        ``side``, on a copy whose longer side is ``side`` pixels (not brought back up: a cheap
        pass that finds where lines are and which way they run, not every cell)."""
        if side:
            from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

            det = self.ocr.text_det
            img = np.dstack([image] * 3) if image.ndim == 2 else image
            pre = DetPreProcess(side, "max", det.mean, det.std)(img)
            if pre is None:
                return []
            boxes, _ = det.postprocess_op(det.infer(pre)[0], img.shape[:2])
            return [(float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 0].max()), float(b[:, 1].max()))
                    for b in np.asarray(boxes, dtype=np.float32).reshape(-1, 4, 2)]
        img, scale = self._small(image)
        boxes, _ = self.ocr.text_det(img)
        if boxes is None or len(boxes) == 0:
            return []
        return [(float(b[:, 0].min() / scale), float(b[:, 1].min() / scale), float(b[:, 0].max() / scale),
                 float(b[:, 1].max() / scale)) for b in np.asarray(boxes, dtype=np.float32)]

    def direction(self, crops: list[np.ndarray]) -> list[float]:
        """For each crop of one text line (grey, running across): the 180° line classifier's
        (PP-OCR mobile v2.0, in the wheel) verdict, +p when it reads upright, -p when upside
        down (p its probability)."""
        if not crops:
            return []
        _, res, _ = self.ocr.text_cls([np.dstack([c] * 3) if c.ndim == 2 else c for c in crops])
        return [float(p) if label == "0" else -float(p) for label, p in res]

    def _small(self, image: np.ndarray):
        import cv2

        img = np.dstack([image] * 3) if image.ndim == 2 else image
        scale = min(1.0, self.DET_SIDE / max(img.shape[:2]))
        return (cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else img), scale

    def recognize(self, image: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> list[OcrLine]:
        """Recognition alone, one line per box (x0, top, x1, bottom; pixels of ``image``, upright;
        a box may reach past the image, which is white there): for text the detector missed."""
        crops, quads = [], []
        h, w = image.shape[:2]
        for x0, top, x1, bottom in boxes:
            x0, top, x1, bottom = (int(round(v)) for v in (x0, top, x1, bottom))
            crop = np.full((bottom - top, x1 - x0), 255, dtype=np.uint8)
            a, b, c, d = max(x0, 0), max(top, 0), min(x1, w), min(bottom, h)
            if a < c and b < d:
                crop[b - top: d - top, a - x0: c - x0] = image[b:d, a:c] if image.ndim == 2 else image[b:d, a:c, 0]
            crops.append(np.dstack([crop] * 3))
            quads.append(np.array([[x0, top], [x1, top], [x1, bottom], [x0, bottom]], dtype=np.float32))
        return self._recognise(crops, quads) if crops else []

    def _recognise(self, crops: list[np.ndarray], boxes: list[np.ndarray]) -> list[OcrLine]:
        rec, _ = self.ocr.text_rec(crops, True)
        detailed = self.ocr.cal_rec_boxes(crops, boxes, rec)
        lines = []
        for box, (text, conf, word_boxes, word_texts, confs) in zip(boxes, detailed):
            if not text or conf < self.ocr.text_score:
                continue
            xs, ys = box[:, 0], box[:, 1]
            line = OcrLine((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), text, float(conf))
            line.chars = _rapid_chars(text, word_boxes, word_texts, confs, line.box)
            lines.append(line)
        return lines


def _rapid_chars(text, word_boxes, word_texts, confs, box) -> list[OcrChar]:
    """rapidocr gives one box per CJK character and per Latin/number word, and one confidence
    per character: a word's box is shared evenly among its characters."""
    chars: list[OcrChar] = []
    k = 0
    if word_boxes and len(word_boxes) == len(word_texts) and "".join(word_texts) == text:
        for wb, wt in zip(word_boxes, word_texts):
            x0, x1 = min(p[0] for p in wb), max(p[0] for p in wb)
            step = (x1 - x0) / max(len(wt), 1)
            for j, ch in enumerate(wt):
                conf = float(confs[k]) if k < len(confs) else 0.0
                chars.append(OcrChar(ch, x0 + j * step, x0 + (j + 1) * step, conf))
                k += 1
        return chars
    x0, x1 = box[0], box[2]  # no word boxes: the line's box shared evenly
    step = (x1 - x0) / max(len(text), 1)
    for j, ch in enumerate(text):
        conf = float(confs[j]) if j < len(confs) else 0.0
        chars.append(OcrChar(ch, x0 + j * step, x0 + (j + 1) * step, conf))
    return chars


def _cuda_available() -> bool:
    try:
        import onnxruntime as ort
        return "CUDAExecutionProvider" in ort.get_available_providers()
    except Exception:
        return False


class TesseractEngine:
    name = "tesseract"

    def __init__(self, lang: str = "chi_sim", psm: int = 6):
        self.binary = shutil.which("tesseract")
        if not self.binary:
            raise RuntimeError("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
        self.lang, self.psm = lang, psm

    def read(self, image: np.ndarray) -> list[OcrLine]:
        import cv2

        ok, png = cv2.imencode(".png", image)
        env = dict(os.environ, OMP_THREAD_LIMIT=os.environ.get("OMP_THREAD_LIMIT", "1"))
        out = subprocess.run([self.binary, "stdin", "stdout", "-l", self.lang, "--psm", str(self.psm), "tsv"],
                             input=png.tobytes(), capture_output=True, env=env, check=True).stdout
        lines: dict[tuple, OcrLine] = {}
        for row in out.decode("utf-8", "replace").splitlines()[1:]:
            f = row.split("\t")
            if len(f) < 12 or f[0] != "5" or not f[11].strip():
                continue
            left, top, w, h, conf = int(f[6]), int(f[7]), int(f[8]), int(f[9]), max(float(f[10]), 0.0) / 100
            key = (f[2], f[3], f[4])  # block, paragraph, line
            word = f[11].strip()
            ln = lines.get(key)
            if ln is None:
                ln = lines[key] = OcrLine((left, top, left + w, top + h), "", 1.0)
            ln.box = (min(ln.box[0], left), min(ln.box[1], top), max(ln.box[2], left + w), max(ln.box[3], top + h))
            step = w / len(word)
            for j, ch in enumerate(word):
                ln.chars.append(OcrChar(ch, left + j * step, left + (j + 1) * step, conf))
        out_lines = []
        for ln in lines.values():
            ln.chars.sort(key=lambda c: c.x0)
            ln.text = "".join(c.text for c in ln.chars)
            ln.conf = min((c.conf for c in ln.chars), default=0.0)
            out_lines.append(ln)
        return out_lines


ENGINES: dict[str, type] = {"rapidocr": RapidEngine, "tesseract": TesseractEngine}
DEFAULT_ENGINE = "rapidocr"
_LOADED: dict[str, Engine] = {}


def _name(name: str | None) -> str:
    return name or os.environ.get("GOVAUDIT_OCR_ENGINE") or DEFAULT_ENGINE


def loaded(name: str | None = None) -> bool:
    """True when the engine ``name`` is already loaded in this process."""
    return _name(name) in _LOADED


def release(name: str | None = None) -> None:
    """Drop the engine ``name`` (its models and sessions) from this process; the next
    :func:`get_engine` loads it again."""
    import gc

    if _LOADED.pop(_name(name), None) is not None:
        gc.collect()
        try:  # hand the freed heap back to the system (glibc keeps it otherwise)
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass


def get_engine(name: str | None = None) -> Engine:
    """The engine ``name`` (default: ``GOVAUDIT_OCR_ENGINE`` or rapidocr), created once per process."""
    name = _name(name)
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}; one of {', '.join(ENGINES)}")
    if name not in _LOADED:
        _LOADED[name] = ENGINES[name]()
    return _LOADED[name]
