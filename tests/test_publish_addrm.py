"""Re-publishing after modules or illustrations were added or removed renders only the pages that depend on
which there are (the new module's page, the pages that link to a module added or removed or show an
illustration added or removed, the list of all modules, the home page, the contents, the repository pages whose
"where used" lists change), and gives the bundle a whole build gives, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from clirun import ietm
from ietm.publish.manifest import verify

REMOVED = "DMC-DGEN-A-D10-20-00-00A-210A-A"  # a procedure other modules refer to, using tools and warnings
REFERRER = "dm/DGEN-A-D00-00-00-00A-040A-A_en-US.html"  # a page with a dmRef to it
TOOLS = "dm/DGEN-A-D00-00-00-00A-00NA-D_en-US.html"  # the tools repository: its "where used" lists it
UNRELATED = "dm/DGEN-A-D00-00-00-00A-005A-A_ru-RU.html"
ILLUSTRATION = "ICN-DGENA-00005-001-01.SVG"
ILLUSTRATED = "dm/DGEN-A-D10-30-00-00A-040A-A_en-US.html"  # a page that shows it


def _publish(csdb: Path, out: Path) -> dict:
    r = ietm("publish", csdb, "-o", out, "--allow-errors", "--format", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def _whole(csdb: Path, folder: Path) -> str:
    shutil.rmtree(folder, ignore_errors=True)
    result = _publish(csdb, folder)
    assert not result["incremental"]
    return result["release"]


def _files(csdb: Path, code: str) -> list[Path]:
    return sorted(csdb.glob(f"DMC-{code[4:]}_*.XML"))


def _new_module(csdb: Path, source: str) -> str:
    """A copy of the module `source` (file name) under another code (disassembly code 01): a module that
    nothing refers to, in no publication. Returns its page."""
    text = (csdb / source).read_text(encoding="utf-8")
    start, end = text.index("<dmIdent>"), text.index("</dmIdent>")
    ident = text[start:end]
    assert 'disassyCode="00"' in ident
    (csdb / source.replace("-00-00A-", "-00-01A-", 1)).write_text(
        text[:start] + ident.replace('disassyCode="00"', 'disassyCode="01"', 1) + text[end:], encoding="utf-8")
    code = source.split("_")[0].replace("-00-00A-", "-00-01A-", 1)[4:]
    return f"dm/{code}_{source.split('_')[2].removesuffix('.XML')}.html"


def test_adding_and_removing_modules_renders_only_what_depends_on_them(content: Path, tmp_path: Path):
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    out, whole = tmp_path / "site", tmp_path / "whole"
    first = _publish(csdb, out)
    assert f'data-key="{REMOVED}"' in (out / TOOLS).read_text(encoding="utf-8")
    unrelated = (out / UNRELATED).stat().st_ino

    # a module other pages link to and whose tools are listed as used by it is removed
    kept = tmp_path / "kept"
    kept.mkdir()
    for path in _files(csdb, REMOVED):
        path.rename(kept / path.name)
    (csdb / ILLUSTRATION).rename(kept / ILLUSTRATION)  # and an illustration a page shows
    assert f'src="../icn/{ILLUSTRATION}"' in (out / ILLUSTRATED).read_text(encoding="utf-8")
    removed = _publish(csdb, out)
    assert removed["incremental"] and 1 <= removed["rendered"] < first["pages"] / 2, removed
    assert removed["pages"] == first["pages"] - 2
    assert not list((out / "dm").glob(f"{REMOVED[4:]}_*"))
    referrer = (out / REFERRER).read_text(encoding="utf-8")
    assert f'class="broken-ref" data-ref="{REMOVED}"' in referrer  # its link is gone
    assert REMOVED not in (out / TOOLS).read_text(encoding="utf-8")  # no longer listed where the tools are used
    assert REMOVED not in (out / "dm" / "index.html").read_text(encoding="utf-8")
    assert f'src="../icn/{ILLUSTRATION}"' not in (out / ILLUSTRATED).read_text(encoding="utf-8")
    assert not (out / "icn" / ILLUSTRATION).exists()
    assert (out / UNRELATED).stat().st_ino == unrelated  # not written again
    assert verify(out) == []
    assert _whole(csdb, whole) == removed["release"]  # the same files, byte for byte

    # they come back: the dmRefs that pointed to it link to it again, the tools list it again, the page shows
    # its illustration
    for path in kept.iterdir():
        shutil.move(path, csdb / path.name)
    back = _publish(csdb, out)
    assert back["incremental"] and 1 <= back["rendered"] < first["pages"] / 2, back
    assert f'href="../dm/{REMOVED[4:]}_en-US.html"' in (out / REFERRER).read_text(encoding="utf-8")
    assert f'data-key="{REMOVED}"' in (out / TOOLS).read_text(encoding="utf-8")
    assert (out / UNRELATED).stat().st_ino == unrelated
    assert back["release"] == first["release"]  # the very bundle published first
    assert verify(out) == []

    # in one run, a new module is added (nothing links to it), another removed, and a third comes to use a tool
    # (the tools repository's "where used" lists it: a page that did not link to it depends on it)
    user = "DMC-DGEN-A-D00-00-00-00A-040A-A"
    assert f'data-key="{user}"' not in (out / TOOLS).read_text(encoding="utf-8")
    edited = csdb / f"{user}_001-00_en-US.XML"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("<para>", '<para><toolRef toolNumber="T-005" manufacturerCodeValue="DZM01"/> ', 1),
                      encoding="utf-8")
    page = _new_module(csdb, "DMC-DGEN-A-D00-00-00-00A-005A-A_001-00_en-US.XML")
    gone = _files(csdb, "DMC-DGEN-A-D40-10-00-00A-720A-A")
    for path in gone:
        path.unlink()
    both = _publish(csdb, out)
    assert both["incremental"] and 1 <= both["rendered"] < first["pages"] / 2, both
    assert both["pages"] == first["pages"] - 1
    assert (out / page).is_file() and page.removeprefix("dm/") in (out / "dm" / "index.html").read_text(encoding="utf-8")
    assert f'data-key="{user}"' in (out / TOOLS).read_text(encoding="utf-8")
    assert verify(out) == []
    assert _whole(csdb, whole) == both["release"]

    # the offline search index is the one a whole build exports (tests/test_index.py: patched, not exported whole)
    for rel in sorted(p.relative_to(whole).as_posix() for p in (whole / "search").iterdir()):
        assert (out / rel).read_bytes() == (whole / rel).read_bytes(), rel
