"""The checks one uploaded object must pass before it enters a CSDB: its schema and the CSDB's BREX.

References and applicability are CSDB-wide; `ietm check` over the whole CSDB reports them after an upload.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ietm.check.brex import DEFAULT_NONFAILING, Checker, make_spec
from ietm.check.schema import Validator
from ietm.check.schemas_locator import SchemaLocator
from ietm.config import Config
from ietm.report import Finding


def object_checks(csdb: Path, config: Config) -> Callable[[Path], list[Finding]]:
    """Schema validation and BREX for single files, built once (schemas compiled, BREX read) per server."""
    validator = Validator(SchemaLocator(config.paths("schemas.dirs"), config.paths("schemas.catalogs")))
    # the same rules as `ietm check`, with the severities the CSDB's settings give them
    brex = Checker(make_spec([csdb], defaults=config.paths("brex.default"),
                             nonfailing=tuple(config.get("brex.nonfailing") or DEFAULT_NONFAILING)))

    def check(path: Path) -> list[Finding]:
        findings = validator.validate_file(str(path))
        if not any(f.severity == "error" for f in findings):
            findings += brex.check_file(str(path))
        return findings

    return check
