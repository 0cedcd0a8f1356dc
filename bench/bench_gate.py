"""The check gate at scale (issue 15): `ietm check` on a generated fleet CSDB, the first time (no findings kept)
and after one module changed, and optionally `ietm publish` without --allow-errors (whose first step is the
same gate), each in its own process, with wall time, CPU time (user + system of the process and its workers)
and the load average.

Make the corpus with bench_fleet.py, then run from a copy of the tree (publish depends on the code's
fingerprint; another revision's code with --code, e.g. a `git archive` of the revision before):
    IETM_BENCH_OUT=/work/corpora/gate .venv/bin/python bench/bench_fleet.py --modules 10000 --generate-only
    .venv/bin/python bench/bench_gate.py /work/corpora/gate/fleet-10000 [--code DIR ...] [--publish OUT]
The catalog is warm (refreshed before the runs, untimed), as issue 15 measures publish; each code's kept
findings are removed before its first run. The change is a word of one paragraph of one module, so the CSDB
still passes the gate.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def run(args: list[str], code: Path | None) -> dict:
    """One `ietm ...` of `code` (or this tree: `-m` imports from the working folder first): wall, CPU of it and its workers (wait4), exit code, output."""
    env = {**os.environ, "PYTHONPATH": str(code or ROOT)}
    before = load()
    started = time.perf_counter()
    proc = subprocess.Popen([str(PYTHON), "-m", "ietm", *args], env=env, cwd=code or ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "code": proc.returncode, "out": out,
            "load": f"{before} → {load()}"}


def module_to_change(csdb: Path) -> Path:
    """A descriptive module in the middle of the corpus."""
    found = sorted(csdb.glob("**/DMC-*-040A-A_*_en-US.XML"))
    return found[len(found) // 2]


def change(path: Path, n: int) -> None:
    """Another word in the first paragraph: a new file content, same findings."""
    text = path.read_text(encoding="utf-8")
    i = text.index("<para>") + len("<para>")
    path.write_text(text[:i] + f"Rev{n} " + text[i:], encoding="utf-8")


def show(what: str, r: dict) -> None:
    extra = ""
    if r.get("phases"):
        extra = f"; gate {r['phases'].get('gate', 0):.2f} s of the publish"
    print(f"  {what}: {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, exit {r['code']}{extra} (load {r['load']})",
          flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csdb", type=Path)
    ap.add_argument("--code", type=Path, action="append", help="a tree of another revision to measure too")
    ap.add_argument("--publish", type=Path, metavar="OUT", help="also `ietm publish` (the gate included) into OUT")
    ap.add_argument("--changes", type=int, default=2, help="runs after one change")
    ap.add_argument("--no-unchanged", action="store_true", help="no run with nothing changed (saves a whole check "
                    "of a revision that keeps no findings, at 100,000 modules minutes)")
    args = ap.parse_args()
    csdb = args.csdb.resolve()
    subprocess.run([str(PYTHON), "-m", "ietm", "scan", str(csdb)], check=True, capture_output=True)
    target = module_to_change(csdb)
    original = target.read_bytes()
    results: dict[str, list] = {}
    try:
        for code in [*(args.code or []), None]:
            name = str(code or ROOT)
            print(f"{name}: {csdb.name}, changing {target.name}", flush=True)
            (csdb / ".ietm" / "check-cache.sqlite").unlink(missing_ok=True)
            runs = results.setdefault(name, [])
            r = run(["check", str(csdb), "-q"], code)
            show("check, first", r)
            runs.append(("check first", r))
            if not args.no_unchanged:
                r = run(["check", str(csdb), "-q"], code)
                show("check, nothing changed", r)
                runs.append(("check unchanged", r))
            for n in range(args.changes):
                change(target, n)
                r = run(["check", str(csdb), "-q"], code)
                show("check, one module changed", r)
                runs.append(("check one change", r))
            if args.publish:
                out = args.publish / Path(name).name
                (csdb / ".ietm" / "check-cache.sqlite").unlink(missing_ok=True)
                for what in ("publish, first gate", "publish, one module changed"):
                    change(target, 100 + len(runs))
                    r = run(["publish", str(csdb), "-o", str(out), "--format", "json"], code)
                    if r["code"] == 0:
                        r["phases"] = json.loads(r["out"]).get("phases", {})
                    show(what, r)
                    runs.append((what, r))
            target.write_bytes(original)
    finally:
        target.write_bytes(original)
    kept = {k: [(w, {x: y for x, y in r.items() if x != "out"}) for w, r in v] for k, v in results.items()}
    (csdb.parent / f"gate-{csdb.name}.json").write_text(json.dumps(kept, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
