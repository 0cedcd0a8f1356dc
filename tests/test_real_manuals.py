"""`ietm import` on real manuals, measured as the issue's "done means" asks (tests/realdocs.py says how): every
object valid against the official S1000D 4.2 schemas, at least 99 % of the source's words in the CSDB, the
numbered paragraphs LibreOffice prints read as numbered, numbered procedure items equal to steps, every
picture an ICN the viewer shows, fault tables made fault isolation modules.

The manuals in tests/data/manuals (published under Apache 2.0 and BSD licences, see its README) run always;
a folder of other real manuals runs when IETM_REAL_MANUALS names it (bench/README.md lists the ones used).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from realdocs import Measure, manuals, measure

HERE = Path(__file__).resolve().parent
COMMITTED = manuals(HERE / "data" / "manuals")
FOLDER = os.environ.get("IETM_REAL_MANUALS")


def check(m: Measure) -> None:
    assert m.objects >= 3 and not m.invalid, m.invalid
    assert not m.import_errors, m.import_errors  # schema and BREX, as the import checked what it wrote
    assert m.words_share >= 0.99, m.missing_words
    # numbering as Word shows it: LibreOffice's labels against ietm's reader (a bare "1 " is no label to either)
    assert len(m.reader_misses) + len(m.reader_extras) <= max(2, m.lo_numbered // 50), (m.reader_misses, m.reader_extras)
    assert m.steps_match, [(p.title, p.numbered, p.steps) for p in m.procedures if p.numbered != p.steps]
    assert m.graphics == m.pictures - len(m.pictures_left), (m.pictures, m.graphics, m.pictures_left)
    assert not m.icns_not_shown, m.icns_not_shown
    if m.fault_tables:
        assert m.fault_modules >= m.fault_tables


#: what each committed manual is there for: the Russian one has no heading styles (sections by font size) and a
#: ВНИМАНИЕ (a caution of the repository); the English one numbered installation procedures with figures
ROLE = {"bwl-usb-i2c-spi-manual": ("ru", 5, 0, 0, "cautionRef"), "yadavlabs-rat-behavior-user-manual": ("en", 3, 3, 20, None)}


@pytest.mark.parametrize("source", COMMITTED, ids=[p.stem for p in COMMITTED])
def test_committed_real_manual(source: Path, tmp_path: Path, schemas42: Path, brex42: Path) -> None:
    from lxml import etree

    m = measure(source, tmp_path, schemas42, brex42)
    check(m)
    assert m.pictures >= 4
    language, objects, procedures, steps, attention = ROLE[source.stem]
    assert m.language == language and m.objects >= objects
    assert len(m.procedures) >= procedures and sum(p.steps for p in m.procedures) >= steps
    if attention:
        assert any(etree.parse(str(f)).find(f".//{attention}") is not None for f in (tmp_path / "csdb").glob("DMC-*.XML"))


@pytest.mark.skipif(not FOLDER, reason="set IETM_REAL_MANUALS to a folder of real Word manuals (see bench/README.md)")
@pytest.mark.parametrize("name", [p.name for p in manuals(Path(FOLDER))] if FOLDER and Path(FOLDER).is_dir() else [])
def test_real_manual_from_the_folder(name: str, tmp_path: Path, schemas42: Path, brex42: Path) -> None:
    check(measure(Path(FOLDER) / name, tmp_path, schemas42, brex42))
