"""Hostile inputs and places, made on the fly in a temporary folder (nothing is checked in).

Each maker writes one case and returns its path; :data:`CASES` maps a file name to its maker and
the statuses a batch may give it. The PDFs are built with pikepdf (qpdf) from plain content
streams, so every byte of a case is visible here.
"""
from __future__ import annotations

import os
import shutil
import socket
import zlib
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

ROOT = Path(__file__).resolve().parents[2]
SMALL_REAL = ROOT.parent / "shared" / "corpus" / "real" / "sh-putuo_shehuigongzuobu_2024_bumen-juesuan.pdf"
OTHER_REAL = ROOT.parent / "shared" / "corpus" / "real" / "sh-putuo_zhengfuban_2025_bumen-yusuan.pdf"
SAMPLE = ROOT / "samples" / "longhua_2019.pdf"



def _helvetica() -> Dictionary:
    return Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)


def _pdf_with_pages(contents: list[bytes], font: bool = True) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for data in contents:
        page = pikepdf.Page(Dictionary(Type=Name.Page, MediaBox=Array([0, 0, 595, 842])))
        pdf.pages.append(page)
        page = pdf.pages[-1]
        page.obj.Contents = pdf.make_stream(data)
        if font:
            page.obj.Resources = Dictionary(Font=Dictionary(F1=pdf.make_indirect(_helvetica())))
    return pdf


def _save(pdf: pikepdf.Pdf, path: Path, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(path, **kw)
    return path


def text_pdf(path: Path, lines: list[str] | None = None) -> Path:
    """A small valid one-page PDF with a few Latin lines (Helvetica)."""
    lines = lines or ["Hostile corpus: a plain page.", "Total 1,234.56 in 2024."]
    ops = [b"BT /F1 12 Tf 72 760 Td 14 TL"]
    for ln in lines:
        ops.append(b"(" + ln.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
                   + b") Tj T*")
    ops.append(b"ET")
    return _save(_pdf_with_pages([b"\n".join(ops)]), path)


def _song(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """STSong-Light, the Adobe-GB1 font every reader knows without embedding (UCS-2 encoded)."""
    desc = Dictionary(Type=Name.FontDescriptor, FontName=Name("/STSong-Light"), Flags=6,
                      FontBBox=Array([-25, -254, 1000, 880]), ItalicAngle=0, Ascent=880, Descent=-120,
                      CapHeight=880, StemV=93)
    cid = Dictionary(Type=Name.Font, Subtype=Name.CIDFontType0, BaseFont=Name("/STSong-Light"),
                     CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("GB1"),
                                              Supplement=2),
                     FontDescriptor=pdf.make_indirect(desc), DW=1000)
    return pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/STSong-Light"),
                                        Encoding=Name("/UniGB-UCS2-H"), DescendantFonts=Array([pdf.make_indirect(cid)])))


def chinese_page(path: Path, sentences: list[str], size: float = 10.5, per_line: int = 50,
                 leading: float | None = None) -> Path:
    """One page of Chinese text in STSong-Light, ``per_line`` characters to a line."""
    text = "".join(sentences)
    leading = leading or size * 1.6
    ops = [f"BT /F2 {size} Tf 20 {842 - 2 * size} Td {leading} TL".encode()]
    for i in range(0, len(text), per_line):
        ops.append(b"<" + text[i:i + per_line].encode("utf-16-be").hex().encode() + b"> Tj T*")
    ops.append(b"ET")
    pdf = _pdf_with_pages([b"\n".join(ops)])
    pdf.pages[0].obj.Resources.Font.F2 = _song(pdf)
    return _save(pdf, path, compress_streams=True)


def dense_page(path: Path, n_chars: int = 100_000, consistent: bool = False) -> Path:
    """One page packed with ``n_chars`` characters of finance prose in 1.5-point type (370 to a
    line, 2 points apart): sentences in the shape of a 部门决算 说明, with made-up numbers (random,
    so contradicting each other; ``consistent``: the same figures in every sentence)."""
    import random

    rng = random.Random(14)
    sentences, n = ["上海市普陀区某局2024年度部门决算", "一、收入支出决算总体情况说明"], 0
    while n < n_chars:
        a, b = (1234.56, 78.9) if consistent else (rng.randint(100, 99999) / 100, rng.randint(100, 99999) / 100)
        s = (f"2024年度收入总计{a + b:,.2f}万元，支出总计{a + b:,.2f}万元。一般公共预算财政拨款支出{a:,.2f}万元，"
             f"比上年增加{b:,.2f}万元，增长{rng.randint(1, 99)}.{rng.randint(0, 9)}%。“三公”经费支出{b:,.2f}万元。")
        sentences.append(s)
        n += len(s)
    return chinese_page(path, sentences, size=1.5, per_line=370, leading=2.0)


def dense_figures(path: Path, n_chars: int = 100_000) -> Path:
    """One page holding ``n_chars`` characters of bare figures (Helvetica, 2-point type, 500 to a
    line, 4 points apart): a table squeezed onto one page, with no prose to check."""
    import random

    rng = random.Random(14)
    ops = [b"BT /F1 2 Tf 10 836 Td 4 TL"]
    for _ in range(0, n_chars, 500):
        text = ""
        while len(text) < 500:
            text += f"{rng.randint(0, 99999):,}.{rng.randint(0, 99):02d} {rng.randint(0, 100)}% "
        ops.append(b"(" + text[:500].encode() + b") Tj T*")
    ops.append(b"ET")
    return _save(_pdf_with_pages([b"\n".join(ops)]), path, compress_streams=True)


def bomb(path: Path, gib: float = 2.0) -> Path:
    """A few-KB PDF whose page content decompresses to ``gib`` GiB (Flate applied twice)."""
    # after a full flush, each further MiB of spaces compresses to the same bytes: repeat them
    inner = zlib.compressobj(9)
    block = b" " * (1 << 20)
    first = inner.compress(block) + inner.flush(zlib.Z_FULL_FLUSH)
    again = inner.compress(block) + inner.flush(zlib.Z_FULL_FLUSH)
    assert again == inner.compress(block) + inner.flush(zlib.Z_FULL_FLUSH)
    n = int(gib * 1024) * len(block)
    once = first + again * (int(gib * 1024) - 1) + inner.flush()
    a, b = (1 + n * 32) % 65521, (n + 32 * n * (n + 1) // 2) % 65521  # adler32 of n spaces
    once = once[:-4] + ((b << 16) | a).to_bytes(4, "big")
    twice = zlib.compress(once, 9)
    pdf = _pdf_with_pages([b""])
    stream = pdf.pages[0].obj.Contents
    stream.write(twice, filter=Array([Name.FlateDecode, Name.FlateDecode]))
    return _save(pdf, path, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)


def encrypted(path: Path, user: str, owner: str, aes256: bool = True, src_path: Path = SMALL_REAL,
              pages: int | None = 2, extract: bool = True) -> Path:
    """``src_path`` (its first ``pages``) encrypted; ``extract=False``: the owner forbids text
    extraction (readers that honour permissions refuse it)."""
    src = pikepdf.open(src_path)
    if pages is not None:
        del src.pages[pages:]
    enc = pikepdf.Encryption(user=user, owner=owner, R=6 if aes256 else 4, aes=True,
                             allow=pikepdf.Permissions(extract=extract))
    return _save(src, path, encryption=enc)


def deep_nesting(path: Path, depth: int = 50_000) -> Path:
    """A page whose resources hold an array nested ``depth`` deep, and content with as many q."""
    content = b"q " * depth + b"BT /F1 12 Tf 72 700 Td (deep) Tj ET " + b"Q " * depth
    pdf = _pdf_with_pages([content])
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(path)
    data = path.read_bytes()
    # qpdf refuses to build such an array itself: splice it into the page's Resources dict by hand
    nested = b"[" * depth + b"1" + b"]" * depth
    data = data.replace(b"/Resources <<", b"/Resources << /Deep " + nested + b" ", 1)
    path.write_bytes(data)  # the xref offsets are now wrong too: a reader must rebuild them
    return path


def self_drawing_form(path: Path) -> Path:
    """A form XObject that draws itself: an endless recursion for a naive reader."""
    pdf = _pdf_with_pages([b"BT /F1 12 Tf 72 700 Td (form) Tj ET /X1 Do"])
    form = pdf.make_stream(b"0 0 m 100 100 l S /X1 Do")
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, Array([0, 0, 595, 842])
    form.Resources = Dictionary(XObject=Dictionary(X1=form))
    pdf.pages[0].obj.Resources.XObject = Dictionary(X1=form)
    return _save(pdf, path)


def page_tree_cycle(path: Path) -> Path:
    """A /Pages node whose Kids include the node itself (and its page)."""
    text_pdf(path)
    data = path.read_bytes()
    # pikepdf writes the page tree as object 2 ("/Kids [ 3 0 R ]"): make it its own child
    import re
    m = re.search(rb"(\d+) 0 obj\s*<<\s*/Count 1\s*/Kids \[\s*(\d+) 0 R\s*\]", data)
    assert m, "page tree not found"
    node, kid = m.group(1), m.group(2)
    data = data.replace(m.group(0), m.group(0).replace(kid + b" 0 R", kid + b" 0 R " + node + b" 0 R"), 1)
    path.write_bytes(data)
    return path


def broken_xref(path: Path, src: Path = SAMPLE) -> Path:
    """A real report whose cross-reference offsets all point 7 bytes off."""
    import re
    data = src.read_bytes()
    start = data.rfind(b"startxref")
    xref_at = int(data[start + 9:].split()[0])
    table_end = data.find(b"trailer", xref_at)
    table = data[xref_at:table_end]
    shifted = re.sub(rb"(\d{10}) (\d{5}) n", lambda m: b"%010d %s n" % (int(m.group(1)) + 7, m.group(2)), table)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:xref_at] + shifted + data[table_end:])
    return path


def missing_xref(path: Path, src: Path = SAMPLE) -> Path:
    """A real report with its cross-reference table and startxref cut away."""
    data = src.read_bytes()
    xref_at = int(data[data.rfind(b"startxref") + 9:].split()[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:xref_at] + b"%%EOF\n")
    return path


def truncated(path: Path, fraction: float, src: Path = SMALL_REAL) -> Path:
    data = src.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[: max(1, int(len(data) * fraction))])
    return path


def fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def unix_socket(path: Path) -> socket.socket:
    """A listening UNIX socket named like a PDF; keep the returned socket open while it is used."""
    path.parent.mkdir(parents=True, exist_ok=True)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    return s


def symlink(path: Path, target: str | Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)
    return path


def copy(path: Path, src: Path = SMALL_REAL) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, path)
    return path


def peak_child_rss_mb() -> float:
    """The largest resident size any waited-for child process of this one reached (MB)."""
    import resource
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def small_report(path: Path, n: int = 1) -> Path:
    """A tiny valid report page (Chinese text, one figure): what the other files of a batch are."""
    return chinese_page(path, [f"上海市普陀区某局2024年度部门决算", f"本年收入合计{1000 + n:,}.00万元。"])


def unstorable(path: str) -> dict:
    """A per-file function (batch ``work=``) whose result for files named ``unstorable*`` cannot be
    stored (a report JSON that does not read back): the store write fails for that file only."""
    from pipeline.run.runner import process_file

    result = process_file(path)
    if Path(path).name.startswith("unstorable") and result.get("report_json"):
        result["report_json"] = result["report_json"][: len(result["report_json"]) // 2]
    return result


def build_mixed_batch(folder: Path) -> tuple[dict[str, set[str]], list]:
    """The batch of issue 14's "done when": the dense page, the bomb, a FIFO, a /dev/zero link and
    more hostile files among files that must come out ``ok``. Returns display name -> allowed
    statuses, and the open sockets (keep them alive while the batch runs)."""
    expected: dict[str, set[str]] = {}
    for i in range(3):
        small_report(folder / f"ok_{i}.pdf", i)
        expected[f"ok_{i}.pdf"] = {"ok"}
    copy(folder / "real.pdf")
    expected["real.pdf"] = {"ok"}
    for n, name in enumerate(('=HYPERLINK("http:x","y").pdf', "+SUM(1).pdf", "-2+3.pdf", "@cmd.pdf")):
        small_report(folder / name, 10 + n)
        expected[name] = {"ok"}
    # the dense page here is of figures: report.html crops every finding's evidence from the PDF
    # page, all of it (pipeline.publish.pagecrop), which on a page of prose costs seconds per finding
    dense_figures(folder / "dense.pdf")
    expected["dense.pdf"] = {"ok"}
    bomb(folder / "bomb.pdf")
    expected["bomb.pdf"] = {"too_large"}
    fifo(folder / "fifo.pdf")
    expected["fifo.pdf"] = {"not_regular"}
    symlink(folder / "zero.pdf", "/dev/zero")
    expected["zero.pdf"] = {"not_regular"}
    sockets = [unix_socket(folder / "sock.pdf")]
    expected["sock.pdf"] = {"not_regular"}
    symlink(folder / "loop_a.pdf", "loop_b.pdf")
    symlink(folder / "loop_b.pdf", "loop_a.pdf")
    expected["loop_a.pdf"] = expected["loop_b.pdf"] = {"missing"}
    symlink(folder / "dangling.pdf", "nowhere.pdf")
    expected["dangling.pdf"] = {"missing"}
    symlink(folder / "sub" / "up", "..")  # a folder loop: walked once
    truncated(folder / "[/]bad\x1b[31mred.pdf", 0.3)
    expected["[/]bad\x1b[31mred.pdf"] = {"damaged"}
    encrypted(folder / "locked.pdf", "user", "owner")
    expected["locked.pdf"] = {"encrypted"}
    broken_xref(folder / "broken_xref.pdf", SMALL_REAL)
    expected["broken_xref.pdf"] = {"ok"}
    return expected, sockets
