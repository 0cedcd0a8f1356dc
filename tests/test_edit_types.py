"""Every kind of data module the viewer renders opens in the editor, takes a change to its text and saves valid
against the official S1000D 4.2 schemas: one module of each schema the sample manual uses, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from edit_support import login, official_findings, open_editor, writable_content
from ietm.parse.loader import load
from ietm.parse.model import XSI
from webserver import serving

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


def one_of_each() -> list[tuple[str, str]]:
    """(schema, code) of the first English module of each schema of the sample manual (procedures and fault
    isolation are the other browser tests' work)."""
    seen: dict[str, str] = {}
    for path in sorted((ROOT / "content").glob("DMC-*_en-US.XML")):
        schema = load(path).root.get(f"{XSI}noNamespaceSchemaLocation").rsplit("/", 1)[-1]
        if schema not in seen and schema not in ("proced.xsd", "fault.xsd"):
            seen[schema] = path.name[4:].split("_")[0]
    return sorted(seen.items())


@pytest.fixture(scope="module")
def csdb(tmp_path_factory, brex42) -> Path:
    return writable_content(tmp_path_factory.mktemp("types") / "content", brex42)


@pytest.fixture(scope="module")
def base(csdb):
    with serving(csdb) as url:
        yield url


@pytest.mark.parametrize("schema,code", one_of_each())
def test_each_kind_of_module_is_edited_and_saved_valid(page, csdb, schemas42, brex42, schema, code):
    login(page, "olga")
    open_editor(page, code, "en-US")
    hosts = page.locator("#ed-canvas [data-host]")
    typed = hosts.count() > 0  # a products table (PCT) is values only: nothing to type, its save is checked all the same
    assert typed or page.locator("#ed-canvas .ed-chip").count() > 0, f"{schema}: nothing shown"
    if typed:
        hosts.nth(hosts.count() - 1).click(position={"x": 6, "y": 12})  # on the text, not on a reference in it
        page.keyboard.press("End")
        page.keyboard.type(" (checked)")
    with page.expect_response(lambda r: "/save" in r.url) as info:
        page.keyboard.press("Control+S")
    result = info.value.json()
    assert result["ok"] and not [f for f in result["findings"] if f["check"] == "schema"], result["findings"]
    path = sorted(csdb.glob(f"DMC-{code}_*_en-US.XML"))[-1]
    assert not typed or "(checked)" in path.read_text(encoding="utf-8")
    assert official_findings(path, schemas42, csdb, brex42) == []
