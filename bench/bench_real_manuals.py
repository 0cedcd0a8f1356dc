"""`ietm import` on real manuals: each Word (.docx/.doc/.odt/.rtf) file of a folder imported into a CSDB of its
own and measured (tests/realdocs.py says how): objects valid against the official S1000D 4.2 schemas, share of
source words in the CSDB, numbered paragraphs LibreOffice prints that ietm's reader missed or added, numbered
items against steps in every procedure, pictures against graphics and ICNs the viewer did not show, fault
tables against fault isolation modules, and the import's time. Run:
    .venv/bin/python bench/bench_real_manuals.py /work/manuals [--details]
The documents used so far, their sources and licences are listed in bench/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
from realdocs import HEADER, manuals, measure  # noqa: E402

SHARED = ROOT.parent / "shared" / "s1000d" / "4.2"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="folder of real manuals")
    ap.add_argument("--details", action="store_true", help="list missing words, numbering differences, steps per procedure")
    ap.add_argument("--keep", type=Path, help="keep each CSDB under this folder")
    args = ap.parse_args()
    schemas, brex = SHARED / "schemas" / "xml_schema_flat", SHARED / "brex"
    print(HEADER)
    for source in manuals(args.folder):
        work = Path(tempfile.mkdtemp(prefix="real-manual-"))
        try:
            m = measure(source, work, schemas, brex)
            print(m.row(), flush=True)
            if args.details:
                for label, items in (("invalid", m.invalid), ("import errors", m.import_errors),
                                     ("missing words", m.missing_words), ("numbered by LibreOffice, not by ietm", m.reader_misses),
                                     ("numbered by ietm, not by LibreOffice", m.reader_extras), ("pictures left", m.pictures_left),
                                     ("ICNs not shown", m.icns_not_shown)):
                    if items:
                        print(f"    {label} ({len(items)}): " + " | ".join(items[:25]))
                for p in m.procedures:
                    flag = "" if p.numbered == p.steps or (p.numbered, p.steps) == (0, 1) else "   <-- differs"
                    print(f"    procedure {p.code} {p.title[:60]!r}: {p.numbered} numbered items, {p.steps} steps{flag}")
            if args.keep:
                shutil.copytree(work / "csdb", args.keep / source.stem, dirs_exist_ok=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("\ncolumns: objs/bad objects written/invalid against the 4.2 schemas; words% source words in the CSDB; "
          "LOnum paragraphs LibreOffice numbers, miss/xtra of them ietm's reader missed/added; proc procedures, "
          "items/steps their numbered items and steps; pics/grph pictures in the source and graphics in the CSDB, "
          "hide graphics the viewer did not show; ft fault tables, FIm fault isolation modules")


if __name__ == "__main__":
    main()
