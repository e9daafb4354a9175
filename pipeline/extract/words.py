"""Chinese word boundaries with jieba and our own user dictionary (catalog names, subjects, the
``userdict`` list of patterns/indicators.yaml). The dictionary is built once per process.

A catalog name must start at a word boundary: "退休" binds in "退休2人" but not inside
"离退休干部用车0辆"; "项目支出" does not start inside "二级项目支出明细" when that is one word.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

_LITERAL = re.compile(r"^[\u4e00-\u9fa5A-Za-z“”\"()（）]+$")


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    from pipeline.extract.catalog import catalog

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    cat = catalog()
    words = set(cat.userdict)
    for e in cat.entries.values():
        words.update(p.pattern for p in [*e.names, *e.terms] if _LITERAL.match(p.pattern))
    for pats in cat.subjects.values():
        words.update(p.pattern for p in pats if _LITERAL.match(p.pattern))
    for w in sorted(words):
        tk.add_word(w, freq=2_000_000)
    return tk


def warm_up() -> None:
    """Build the jieba dictionary (about a second) now, e.g. when a batch worker starts, rather
    than inside the first file's timing."""
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
