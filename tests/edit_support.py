"""Shared pieces of the editor's browser tests: a writable copy of the sample manual with writers, logging in,
waiting for the editor, and checking saved files against the official S1000D 4.2 schemas and the BREX."""

from __future__ import annotations

import shutil
from pathlib import Path

from ietm.accounts import open_accounts
from ietm.check.brex import Checker, make_spec
from ietm.check.schema import Validator
from ietm.check.schemas_locator import SchemaLocator

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
WRITERS = ("olga", "pavel")


def writable_content(dest: Path, brex42: Path, db_url: str = "") -> Path:
    """A copy of the sample manual a writer may change, with two writers and a technician."""
    shutil.copytree(ROOT / "content", dest, ignore=shutil.ignore_patterns(".*"))
    (dest / "ietm.toml").write_text(f'[brex]\ndefault = ["{brex42}"]\n[server]\ndatabase = "{db_url}"\n')
    accounts = open_accounts(dest)
    for name in WRITERS:
        accounts.add(name, "writer", PASSWORD, "01")
    accounts.add("tech", "technician", PASSWORD, "01")
    return dest


def login(page, name: str) -> None:
    page.goto("/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{name} could not log in"


def open_editor(page, code: str, language: str) -> None:
    page.goto(f"/edit/{code}?language={language}")
    page.wait_for_selector("#editor[data-ready]", timeout=30000)


def official_findings(path: Path, schemas42: Path, csdb: Path, brex42: Path) -> list[str]:
    """Errors of a saved module against the official S1000D 4.2 schemas and its BREX chain (project, default)."""
    schema = Validator(SchemaLocator([schemas42])).validate_file(str(path))
    brex = Checker(make_spec([csdb], defaults=[brex42])).check_file(str(path))
    return [f.text() for f in schema + brex if f.severity == "error"]
