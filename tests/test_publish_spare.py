"""Re-publishing starts from a spare tree: the bundle before the last one, kept in the state folder as hard links
to the last one's files, so that only the files that differ are removed and linked (not every file of the
bundle, and the old bundle is not removed file by file). Whatever the spare holds, the bundle is the one a whole
build gives, and the live bundle is never written into."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from clirun import ietm
from ietm.publish.manifest import verify
from ietm.publish.state import PublishState


def _publish(csdb: Path, out: Path) -> dict:
    r = ietm("publish", csdb, "-o", out, "--allow-errors", "--format", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_republishing_from_a_spare_tree(content: Path, tmp_path: Path):
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm"))
    out = tmp_path / "site"
    spare = PublishState.file_for(csdb, out).with_suffix(".spare")
    first = _publish(csdb, out)
    assert not spare.exists()  # nothing to keep after a first build
    again = _publish(csdb, out)
    assert again["rendered"] == 0 and again["release"] == first["release"]
    # the bundle before is kept, as hard links to the same files
    page = "dm/DGEN-A-D10-00-00-00A-040A-A_en-US.html"
    assert (spare / page).stat().st_ino == (out / page).stat().st_ino

    # whatever is in the spare tree, only the live bundle's files are taken from it
    (spare / "stray.txt").write_text("left")
    (spare / "junk" / "deeper").mkdir(parents=True)
    (spare / "junk" / "deeper" / "x.html").write_text("old")
    (spare / "index.html").unlink()
    (spare / "index.html").write_text("not the published page")  # another file at the same place
    (spare / "search").rename(spare / "search-moved")
    live = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    module = csdb / "DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_en-US.XML"
    module.write_text(module.read_text(encoding="utf-8").replace("</para>", " Zirconwash.</para>", 1),
                      encoding="utf-8")
    third = _publish(csdb, out)
    assert third["incremental"] and 1 <= third["rendered"] < first["pages"] / 3
    assert verify(out) == []
    assert not (out / "stray.txt").exists() and not (out / "junk").exists() and not (out / "search-moved").exists()
    assert "Zirconwash" in (out / page).read_text(encoding="utf-8")
    # the bundle that was live is now the spare, unchanged: nothing was written into its files
    assert {p: p.stat().st_ino for p in spare.rglob("*") if p.is_file() and p.name != "manifest.json"} \
        == {spare / p.relative_to(out): ino for p, ino in live.items() if p.name != "manifest.json"}
    assert verify(spare) == []

    whole = tmp_path / "whole"
    assert _publish(csdb, whole)["release"] == third["release"]  # byte for byte a whole build
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csdb", "site", "whole"]  # nothing left beside them
