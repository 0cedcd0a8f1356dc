"""Generated corpora for benchmarks: the Bike set copied into many folders (thousands of modules)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIKE = ROOT.parent / "shared" / "s1000d" / "4.2" / "bike"
SCHEMAS42 = ROOT.parent / "shared" / "s1000d" / "4.2" / "schemas" / "xml_schema_flat"
OUT = ROOT / "bench" / "out"


def bike_corpus(copies: int, with_icns: bool = False, name: str | None = None) -> Path:
    """`copies` copies of the Bike set's XML objects (105 each), made once and reused."""
    if not BIKE.is_dir():
        raise SystemExit(f"reference data missing: {BIKE}")
    dest = OUT / (name or f"bike-x{copies}{'-icn' if with_icns else ''}")
    stamp = dest / ".complete"
    if stamp.exists():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    files = [p for p in BIKE.iterdir() if with_icns or p.suffix.upper() == ".XML"]
    for i in range(copies):
        folder = dest / f"copy{i:04d}"
        folder.mkdir(parents=True)
        for f in files:
            shutil.copyfile(f, folder / f.name)
    stamp.touch()
    return dest
