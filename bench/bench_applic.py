"""Time the applicability check and product filtering per module over thousands of Bike modules.

The corpus copies the Bike set into many folders (bench/corpus.py); the copies share their codes, so the
catalog of the corpus holds one latest issue per code. This script therefore times the per-module work
directly: load + `check_object` (what `ietm applic` does for each module) and load + `make_instance` +
serialise (what `ietm instance` does), against the Bike ACT/CCT/PCT, `ietm applic` on the Bike set, and
`ietm applic` and `ietm instance` end to end on a CSDB of renamed copies (distinct codes), on one core and
on both. Run:
    .venv/bin/python bench/bench_applic.py [--copies 40]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import BIKE, ROOT, bike_corpus  # noqa: E402

from ietm.applic import Applicability  # noqa: E402
from ietm.applic.instance import make_instance  # noqa: E402
from ietm.check.applic import check_object  # noqa: E402
from ietm.parse import load  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="copies of the 105 Bike XML objects")
    args = parser.parse_args()
    corpus = bike_corpus(args.copies)
    files = sorted(corpus.rglob("*.XML"))
    applic = Applicability.for_csdb(BIKE)
    product = applic.products()[0]

    start = time.perf_counter()
    findings = 0
    for f in files:
        findings += len(check_object(load(f), applic))
    checked = time.perf_counter() - start
    print(f"check_object, one core:   {len(files)} files {checked:6.2f} s {len(files) / checked:7.0f} files/s  findings={findings}")

    start = time.perf_counter()
    removed = 0
    for f in files:
        doc = load(f)
        if doc.root.tag not in ("dmodule", "pm"):
            continue
        scope = applic.scope_of(doc.root)
        result = make_instance(doc.root, applic.annotations(doc.root), applic.assignment_for(product, scope),
                               product.id, scope.properties)
        etree.tostring(doc.tree, xml_declaration=True, encoding="UTF-8")
        removed += len(result.removed)
    filtered = time.perf_counter() - start
    print(f"make_instance, one core:  {len(files)} files {filtered:6.2f} s {len(files) / filtered:7.0f} files/s  removed={removed}")

    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "ietm", "applic", str(BIKE), "-q"], capture_output=True, text=True, cwd=ROOT)
    print(f"ietm applic on the Bike set (process start, catalog, check): {time.perf_counter() - start:5.2f} s  "
          f"{proc.stdout.strip().splitlines()[-1]}")

    csdb = renamed_corpus(args.copies)
    subprocess.run([sys.executable, "-m", "ietm", "scan", str(csdb)], capture_output=True, cwd=ROOT)  # catalog once
    for label, jobs in (("both cores", "0"), ("one core", "1")):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "ietm", "applic", str(csdb), "-q", "-j", jobs],
                              capture_output=True, text=True, cwd=ROOT)
        print(f"ietm applic -j {jobs} ({label}) on {csdb.name}: {time.perf_counter() - start:5.2f} s  "
              f"{proc.stdout.strip().splitlines()[-1]}")
    for label, jobs in (("both cores", "0"), ("one core", "1")):
        out = ROOT / "bench" / "out" / f"instance-j{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "ietm", "instance", str(csdb), "--set", "model=Mountain storm",
                               "--set", "version=Mk1", "-o", str(out), "-j", jobs], capture_output=True, text=True, cwd=ROOT)
        print(f"ietm instance -j {jobs} ({label}) on {csdb.name}: {time.perf_counter() - start:5.2f} s  "
              f"{proc.stdout.strip().splitlines()[-1]}")
        shutil.rmtree(out, ignore_errors=True)


def renamed_corpus(copies: int) -> Path:
    """One CSDB of `copies` Bike sets whose bike modules get a model code per copy (S1000DBIKE0001 ...), so
    the catalog holds thousands of distinct latest modules, each copy with its own ACT/CCT/PCT."""
    dest = ROOT / "bench" / "out" / f"bike-renamed-x{copies}"
    if (dest / ".complete").exists():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for i in range(copies):
        for f in BIKE.glob("*.XML"):
            text = f.read_bytes().replace(b'modelIdentCode="S1000DBIKE"', f'modelIdentCode="S1000DBIKE{i:04d}"'.encode())
            (dest / f.name.replace("S1000DBIKE", f"S1000DBIKE{i:04d}")).write_bytes(text)
    (dest / ".complete").touch()
    return dest


if __name__ == "__main__":
    main()
