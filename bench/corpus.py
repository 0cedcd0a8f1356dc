"""Generated corpora for benchmarks: the Bike set copied into many folders (thousands of modules)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIKE = ROOT.parent / "shared" / "s1000d" / "4.2" / "bike"
SCHEMAS42 = ROOT.parent / "shared" / "s1000d" / "4.2" / "schemas" / "xml_schema_flat"
# generated corpora and bundles are large: IETM_BENCH_OUT puts them outside the work tree (e.g. /work/corpora)
OUT = Path(os.environ.get("IETM_BENCH_OUT") or ROOT / "bench" / "out")


def bike_corpus(copies: int, with_icns: bool = False, name: str | None = None) -> Path:
    """`copies` copies of the Bike set's XML objects (105 each), made once and reused."""
    if not BIKE.is_dir():
        raise SystemExit(f"reference data missing: {BIKE}")
    dest = OUT / (name or f"bike-x{copies}{'-icn' if with_icns else ''}")
    stamp = dest / ".complete"
    if stamp.exists():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    files = [p for p in BIKE.iterdir() if p.is_file() and (with_icns or p.suffix.upper() == ".XML")]
    for i in range(copies):
        folder = dest / f"copy{i:04d}"
        folder.mkdir(parents=True)
        for f in files:
            shutil.copyfile(f, folder / f.name)
    stamp.touch()
    return dest
