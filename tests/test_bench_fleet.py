"""The fleet benchmark's generated CSDB (bench/bench_fleet.py) is a real one: valid against the official S1000D 4.2
schemas, its business rules and references hold, and its systems differ in their words, not only in their codes."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from clirun import ROOT, ietm

sys.path.insert(0, str(ROOT / "bench"))
import bench_fleet  # noqa: E402


def test_generated_fleet_is_valid_and_linked(tmp_path: Path, schemas42: Path) -> None:
    csdb = tmp_path / "fleet"
    facts = bench_fleet.generate(200, csdb, jobs=2)
    dms = sorted(csdb.rglob("DMC-*.XML"))
    assert facts["systems"] == 2 and facts["modules"] == len(dms) > 150
    ru = [p for p in dms if p.name.endswith("_ru-RU.XML")]
    assert len(ru) * 2 == len(dms)  # every module in both languages
    assert len(list(csdb.rglob("PMC-*.XML"))) == facts["publications"] == 8
    assert len(list(csdb.glob("ICN-*"))) > 10 and not list(csdb.glob("sys*/ICN-*"))  # shared illustrations

    for command in (("validate", "--schemas", schemas42), ("brex",), ("refs",)):
        result = ietm(*command, "-q", csdb)
        assert result.code == 0 and "0 with errors" in result.out, (command, result.out, result.err)

    # the second system is the first under its own codes, with other words in its prose
    first = (csdb / "sys0000" / "DMC-DGEN-A-D10-20-00-00A-210A-A_001-00_ru-RU.XML").read_text(encoding="utf-8")
    second = (csdb / "sys0001" / "DMC-DGEN-B001-D10-20-00-00A-210A-A_001-00_ru-RU.XML").read_text(encoding="utf-8")
    assert 'systemDiffCode="B001"' in second and 'systemDiffCode="A"' in second  # its own code; the shared ACT
    words = [set(re.findall(r"[а-яё]{5,}", re.sub(r"<[^>]+>", " ", text))) for text in (first, second)]
    assert len(words[0] ^ words[1]) > 20
