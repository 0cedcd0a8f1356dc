"""One gate before handover: schema validation, BREX, references and applicability of a CSDB, one summary.

Each check keeps its own report (so a writer sees which kind of fault it is); the gate fails when any of
them has an error. The catalog is read once and shared by the checks that use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Callable

from ietm.report import Report, junit

if TYPE_CHECKING:
    from ietm.check.incremental import Kept

CHECKS = ("schema", "brex", "refs", "applic")


@dataclass
class Gate:
    """The reports of one run, in the order the checks ran."""

    reports: dict[str, Report] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports.values())

    def summary(self) -> str:
        parts = [f"{name} {r.counts['error']} error(s), {r.counts['warning']} warning(s)" for name, r in self.reports.items()]
        files = max((r.files for r in self.reports.values()), default=0)
        return f"{'SUCCESS' if self.ok else 'FAILED'}: check: {files} file(s); " + "; ".join(parts)

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "errors": sum(r.counts["error"] for r in self.reports.values()),
            "warnings": sum(r.counts["warning"] for r in self.reports.values()),
            "checks": {name: r.to_dict() for name, r in self.reports.items()},
        }

    def write(self, fmt: str, out: IO[str], quiet: bool = False) -> None:
        if fmt == "json":
            import json

            json.dump(self.to_dict(), out, indent=2, ensure_ascii=False)
            out.write("\n")
        elif fmt == "junit":
            suites = [junit(r).split("\n", 1)[1] for r in self.reports.values()]
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ietm check">\n' + "".join(suites) + "</testsuites>\n")
        else:
            from ietm.i18n import terminal_language

            language = terminal_language()
            for r in self.reports.values():
                if not quiet:
                    for f in r.findings:
                        out.write(f"[{r.check}] {f.text(language)}\n")
                out.write(r.summary() + "\n")
            out.write(self.summary() + "\n")


def run_gate(csdb: Path, steps: dict[str, Callable[..., Report]], progress: Callable[[str], None] | None = None) -> Gate:
    """Run the given checks in the gate's order; each step is a callable giving that check's report."""
    gate = Gate()
    for name in CHECKS:
        if name in steps:
            if progress:
                progress(name)
            gate.reports[name] = steps[name]()
    return gate


def standard_steps(
    csdb: Path,
    locator_args: tuple,
    brex_args: dict,
    default_brex: list[Path],
    jobs: int = 0,
    skip: tuple[str, ...] = (),
    show_progress: bool = False,
    use_kept: bool = True,
    kept: Kept | None = None,
) -> dict[str, Callable[[], Report]]:
    """The four checks over one CSDB, as each command runs them; `skip` leaves some out. Each object's findings
    are kept in the CSDB's state folder and taken again while nothing they depend on changed
    (ietm.check.incremental); without `use_kept` every object is checked again (and its findings kept anew)."""
    from ietm.catalog import Catalog
    from ietm.check import incremental

    kept = kept or incremental.Kept(csdb, read=use_kept)
    catalog: list[Catalog] = []

    def shared_catalog() -> Catalog:
        if not catalog:
            c = Catalog.open(csdb)
            c.refresh(progress=show_progress)
            catalog.append(c)
        return catalog[0]

    def schema() -> Report:
        from ietm.check.commands import make_locator

        return incremental.schema_report(kept, make_locator(csdb, *locator_args), jobs, show_progress)

    def brex() -> Report:
        from ietm.check.brex import make_spec

        return incremental.brex_report(kept, make_spec([csdb], **brex_args), jobs, show_progress)

    def refs() -> Report:
        from ietm.check.refs import brex_keys

        return incremental.refs_report(kept, shared_catalog(), brex_keys(default_brex), jobs)

    def applic() -> Report:
        return incremental.applic_report(kept, shared_catalog(), jobs, show_progress)

    steps = {"schema": schema, "brex": brex, "refs": refs, "applic": applic}
    return {k: v for k, v in steps.items() if k not in skip}
