"""Chinese word boundaries with jieba and our own user dictionary (catalog names, subjects, the
``userdict`` list of patterns/indicators.yaml).

jieba's prefix dictionary (half a million entries: 0.6-1 s and ~70 MB to load whole) is merged
with our words once and kept on disk in pieces by first and second character
(:class:`_PrefixDict`): a process then loads only the pieces the sentences it cuts need (a report:
~10 ms, a few thousand entries). The cut itself is jieba's own (``cut``, ``HMM=False``),
on the same entries, so the boundaries are the ones the whole dictionary gives. The cache lives in
``$GOVAUDIT_CACHE`` (else ``$XDG_CACHE_HOME/govaudit``, else ``~/.cache/govaudit``, else the temp
folder) and is keyed by jieba's version, its dictionary file and our word list: a changed catalog
builds a new one (~2 s, once) and removes the old.

A catalog name must start at a word boundary: "退休" binds in "退休2人" but not inside
"离退休干部用车0辆"; "项目支出" does not start inside "二级项目支出明细" when that is one word.
"""
from __future__ import annotations

import hashlib
import logging
import marshal
import mmap
import os
import re
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

_LITERAL = re.compile(r"^[\u4e00-\u9fa5A-Za-z“”\"()（）]+$")
_USER_FREQ = 2_000_000
_FORMAT = 2  # bump when the cache file's layout changes


def _import_jieba():
    """jieba, imported without pkg_resources (0.2 s of jieba's 0.23 s import): without it jieba
    opens its data files from its own folder, which is where pkg_resources finds them too."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def _our_words() -> list[str]:
    from pipeline.extract.catalog import catalog

    cat = catalog()
    words = set(cat.userdict)
    for e in cat.entries.values():
        words.update(p.pattern for p in [*e.names, *e.terms] if _LITERAL.match(p.pattern))
    for pats in cat.subjects.values():
        words.update(p.pattern for p in pats if _LITERAL.match(p.pattern))
    return sorted(words)


def cache_dir() -> Path:
    if os.environ.get("GOVAUDIT_CACHE"):
        return Path(os.environ["GOVAUDIT_CACHE"])
    try:
        base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    except RuntimeError:  # no home folder
        base = tempfile.gettempdir()
    return Path(base) / "govaudit"


class _PrefixDict(dict):
    """jieba's ``FREQ`` (word or word prefix -> frequency, 0 for a bare prefix) read from the cache
    file piece by piece. The file holds, per first character, that character's own entry and an
    index of its two-character prefixes; per two-character prefix, the entries that start with it.
    Asking for a key loads its first character's piece, then (for a longer key) its two-character
    piece, once: a report's sentences need a few thousand of the half million entries."""

    def __init__(self, blob, index: dict[str, tuple[int, int]]):
        super().__init__()
        self._blob = blob
        self._index = index  # first character -> its piece
        self._pairs: dict[str, dict[str, tuple[int, int]]] = {}  # first character -> second -> piece
        self._loaded: set[str] = set()  # one- and two-character prefixes read

    def _piece(self, span: tuple[int, int]):
        return marshal.loads(self._blob[span[0]:span[0] + span[1]])

    def _load(self, key: str) -> None:
        first = key[:1]
        if first not in self._loaded:
            self._loaded.add(first)
            span = self._index.get(first)
            if span is not None:
                freq, pairs = self._piece(span)
                self._pairs[first] = pairs
                if freq is not None:
                    dict.__setitem__(self, first, freq)
        if len(key) > 1:
            pair = key[:2]
            if pair not in self._loaded:
                self._loaded.add(pair)
                span = self._pairs.get(first, {}).get(key[1])
                if span is not None:
                    dict.update(self, self._piece(span))

    def __contains__(self, key) -> bool:
        self._load(key)
        return dict.__contains__(self, key)

    def __getitem__(self, key):
        self._load(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self._load(key)
        return dict.get(self, key, default)

    def __setitem__(self, key, value) -> None:
        self._load(key)
        dict.__setitem__(self, key, value)


def _cache_path(jieba, words: list[str]) -> Path:
    dict_file = Path(jieba.DEFAULT_DICT_NAME if os.path.isabs(jieba.DEFAULT_DICT_NAME)
                     else Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME)
    stat = dict_file.stat()
    key = hashlib.sha256("\n".join([str(_FORMAT), jieba.__version__, str(dict_file), str(stat.st_size),
                                    str(int(stat.st_mtime)), str(_USER_FREQ), *words]).encode()).hexdigest()[:16]
    return cache_dir() / f"jieba-{key}.dict"


def _build_cache(jieba, words: list[str], path: Path) -> None:
    """The whole prefix dictionary with our words added, written bucket by bucket (atomically)."""
    tk = jieba.Tokenizer()
    tk.initialize()
    for w in words:
        tk.add_word(w, freq=_USER_FREQ)
    singles: dict[str, int] = {}
    pairs: dict[str, dict[str, dict[str, int]]] = {}  # first -> second -> entries
    for k, v in tk.FREQ.items():
        if len(k) == 1:
            singles[k] = v
        else:
            pairs.setdefault(k[0], {}).setdefault(k[1], {})[k] = v
    blobs: list[bytes] = []
    offset = 0

    def put(obj) -> tuple[int, int]:
        nonlocal offset
        b = marshal.dumps(obj)
        blobs.append(b)
        offset += len(b)
        return offset - len(b), len(b)

    index = {}
    for first in singles.keys() | pairs.keys():
        second = {c: put(entries) for c, entries in pairs.get(first, {}).items()}
        index[first] = put((singles.get(first), second))
    head = marshal.dumps((tk.total, index))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-")
    with os.fdopen(fd, "wb") as f:
        f.write(len(head).to_bytes(8, "little"))
        f.write(head)
        f.writelines(blobs)
    os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep it from other users of a shared cache folder
    os.replace(tmp, path)
    for old in path.parent.glob("jieba-*.dict"):  # caches of other word lists: a catalog edited since
        if old != path:
            old.unlink(missing_ok=True)


def _read_cache(path: Path) -> tuple[int, _PrefixDict]:
    """The file mapped, not read: only the pieces asked for are paged in."""
    with open(path, "rb") as f:
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    n = int.from_bytes(data[:8], "little")
    total, index = marshal.loads(data[8:8 + n])
    return total, _PrefixDict(memoryview(data)[8 + n:], index)


@lru_cache(maxsize=1)
def _tokenizer():
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    words = _our_words()
    tk = jieba.Tokenizer()
    name = _cache_path(jieba, words).name
    for folder in (cache_dir(), Path(tempfile.gettempdir()) / "govaudit"):
        path = folder / name
        for build in (False, True):  # a missing or damaged file is built (again)
            try:
                if build or not path.exists():
                    _build_cache(jieba, words, path)
                tk.total, tk.FREQ = _read_cache(path)
                tk.initialized = True
                return tk
            except (OSError, ValueError, EOFError, TypeError):  # unwritable folder, damaged file
                continue
    for w in words:  # no cache anywhere: the whole dictionary in memory, as jieba does it
        tk.add_word(w, freq=_USER_FREQ)
    return tk


def warm_up() -> None:
    """Open the jieba dictionary now (built on first use, ~2 s; then read from the cache), e.g. when
    a batch worker starts, rather than inside the first file's timing."""
    _tokenizer()


@lru_cache(maxsize=4096)
def boundaries(text: str) -> frozenset[int]:
    pos, out = 0, {0}
    for tok in _tokenizer().cut(text, HMM=False):
        pos += len(tok)
        out.add(pos)
    return frozenset(out)


def at_boundary(text: str, pos: int) -> bool:
    return pos in boundaries(text)


def has_words(title: str, words: list[str]) -> bool:
    """All ``words`` occur in ``title``."""
    return all(w in title for w in words)
