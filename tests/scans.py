"""Scanned versions of the PDFs we have: each page rendered by poppler (pdftoppm, another
renderer than ours), optionally degraded the way real scans are, and put back into a PDF of
images only (img2pdf). Used by tests/test_ocr.py (a few pages) and bench/bench_ocr.py (all).

Degradations (``degrade``: names joined by "+"):
    jpeg40   JPEG at quality 40          skew     rotated 1.5° (white fill)
    rot90    every page turned 90° (counter-clockwise; rot270: clockwise; rot180: upside down)
    speckle  salt-and-pepper noise
    seal     a red seal drawn across the page's first table (or its middle)
    grey     a grey, slightly uneven background
"""
from __future__ import annotations

import io
import math
import subprocess
import tempfile
from pathlib import Path


def render_pages(src: Path, dpi: int, pages: list[int] | None = None, grey: bool = False) -> list:
    """Pillow images of ``pages`` (1-based; all when None) rendered by pdftoppm."""
    from PIL import Image

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        numbers = pages or list(range(1, _n_pages(src) + 1))
        for n in numbers:
            base = Path(tmp) / f"p{n}"
            cmd = ["pdftoppm", "-r", str(dpi), "-f", str(n), "-l", str(n), "-singlefile", "-png"]
            subprocess.run(cmd + (["-gray"] if grey else []) + [str(src), str(base)], check=True)
            img = Image.open(f"{base}.png")
            img.load()
            out.append(img.convert("RGB"))
    return out


def _n_pages(src: Path) -> int:
    info = subprocess.run(["pdfinfo", str(src)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def table_box(src: Path, page: int) -> tuple[float, float, float, float] | None:
    """The first table's box on ``page`` (points, top-left origin) in the text version."""
    from pipeline.read.ingest import load

    doc = load(src, ocr="never", cross_check=False)
    for t in doc.tables:
        for r in t.rows:
            if r.page == page:
                return t.bbox if t.page == page else r.bbox
    return None


def seal(img, box_px: tuple[float, float, float, float] | None):
    """A red seal (ring, star, arc of text) stamped across the box's numbers, half transparent."""
    from PIL import Image, ImageDraw, ImageFont

    w, h = img.size
    if box_px is None:
        cx, cy = w * 0.6, h * 0.45
    else:
        cx, cy = box_px[0] + 0.75 * (box_px[2] - box_px[0]), (box_px[1] + box_px[3]) / 2
    r = int(w * 0.11)
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    red = (220, 30, 30, 150)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=red, width=max(r // 14, 3))
    star = [(cx + (0.3 if k % 2 == 0 else 0.12) * r * math.cos(math.radians(-90 + 36 * k)),
             cy + (0.3 if k % 2 == 0 else 0.12) * r * math.sin(math.radians(-90 + 36 * k))) for k in range(10)]
    d.polygon(star, fill=red)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", max(r // 5, 10))
        text = "深圳市盐田区财务专用章"
        for k, ch in enumerate(text):
            a = math.radians(200 + k * 140 / (len(text) - 1))
            d.text((cx + 0.72 * r * math.cos(a), cy + 0.72 * r * math.sin(a)), ch, fill=red, font=font,
                   anchor="mm")
    except OSError:
        pass
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def degrade(img, what: str, seed: int = 0, box_px=None):
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    for step in [s for s in what.split("+") if s]:
        if step == "skew":
            img = img.rotate(1.5, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
        elif step == "rot90":
            img = img.transpose(Image.ROTATE_90)
        elif step == "rot270":
            img = img.transpose(Image.ROTATE_270)
        elif step == "rot180":
            img = img.transpose(Image.ROTATE_180)
        elif step == "speckle":
            a = np.asarray(img).copy()
            mask = rng.random(a.shape[:2])
            a[mask < 0.004] = 0
            a[mask > 0.996] = 255
            img = Image.fromarray(a)
        elif step == "seal":
            img = seal(img, box_px)
        elif step == "grey":
            a = np.asarray(img).astype(np.float32)
            ramp = np.linspace(0.78, 0.88, a.shape[0])[:, None, None]
            img = Image.fromarray(np.clip(a * ramp, 0, 255).astype(np.uint8))
        elif step == "jpeg40":
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=40)
            img = Image.open(io.BytesIO(buf.getvalue()))
            img.load()
        else:
            raise ValueError(f"unknown degradation {step!r}")
    return img


def scan_pdf(src: Path, out: Path, dpi: int = 300, pages: list[int] | None = None, what: str = "",
             seal_page: int | None = None) -> Path:
    """``out``: an image-only PDF of ``pages`` of ``src`` at ``dpi`` with degradations ``what``
    (the seal on ``seal_page`` only, over its first table)."""
    import img2pdf

    numbers = pages or list(range(1, _n_pages(src) + 1))
    images = render_pages(src, dpi, numbers)
    blobs = []
    for n, img in zip(numbers, images):
        steps = what
        box_px = None
        if "seal" in what.split("+"):
            if seal_page is not None and n != seal_page:
                steps = "+".join(s for s in what.split("+") if s != "seal")
            else:
                box = table_box(src, n)
                box_px = tuple(v * dpi / 72 for v in box) if box else None
        img = degrade(img, steps, seed=n, box_px=box_px)
        buf = io.BytesIO()
        if "jpeg40" in what.split("+"):
            img.save(buf, "JPEG", quality=40, dpi=(dpi, dpi))
        else:  # grey keeps files small; a seal keeps its colour
            (img if "seal" in what else img.convert("L")).save(buf, "PNG", dpi=(dpi, dpi))
        blobs.append(buf.getvalue())
    out.write_bytes(img2pdf.convert(blobs, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))))
    return out


def mixed_pdf(src: Path, out: Path, scanned_page: int, dpi: int = 200) -> Path:
    """``src`` with page ``scanned_page`` replaced by its scan (text pages plus one image page)."""
    from pypdf import PdfReader, PdfWriter

    with tempfile.TemporaryDirectory() as tmp:
        one = scan_pdf(src, Path(tmp) / "one.pdf", dpi=dpi, pages=[scanned_page])
        reader, scan = PdfReader(src), PdfReader(one)
        writer = PdfWriter()
        for i, page in enumerate(reader.pages, start=1):
            writer.add_page(scan.pages[0] if i == scanned_page else page)
        with open(out, "wb") as f:
            writer.write(f)
    return out


def pasted_pdf(src: Path, out: Path, table_page: int, onto_page: int, dpi: int = 200) -> Path:
    """Page ``onto_page`` of ``src`` alone, with a picture of the first table of ``table_page``
    pasted into its lower half (a text page with a table inserted as an image)."""
    import img2pdf
    from pypdf import PdfReader, PdfWriter

    x0, top, x1, bottom = table_box(src, table_page)
    box = (x0 - 4, top - 4, x1 + 4, bottom + 4)  # the picture holds the table's outer rules whole
    img = render_pages(src, dpi, [table_page])[0]
    crop = img.crop(tuple(int(round(v * dpi / 72)) for v in box))
    buf = io.BytesIO()
    crop.convert("L").save(buf, "PNG", dpi=(dpi, dpi))
    picture = PdfReader(io.BytesIO(img2pdf.convert(buf.getvalue(),
                                                   layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))))).pages[0]
    writer = PdfWriter()
    writer.append(str(src), pages=[onto_page - 1])
    page = writer.pages[0]
    page.merge_translated_page(picture, box[0], 60)  # 60 pt above the bottom edge
    with open(out, "wb") as f:
        writer.write(f)
    return out
