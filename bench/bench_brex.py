"""Time `ietm brex` over thousands of Bike modules: project BREX plus the S1000D 4.2 default BREX, values on.

The corpus is the Bike set copied into many folders (bench/corpus.py); each copy's modules name the Bike
BREX of their own folder, which refers on to the default BREX given with -B. Run:
    .venv/bin/python bench/bench_brex.py [--copies 40]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import ROOT, bike_corpus  # noqa: E402

BREX42 = ROOT.parent / "shared" / "s1000d" / "4.2" / "brex"
IETM = [sys.executable, "-m", "ietm"]


def timed(cmd: list[str]) -> tuple[float, float, dict]:
    """Wall time, CPU time (all processes of the run: telling even on a busy machine) and the report."""
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    used = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
    return elapsed, used, json.loads(proc.stdout)


def reread_and_recompile(files: list[Path], brex_files: list[Path]) -> float:
    """CPU ms per module when checking as s1kd-brexcheck goes about it, on the same libxml2 through lxml:
    every BREX re-read and every objectPath compiled and run for every module, values checked per node."""
    from lxml import etree

    from ietm.check.brex import Allowed, xsd_pattern
    from ietm.parse import load

    start = time.process_time()
    for f in files:
        doc = load(f).tree
        for b in brex_files:
            brex = load(b).root
            for rule in brex.iter("structureObjectRule"):
                path = "".join(rule.find("objectPath").itertext()).strip()
                try:
                    result = doc.xpath(path)
                except etree.XPathError:
                    continue
                allowed = [Allowed(v.get("valueForm") or "single", v.get("valueAllowed") or "",
                                   xsd_pattern(v.get("valueAllowed") or "") if v.get("valueForm") == "pattern" else None)
                           for v in rule.findall("objectValue")]
                if allowed and isinstance(result, list):
                    for node in result:
                        value = "".join(node.itertext()) if isinstance(node, etree._Element) else str(node)
                        any(a.matches(value) for a in allowed)
    return (time.process_time() - start) * 1000 / len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="copies of the 105 Bike XML objects")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the best is kept")
    args = parser.parse_args()
    corpus = bike_corpus(args.copies)
    files = sum(1 for _ in corpus.rglob("*.XML"))
    print(f"corpus: {corpus} ({files} XML objects)")
    runs = {
        "ietm brex, both cores": [*IETM, "brex", str(corpus), "-B", str(BREX42), "--format", "json"],
        "ietm brex -j 1, one core": [*IETM, "brex", str(corpus), "-B", str(BREX42), "-j", "1", "--format", "json"],
        "ietm brex --no-values, both cores": [*IETM, "brex", str(corpus), "-B", str(BREX42), "--no-values", "--format", "json"],
    }
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for label, cmd in runs.items():
        best, cpu, report = min((timed(cmd) for _ in range(args.repeat)), key=lambda t: t[0])
        print(f"{label:36} {best:7.2f} s  {files / best:8.0f} files/s  {cpu * 1000 / files:5.2f} ms CPU/file  "
              f"errors={report['errors']} warnings={report['warnings']}")
    sample = sorted((corpus / "copy0000").glob("*.XML"))
    brex_files = [corpus / "copy0000" / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-022A-D_009-00_en-US.XML", *sorted(BREX42.glob("*.XML"))]
    print(f"{'re-read + recompile per module':36} {reread_and_recompile(sample, brex_files):5.2f} ms CPU/file (one core, {len(sample)} files)")
    tool = shutil.which("s1kd-brexcheck")
    if tool is None:
        print("s1kd-brexcheck: not installed (s1kd-tools is not packaged for Debian or PyPI); no C baseline")
        return
    cmd = [tool, "-c", "-l", "-I", str(BREX42), "-q", *map(str, sorted(corpus.rglob("*.XML")))]
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, cwd=corpus / "copy0000")
    best = time.perf_counter() - start
    print(f"{'s1kd-brexcheck -c -l':36} {best:7.2f} s  {files / best:8.0f} files/s")


if __name__ == "__main__":
    main()
