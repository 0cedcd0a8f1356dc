"""Time `ietm validate` over thousands of Bike modules, against xmllint (libxml2's C tool) as a baseline.

xmllint validates against one schema per run, so the baseline groups the files by schema and runs one
xmllint per group: the most favourable way to use it (each schema compiled once). Run:
    .venv/bin/python bench/bench_validate.py [--copies 40]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import ROOT, SCHEMAS42, bike_corpus  # noqa: E402

IETM = [sys.executable, "-m", "ietm"]


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, **kw)
    return time.perf_counter() - t, proc


def xmllint_baseline(corpus: Path) -> float | None:
    if not shutil.which("xmllint"):
        return None
    groups: dict[str, list[str]] = defaultdict(list)
    pattern = re.compile(rb'noNamespaceSchemaLocation="[^"]*/([^"/]+\.xsd)"', re.IGNORECASE)
    for p in sorted(corpus.rglob("*.XML")):
        m = pattern.search(p.read_bytes()[:4096])
        groups[m.group(1).decode().lower()].append(str(p))
    start = time.perf_counter()
    for schema, files in groups.items():
        for i in range(0, len(files), 500):
            subprocess.run(["xmllint", "--noout", "--nonet", "--schema", str(SCHEMAS42 / schema), *files[i:i + 500]],
                           capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=40, help="copies of the Bike set (105 XML files each)")
    args = ap.parse_args()
    corpus = bike_corpus(args.copies)
    n = sum(1 for _ in corpus.rglob("*.XML"))
    print(f"corpus: {n} XML objects in {corpus}")
    for label, extra in (("ietm validate, both cores", []), ("ietm validate, one core (-j 1)", ["-j", "1"])):
        t, proc = timed([*IETM, "validate", "-q", "--schemas", str(SCHEMAS42), *extra, str(corpus)])
        print(f"{label}: {t:.2f} s, {n / t:.0f} files/s; {proc.stdout.strip()}")
    base = xmllint_baseline(corpus)
    if base is None:
        print("xmllint not installed (apt-get install libxml2-utils) : no baseline")
    else:
        print(f"xmllint --schema, one run per schema (C, one core): {base:.2f} s, {n / base:.0f} files/s")
    print(f"machine: {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
