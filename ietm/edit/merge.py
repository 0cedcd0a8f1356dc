"""Two writers, one module: what the other writer changed, and a three-way merge of the two edits.

All three versions (the one the writer started from, the one saved meanwhile, the writer's own) are first
written in the editor's form (ietm.edit.document.canonical: one element per line outside running text), so
that the merge works on lines a writer would call paragraphs, steps and cells, and changes to different
places merge by themselves; changes to the same place are shown side by side for the writer to choose.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from merge3 import Merge3

_TAG = re.compile(r"<[^>]+>")
_ATTRS = re.compile(r'(\w+)="([^"]*)"')


def readable(line: str) -> str:
    """A line of a module as a writer reads it: its text, or the element and its values when it has none."""
    text = " ".join(_TAG.sub(" ", line).split())
    if text:
        return text
    m = re.search(r"<\s*([A-Za-z][\w.-]*)", line)
    if not m or line.lstrip().startswith("</"):
        return ""
    values = ", ".join(v for _, v in _ATTRS.findall(line)[:4])
    return f"<{m[1]}> {values}".strip()


def diff_rows(old: bytes, new: bytes) -> list[tuple[str, str]]:
    """(+|-| |@, text) rows of what changed from `old` to `new`, readable, with a line of context."""
    a = [readable(x) for x in old.decode("utf-8").splitlines()]
    b = [readable(x) for x in new.decode("utf-8").splitlines()]
    rows: list[tuple[str, str]] = []
    for line in difflib.unified_diff(a, b, lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            rows.append(("@", "…"))
        elif line[1:].strip():
            rows.append((line[0], line[1:]))
    return rows


@dataclass
class Merged:
    lines: list[str] = field(default_factory=list)  # with conflicts resolved, or None-free once all are chosen
    conflicts: list[dict] = field(default_factory=list)  # {"index", "base", "mine", "theirs"}: readable lines

    @property
    def data(self) -> bytes:
        return "".join(self.lines).encode("utf-8")


def merge(base: bytes, theirs: bytes, mine: bytes, choices: dict[int, str] | None = None) -> Merged:
    """Merge the writer's edit (`mine`) of `base` with the version saved meanwhile (`theirs`).

    Conflicting places are numbered in order; `choices` says for each which side to keep ("mine", "theirs"
    or "both": theirs, then mine). Without a choice for every conflict, `conflicts` lists them and `lines`
    is not a complete module."""
    split = lambda data: data.decode("utf-8").splitlines(keepends=True)  # noqa: E731
    out = Merged()
    n = 0
    for group in Merge3(split(base), split(mine), split(theirs)).merge_groups():
        kind = group[0]
        if kind in ("unchanged", "a", "b", "same"):
            out.lines += group[1]
            continue
        _, base_lines, my_lines, their_lines = group
        choice = (choices or {}).get(n)
        if choice == "mine":
            out.lines += my_lines
        elif choice == "theirs":
            out.lines += their_lines
        elif choice == "both":
            out.lines += their_lines + my_lines
        else:
            out.conflicts.append({
                "index": n,
                "base": [t for t in map(readable, base_lines) if t],
                "mine": [t for t in map(readable, my_lines) if t],
                "theirs": [t for t in map(readable, their_lines) if t],
            })
        n += 1
    return out
