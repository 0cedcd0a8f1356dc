"""`ietm pdf` on a 300-module publication: the sample manual's Russian modules copied under other model codes,
and one publication module holding 300 of them in the sample manual's chapters (goal: <= 60 s).

    .venv/bin/python bench/bench_pdf.py [--modules 300] [--style s1000d|eskd] [--spec CSDB]

--spec also times the S1000D 4.2 specification CSDB (kibook/S1000D on GitHub: 331 modules, one PM), which is
not in the repository.
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CONTENT = ROOT / "content"
PMS = ("PMC-DGEN-DZM01-00002-00_001-00_ru-RU.XML", "PMC-DGEN-DZM01-00001-00_001-00_ru-RU.XML")


def corpus(modules: int) -> tuple[Path, str]:
    """The sample manual's ru modules under model codes DGEN, DGA01, DGA02 ... and a PM of `modules` of them."""
    dest = OUT / f"pdf-{modules}"
    pm_key = "PMC-DGEN-BENCH-00001-00"
    if (dest / ".complete").exists():
        return dest, pm_key
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for f in CONTENT.iterdir():
        if f.suffix.upper() == ".SVG":
            shutil.copyfile(f, dest / f.name)
    sources = [(f.name, f.read_text(encoding="utf-8")) for f in CONTENT.glob("DMC-*_ru-RU.XML")]
    entries: list[etree._Element] = []
    for pm in PMS:
        entries += etree.parse(str(CONTENT / pm)).getroot().find("content").findall("pmEntry")
    per_copy = sum(len(e.findall(".//dmRef")) for e in entries)
    pm_root = etree.parse(str(CONTENT / PMS[0])).getroot()
    body = pm_root.find("content")
    for e in body.findall("pmEntry"):
        body.remove(e)
    count, i = 0, 0
    while count < modules:
        model = "DGEN" if i == 0 else f"DGA{i:02d}"
        for name, text in sources:
            (dest / name.replace("DMC-DGEN-", f"DMC-{model}-")).write_text(
                text.replace('modelIdentCode="DGEN"', f'modelIdentCode="{model}"'), encoding="utf-8")
        chapter = etree.SubElement(body, "pmEntry")
        etree.SubElement(chapter, "pmEntryTitle").text = f"Изделие {i + 1}"
        for entry in entries:
            entry = copy.deepcopy(entry)
            for code in entry.iter("dmCode"):
                code.set("modelIdentCode", model)
            for pm_ref in entry.findall(".//pmRef"):
                pm_ref.getparent().remove(pm_ref)
            refs = entry.findall(".//dmRef")
            for extra in refs[max(0, modules - count):]:
                extra.getparent().remove(extra)
            count += min(len(refs), max(0, modules - count))
            if entry.find(".//dmRef") is not None:
                chapter.append(entry)
        i += 1
        if per_copy == 0:
            break
    code = pm_root.find("identAndStatusSection/pmAddress/pmIdent/pmCode")
    code.set("pmIssuer", "BENCH")
    code.set("pmNumber", "00001")
    pm_root.find("identAndStatusSection/pmAddress/pmAddressItems/pmTitle").text = f"Руководство на {modules} модулей"
    etree.ElementTree(pm_root).write(str(dest / "PMC-DGEN-BENCH-00001-00_001-00_ru-RU.XML"), xml_declaration=True,
                                     encoding="UTF-8")
    (dest / ".complete").touch()
    return dest, pm_key


def run(csdb: Path, pm: str, out: Path, *extra: str) -> tuple[float, str]:
    """Wall time, and what the command said with its CPU time (a steadier figure on a shared machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "ietm", "pdf", str(csdb), "--pm", pm, "-o", str(out), *extra],
                          capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, f"{proc.stdout.strip()}; CPU {cpu:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=300)
    parser.add_argument("--style", default="s1000d")
    parser.add_argument("--spec", type=Path, help="the S1000D 4.2 specification CSDB (folder of its csdb/)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    csdb, pm = corpus(args.modules)
    run(csdb, pm, OUT / "warm.pdf")  # the catalog and caches, as after a writer's first run
    seconds, said = run(csdb, pm, OUT / f"pdf-{args.modules}.pdf", "--lang", "ru", "--style", args.style)
    print(f"{args.modules}-module publication ({args.style}): {seconds:.1f} s wall; {said}; load {load:.1f}")
    if args.spec:
        spec_pm = next(args.spec.glob("PMC-*.XML")).name.split("_")[0]
        run(args.spec, spec_pm, OUT / "spec-warm.pdf")
        seconds, said = run(args.spec, spec_pm, OUT / "spec.pdf")
        print(f"S1000D 4.2 specification CSDB: {seconds:.1f} s wall; {said}; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
