"""Time `ietm import` of a long Word manual (300 pages and more, measured by LibreOffice's PDF of it).

The manual is the tests' GOST manual (tests/docgen.py) with its seven chapters repeated: numbered
procedures with nested items, warnings, captioned pictures, tables with merged cells, fault, tool, spare
parts, consumables and maintenance tables. Run:
    .venv/bin/python bench/bench_import.py [--repeat 45]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
from docgen import russian_manual  # noqa: E402


def pages(docx: Path, out: Path) -> int:
    """Pages of the document as LibreOffice lays it out (A4)."""
    subprocess.run(["soffice", f"-env:UserInstallation={(out / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(docx)], check=True, capture_output=True, timeout=1200)
    info = subprocess.run(["pdfinfo", str(out / (docx.stem + ".pdf"))], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=45, help="times the seven chapters are repeated")
    args = ap.parse_args()
    out = HERE / "out" / "import"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    src = out / "manual.docx"
    t = time.perf_counter()
    russian_manual(src, chapters_repeat=args.repeat)
    made = time.perf_counter() - t
    n_pages = pages(src, out)
    csdb = out / "csdb"
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "ietm", "import", str(src), "-o", str(csdb), "--model-ident-code", "BENCH",
                           "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    took = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        sys.exit(proc.stderr)
    report = json.loads(proc.stdout)[0]
    objects = len(list(csdb.glob("*.XML")))
    print(f"source: {src.stat().st_size / 1e6:.1f} MB, {n_pages} pages (generated in {made:.1f} s)")
    print(f"import: {took:.1f} s, {objects} objects and {len(list(csdb.glob('ICN-*')))} ICNs written, "
          f"{sum(1 for f in report['findings'] if f['severity'] == 'error')} errors, "
          f"words {report['words']['found']}/{report['words']['total']}")


if __name__ == "__main__":
    main()
