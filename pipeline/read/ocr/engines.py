"""OCR engines behind one small interface: an image in, text lines with per-character boxes and
confidences out. Both run offline:

- ``rapidocr`` (default): rapidocr-onnxruntime 1.4.x, whose wheel carries the PP-OCRv4
  detection and recognition models (ONNX); per-character confidence is the CTC probability of
  the character. One onnxruntime session set per process (:func:`get_engine` caches it), so a
  batch worker loads the models once. ``onnxruntime-gpu``'s CUDA provider is used when present.
- ``tesseract``: Debian's tesseract-ocr with ``chi_sim`` (the binary, TSV output); word
  confidence spread over the word's characters. Kept for comparison (bench/bench_ocr.py).

Add an engine: a class with ``name`` and ``read(image) -> list[OcrLine]``, listed in ``ENGINES``.
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
    # measure others). 960 (the detector then works at ~1040 x 736) is a third cheaper and finds
    # every number of bench engines, but on a 200-dpi speckled table page (社会工作部 p6) it lost a
    # cell and a table sum became a false error: kept at 1280
    DET_SIDE = int(os.environ.get("GOVAUDIT_OCR_DET_SIDE") or 1280)

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
        # pages are straightened before OCR: the per-line 180° classifier is not needed
        self.ocr = RapidOCR(**kw, use_cls=False)
        self.ocr.text_rec.rec_batch_num = 1

    def read(self, image: np.ndarray) -> list[OcrLine]:
        """Detection on the page scaled to about ``DET_SIDE`` pixels (text lines stay 12+ px
        high, and it is several times cheaper than at full size), recognition on crops of the
        full-size image, one line at a time (batches pad every line to the widest)."""
        import cv2

        img = np.dstack([image] * 3) if image.ndim == 2 else image
        scale = min(1.0, self.DET_SIDE / max(img.shape[:2]))
        small = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else img
        boxes, _ = self.ocr.text_det(small)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = [np.asarray(b, dtype=np.float32) / scale for b in self.ocr.sorted_boxes(boxes)]
        crops = self.ocr.get_crop_img_list(img, boxes)
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


def get_engine(name: str | None = None) -> Engine:
    """The engine ``name`` (default: ``GOVAUDIT_OCR_ENGINE`` or rapidocr), created once per process."""
    name = name or os.environ.get("GOVAUDIT_OCR_ENGINE") or DEFAULT_ENGINE
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}; one of {', '.join(ENGINES)}")
    if name not in _LOADED:
        _LOADED[name] = ENGINES[name]()
    return _LOADED[name]
