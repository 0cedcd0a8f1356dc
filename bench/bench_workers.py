"""A whole `ietm publish` of a corpus in this process, with the pages step's workers watched: when each worker
rendered what (wall and CPU per chunk), how long each sat idle at the end of the step while the other still
rendered, what the publishing process itself did meanwhile (the offline search index), and each step's time.

Run from a copy of the tree (bench/README.md: a publish depends on ietm's own code), with the code to measure
on PYTHONPATH:
    IETM_BENCH_OUT=/work/corpora/NAME PYTHONPATH=. .venv/bin/python bench/bench_workers.py [--copies 104] [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_render import renamed_corpus  # noqa: E402
from corpus import OUT  # noqa: E402

LOG: Path  # one line per chunk of pages, appended by whichever process rendered it


_inner = None


def render_chunk(jobs, applics=None):  # type: ignore[no-untyped-def]
    """The pages step's chunk renderer, timed (a module's function: the pool sends it to the workers by name)."""
    wall, cpu = time.perf_counter(), time.process_time()
    done = _inner(jobs, applics)
    with open(LOG, "a") as f:
        f.write(json.dumps({"pid": os.getpid(), "start": wall, "end": time.perf_counter(), "pages": len(jobs),
                            "cpu": time.process_time() - cpu, "kinds": sorted({j[0] for j in jobs})}) + "\n")
    return done


def _watch() -> None:
    """Wrap the pages step's chunk renderer (forked workers inherit the wrapper) and the offline index."""
    import ietm.publish.bundle as bundle
    import ietm.publish.pages as pages

    global _inner
    _inner = pages.render_chunk
    pages.render_chunk = render_chunk
    export = bundle.write_offline_index

    def write_offline_index(*args, **kwargs):  # type: ignore[no-untyped-def]
        wall, cpu = time.perf_counter(), time.process_time()
        size = export(*args, **kwargs)
        with open(LOG, "a") as f:
            f.write(json.dumps({"offline": True, "start": wall, "end": time.perf_counter(),
                                "cpu": time.process_time() - cpu}) + "\n")
        return size

    bundle.write_offline_index = write_offline_index
    steps = pages.render_pages

    def render_pages(*args, **kwargs):  # type: ignore[no-untyped-def]
        wall, cpu = time.perf_counter(), time.process_time()
        children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        out = steps(*args, **kwargs)
        after, own_after = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        with open(LOG, "a") as f:
            f.write(json.dumps({"step": True, "start": wall, "end": time.perf_counter(),
                                "cpu": time.process_time() - cpu, "faults": after.ru_minflt - children.ru_minflt,
                                "own_sys": own_after.ru_stime - own.ru_stime, "own_faults": own_after.ru_minflt - own.ru_minflt,
                                "workers_cpu": after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime,
                                "workers_sys": after.ru_stime - children.ru_stime}) + "\n")
        return out

    pages.render_pages = render_pages
    bundle.render_pages = render_pages


def report(result: dict, wall: float, cpu: float) -> None:
    rows = [json.loads(line) for line in LOG.read_text().splitlines()]
    if not any(r.get("step") for r in rows):  # (a build too small for workers)
        print(f"whole build: {wall:.2f} s wall, {cpu:.2f} s CPU: {result['phases']}")
        return
    step = next(r for r in rows if r.get("step"))
    chunks = [r for r in rows if "pid" in r]
    parent = os.getpid()
    print(f"whole build: {wall:.2f} s wall, {cpu:.2f} s CPU (process and workers), {result['pages']:,} pages "
          f"({result['pages'] / wall:.0f} pages/s); load {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("  steps: " + ", ".join(f"{k} {v:.2f}" for k, v in result["phases"].items() if v >= 0.005))
    span = step["end"] - step["start"]
    print(f"  pages step: {span:.2f} s wall; workers' CPU {step['workers_cpu']:.2f} s (sys {step['workers_sys']:.2f}); "
          f"the publishing process's CPU in it {step['cpu']:.2f} s (sys {step['own_sys']:.2f}); page faults: "
          f"workers {step['faults']:,}, publishing process {step['own_faults']:,}")
    for r in rows:
        if r.get("offline"):
            print(f"  offline search index: {r['start'] - step['start']:.2f} → {r['end'] - step['start']:.2f} s "
                  f"into the step, {r['cpu']:.2f} s CPU")
    for pid in sorted({c["pid"] for c in chunks}, key=lambda p: min(c["start"] for c in chunks if c["pid"] == p)):
        mine = sorted((c for c in chunks if c["pid"] == pid), key=lambda c: c["start"])
        busy = sum(c["end"] - c["start"] for c in mine)
        first, last = mine[0]["start"] - step["start"], step["end"] - mine[-1]["end"]
        gaps = sum(b["start"] - a["end"] for a, b in zip(mine, mine[1:]))
        who = "publishing process" if pid == parent else f"worker {pid}"
        print(f"  {who}: {len(mine)} chunks, {sum(c['pages'] for c in mine):,} pages, busy {busy:.2f} s wall "
              f"({sum(c['cpu'] for c in mine):.2f} s CPU); started {first:.2f} s into the step, gaps between "
              f"chunks {gaps:.2f} s, idle at the end {last:.2f} s; last chunk {mine[-1]['end'] - mine[-1]['start']:.2f} s "
              f"({mine[-1]['pages']} pages, {','.join(mine[-1]['kinds'])})")


SCENARIOS = {
    "fresh": "a whole build into an empty folder",
    "spare": "a whole build into an empty folder, the state holding a spare tree whose files nothing else links "
             "(as bench_publish.py's whole build finds it after a run before: it removed that run's bundle)",
    "over": "a whole build over the bundle of an earlier publish (different settings: nothing reused) that kept "
            "a spare tree, as after an upgrade of ietm",
}


def _untimed(publish, csdb: Path, out: Path, jobs: int) -> None:  # type: ignore[no-untyped-def]
    global LOG
    LOG = Path(os.devnull)
    publish(csdb, out, "en", allow_errors=True, jobs=jobs)


def _settings(csdb: Path, round_: int) -> None:
    """Settings that change no page but the build's fingerprint: every page is made again."""
    (csdb / "ietm.toml").write_text(f"[check]\njobs = {1 + round_ % 2}\n", encoding="utf-8")


def main() -> None:
    global LOG
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=104)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--scenario", choices=SCENARIOS, default="fresh",
                    help="; ".join(f"{k}: {v}" for k, v in SCENARIOS.items()))
    ap.add_argument("--pause", type=float, default=0, metavar="S",
                    help="seconds to wait before each timed build after files were removed (ext4 without a journal "
                    "avoids inodes freed in the last minute: creating files right after many were removed costs more)")
    args = ap.parse_args()
    csdb = renamed_corpus(args.copies)
    import ietm

    print(f"ietm from {Path(ietm.__file__).parent}; scenario: {SCENARIOS[args.scenario]}", flush=True)
    _watch()
    from ietm.publish.bundle import publish

    out = OUT / "workers-bundle"
    try:
        for round_ in range(args.runs):
            if args.scenario == "fresh":
                shutil.rmtree(out, ignore_errors=True)
            else:
                _settings(csdb, round_)
                if args.scenario == "spare" or not out.exists():
                    shutil.rmtree(out, ignore_errors=True)
                    _untimed(publish, csdb, out, args.jobs)
                _untimed(publish, csdb, out, args.jobs)  # nothing changed: the bundle before is kept as spare tree
                if args.scenario == "spare":
                    shutil.rmtree(out)
                else:
                    _settings(csdb, round_ + 1)
            time.sleep(args.pause)
            LOG = Path(tempfile.mkstemp(prefix="workers-", suffix=".jsonl")[1])
            before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            result = publish(csdb, out, "en", allow_errors=True, jobs=args.jobs).to_dict()
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before))
            report(result, wall, cpu)
            if os.environ.get("WORKERS_KEEP_LOG"):
                print(f"  log: {LOG}")
            else:
                LOG.unlink()
    finally:
        (csdb / "ietm.toml").unlink(missing_ok=True)
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
