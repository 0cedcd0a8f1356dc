"""Schema validation for the applicability and authoring tests: the lead's validator, offline."""

from __future__ import annotations

from pathlib import Path

from ietm.check.schema import Validator
from ietm.check.schemas_locator import SchemaLocator
from ietm.parse import load_bytes
from ietm.parse.loader import load


def validator(*schema_dirs: Path) -> Validator:
    return Validator(SchemaLocator(list(schema_dirs)))


def schema_errors(v: Validator, path_or_bytes: Path | bytes) -> list[str]:
    doc = load(path_or_bytes) if isinstance(path_or_bytes, Path) else load_bytes(path_or_bytes, "<instance>")
    return [f"{f.line}: {f.message}" for f in v.validate(doc)]
