"""The heading tree: 一、 > （一） > 1. > （1）, so that every paragraph knows its section path."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.document import Document

# Levels, outermost first. Normalised text: full-width brackets are ASCII here.
HEADING_LEVELS: list[re.Pattern] = [
    # an appendix ("附件", "附件1", "附表2：…") closes every section before it
    re.compile(r"^(?:第[一二三四五六七八九十]+部分|附[件表]\s*[\d一二三四五六七八九十]*(?:[:：].*)?$)"),
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^\([一二三四五六七八九十]+\)、?"),
    re.compile(r"^\d{1,2}(?:\.|、|．)(?!\d)"),
    re.compile(r"^\(\d{1,2}\)"),
]
MAX_HEADING_CHARS = 40


@dataclass
class Section:
    title: str
    level: int
    paragraph: int  # index of the heading paragraph
    children: list["Section"] = field(default_factory=list)


def heading_level(text: str) -> int | None:
    """The level of a heading paragraph, or None for running text (too long, or a full sentence)."""
    t = text.strip()
    if len(t) > MAX_HEADING_CHARS or t.count("。") > 1 or (t.endswith("。") and len(t) > 24):
        return None
    for level, pat in enumerate(HEADING_LEVELS):
        if pat.match(t):
            return level
    return None


def section_paths(doc: Document) -> list[str | None]:
    """For each paragraph, its heading path (" > " joined), headings themselves included."""
    stack: list[tuple[int, str]] = []
    paths: list[str | None] = []
    for p in doc.paragraphs:
        level = heading_level(p.text)
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, p.text))
        paths.append(" > ".join(t for _, t in stack) if stack else None)
    return paths


def tree(doc: Document) -> list[Section]:
    roots: list[Section] = []
    stack: list[Section] = []
    for p in doc.paragraphs:
        level = heading_level(p.text)
        if level is None:
            continue
        node = Section(title=p.text, level=level, paragraph=p.index)
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots
