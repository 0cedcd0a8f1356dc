"""What an object must pass before QA may approve it, and examining many objects on all cores.

Per object: schema and BREX, the per-object part of `ietm check`, run on the bytes about to be signed
(QA status already set). References and applicability concern a whole CSDB: `ietm release` runs the
full gate. Examining needs no key, so worker processes do it; the key stays in the main process.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ietm import errors
from ietm.errors import IetmError

PARALLEL_FROM = 24
Check = Callable[[bytes, str], list[str]]


@dataclass(frozen=True)
class CheckSpec:
    """How to build the check, picklable so each worker builds its own (schemas compiled once per worker)."""

    folders: tuple[Path, ...]
    schema_args: tuple
    brex_args: tuple

    def build(self) -> Check:
        from ietm.check.brex import Checker
        from ietm.check.brex import check as brex_check
        from ietm.check.commands import make_locator
        from ietm.check.integrity_commands import brex_spec
        from ietm.check.schema import Validator
        from ietm.parse.loader import load_bytes

        validator = Validator(make_locator(self.folders[0], *self.schema_args))
        checker = Checker(brex_spec(list(self.folders), *self.brex_args))  # each object's BREX looked for beside it

        def check(data: bytes, display: str) -> list[str]:
            doc = load_bytes(data, display)
            findings = validator.validate(doc)
            chain, found = checker.layers(doc)
            findings += found + brex_check(doc, chain, checker.spec.values, checker.spec.nonfailing)
            return [f"{f.rule}: line {f.line}: {f.message}" for f in findings if f.severity == "error"]

        return check


_check: Check | None = None


def _init_worker(spec: CheckSpec) -> None:
    global _check
    _check = spec.build()


def _examine_in_worker(job: tuple[Path, str | None, str | None]):
    from ietm.sign.detached import examine

    assert _check is not None
    try:
        return examine(*job, _check)
    except IetmError as exc:  # exceptions with extra fields do not survive pickling; send the fields
        return (type(exc).__name__, exc.message, exc.path, exc.line)


def examine_many(paths: list[Path], level: str | None, vtype: str | None, spec: CheckSpec, jobs: int = 0) -> list:
    """`examine` every object, in order, on all cores for large batches; the first refusal is raised."""
    from ietm.sign.detached import examine

    workers = min(jobs or os.cpu_count() or 1, max(1, len(paths) // 8))
    if len(paths) < PARALLEL_FROM or workers == 1:
        check = spec.build()
        return [examine(p, level, vtype, check) for p in paths]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(spec,)) as pool:
        results = list(pool.map(_examine_in_worker, [(p, level, vtype) for p in paths], chunksize=16))
    for r in results:
        if isinstance(r, tuple):
            name, message, path, line = r
            raise getattr(errors, name, IetmError)(message, path, line)
    return results
