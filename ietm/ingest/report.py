"""The conversion report: where each source paragraph, table and picture went, what found no place, what
the checks said of the output and which files were written or kept. Text for the writer, JSON for tools;
the text is derived from the same record as the JSON.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from ietm.report import Finding


@dataclass
class Placed:
    where: str  # place in the source: "¶12", "table 3", "¶40, picture 2"
    what: str  # heading | paragraph | list item | step | warning | caution | note | table | picture | ...
    to: str  # the object (DMC-..., ICN-...) and the element it became


@dataclass
class ConversionReport:
    source: str
    language: str = ""
    placed: list[Placed] = field(default_factory=list)
    unmapped: list[tuple[str, str]] = field(default_factory=list)  # (where, what and why)
    findings: list[Finding] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (file, why it was not replaced)
    words: tuple[int, int] | None = None  # (source words found in the CSDB, source words)

    def place(self, where: str, what: str, to: str) -> None:
        self.placed.append(Placed(where, what, to))

    def leave(self, where: str, what: str) -> None:
        self.unmapped.append((where, what))

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def counts(self) -> dict[str, int]:
        c = Counter(p.what for p in self.placed)
        return dict(sorted(c.items()))

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "language": self.language,
            "ok": self.ok,
            "counts": self.counts(),
            "words": {"found": self.words[0], "total": self.words[1]} if self.words else None,
            "written": self.written,
            "unchanged": self.unchanged,
            "kept": [{"file": f, "reason": r} for f, r in self.kept],
            "unmapped": [{"where": w, "what": t} for w, t in self.unmapped],
            "findings": [asdict(f) for f in self.findings],
            "placed": [asdict(p) for p in self.placed],
        }

    def summary(self) -> str:
        errors = sum(1 for f in self.findings if f.severity == "error")
        words = f"; words {self.words[0]}/{self.words[1]} ({100 * self.words[0] / max(self.words[1], 1):.2f} %)" if self.words else ""
        verdict = "SUCCESS" if self.ok else "FAILED"
        return (f"{verdict}: import: {self.source}: {len(self.written)} file(s) written, {len(self.unchanged)} unchanged, "
                f"{len(self.kept)} kept as edited, {len(self.unmapped)} item(s) not mapped, {errors} error(s){words}")

    def text(self, details: bool = False) -> str:
        lines = [f"Import of {self.source} ({self.language})", ""]
        lines.append("Counts: " + ", ".join(f"{k} {v}" for k, v in self.counts().items()))
        if self.kept:
            lines += ["", "Kept (edited since the last import, not replaced):"]
            lines += [f"  {f}: {r}" for f, r in self.kept]
        if self.unmapped:
            lines += ["", "Not mapped (no place in S1000D, or left out on purpose):"]
            lines += [f"  {self.source}:{w}: {t}" for w, t in self.unmapped]
        if self.findings:
            lines += ["", "Checks of the written objects:"]
            lines += [f"  {f.text()}" for f in self.findings]
        if details:
            lines += ["", "Where each part of the source went:"]
            lines += [f"  {p.where}: {p.what} -> {p.to}" for p in self.placed]
        lines += ["", self.summary()]
        return "\n".join(lines) + "\n"

    def json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
