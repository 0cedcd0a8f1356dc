"""Findings and their writers: every check reports the same shape, so text, JSON and JUnit agree."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from typing import IO, Iterable
from xml.sax.saxutils import escape, quoteattr

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning | info
    path: str
    message: str
    line: int | None = None
    col: int | None = None
    rule: str | None = None
    check: str = "schema"  # schema | brex | refs | applic | completeness | name | parse

    def place(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        return where

    def text(self, language: str = "en") -> str:
        """One line, `file:line: severity: rule: message`; the message in `language` where it has its forms."""
        from ietm.i18n import localise

        rule = f"{self.rule}: " if self.rule else ""
        return f"{self.place()}: {self.severity}: {rule}{localise(self.message, language)}"


@dataclass
class Report:
    """The findings of one run over a number of files."""

    findings: list[Finding]
    files: int
    check: str

    @property
    def counts(self) -> Counter[str]:
        return Counter(f.severity for f in self.findings)

    @property
    def failed_files(self) -> int:
        return len({f.path for f in self.findings if f.severity == "error"})

    @property
    def ok(self) -> bool:
        return self.counts["error"] == 0

    def summary(self) -> str:
        c = self.counts
        verdict = "SUCCESS" if self.ok else "FAILED"
        return (
            f"{verdict}: {self.check}: {self.files} file(s) checked, {self.failed_files} with errors; "
            f"{c['error']} error(s), {c['warning']} warning(s)"
        )

    def to_dict(self) -> dict:
        return {
            "check": self.check,
            "ok": self.ok,
            "files": self.files,
            "errors": self.counts["error"],
            "warnings": self.counts["warning"],
            "findings": [asdict(f) for f in self.findings],
        }


def write(report: Report, fmt: str, out: IO[str], quiet: bool = False) -> None:
    if fmt == "json":
        json.dump(report.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "junit":
        out.write(junit(report))
    else:
        if not quiet:
            from ietm.i18n import terminal_language

            language = terminal_language()
            for f in report.findings:
                out.write(f.text(language) + "\n")
        out.write(report.summary() + "\n")


def junit(report: Report) -> str:
    """One testcase per file that has findings or passed, so CI dashboards show each object."""
    by_path: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_path.setdefault(f.path, []).append(f)
    cases = []
    for path, items in sorted(by_path.items()):
        errors = [f for f in items if f.severity == "error"]
        body = "".join(
            f"<failure message={quoteattr(f.message)} type={quoteattr(f.rule or f.check)}>{escape(f.text())}</failure>"
            for f in errors
        )
        others = "\n".join(f.text() for f in items if f.severity != "error")
        if others:
            body += f"<system-out>{escape(others)}</system-out>"
        cases.append(f'<testcase classname={quoteattr(report.check)} name={quoteattr(path)}>{body}</testcase>')
    passed = report.files - len(by_path)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuite name={quoteattr("ietm " + report.check)} tests="{len(by_path) + max(passed, 0)}" '
        f'failures="{report.failed_files}">\n' + "\n".join(cases) + "\n</testsuite>\n"
    )


def merge(reports: Iterable[Report], check: str) -> Report:
    reports = list(reports)
    return Report([f for r in reports for f in r.findings], max((r.files for r in reports), default=0), check)
