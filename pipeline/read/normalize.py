"""Text normalisation for matching. The raw text is always kept beside it for quoting.

- full-width digits, letters and punctuation become ASCII (NFKC), except the full-width comma,
  which stays a Chinese clause separator so that it is never read as a thousands separator;
- spaces are removed unless they separate two ASCII words or numbers ("2023 年" -> "2023年",
  "i 盐田" -> "i盐田", "12 345" stays two numbers);
- a few look-alike characters are unified (dashes, per-cent signs, middle dots);
- CJK radicals that some fonts map instead of the character (⻚ for 页, ⻔ for 门: Kangxi radicals
  are NFKC's job, the Radicals Supplement is not) become the character.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_KEEP = {"，"}  # protected from NFKC
_LOOKALIKE = str.maketrans({
    "－": "-", "—": "—", "–": "-", "‑": "-", "−": "-",
    "﹪": "%", "٪": "%",
    "〔": "[", "〕": "]", "【": "[", "】": "]",
    "“": "“", "”": "”",
    "\u3000": " ", "\xa0": " ",
})
# CJK Radicals Supplement -> the ideograph it stands for (NFKC leaves these alone)
_LOOKALIKE.update(str.maketrans(dict(pair for pair in (
    "⺠民 ⻄西 ⻅见 ⻆角 ⻉贝 ⻋车 ⻓长 ⻔门 ⻘青 ⻙韦 ⻚页 ⻛风 ⻜飞 ⻝食 ⻢马 ⻣骨 ⻤鬼 ⻥鱼 ⻦鸟 ⻨麦 ⻩黄 "
    "⻬齐 ⻮齿 ⻰龙 ⻗雨 ⻊足 ⺮竹 ⻧卤").split())))
_SPACE = re.compile(r"\s+")
_ASCII_WORD = re.compile(r"[0-9A-Za-z.%]")


def normalize(raw: str) -> str:
    return _drop_spaces("".join(normalize_char(ch) for ch in raw))


@lru_cache(maxsize=16384)
def normalize_char(ch: str) -> str:
    """One printed character, normalised (usually one character, sometimes more, e.g. ㎡ -> m2);
    a report prints a few thousand distinct characters, so each is normalised once."""
    if ch in _KEEP:
        return ch
    return unicodedata.normalize("NFKC", ch).translate(_LOOKALIKE)


def is_ascii_word(ch: str) -> bool:
    return bool(_ASCII_WORD.match(ch))


def _drop_spaces(s: str) -> str:
    parts = _SPACE.split(s.strip())
    if len(parts) == 1:
        return parts[0]
    out = [parts[0]]
    for part in parts[1:]:
        if not part:
            continue
        prev = out[-1]
        if prev and _ASCII_WORD.match(prev[-1]) and _ASCII_WORD.match(part[0]) and not _is_unit_join(prev, part):
            out.append(" ")
        out.append(part)
    return "".join(out)


def _is_unit_join(prev: str, part: str) -> bool:
    """'99.9 %' is one number: a lone per-cent sign joins the number before it."""
    return part[0] == "%"


def compact(s: str) -> str:
    """Normalised text with every space removed: for comparing texts laid out differently."""
    return normalize(s).replace(" ", "")
