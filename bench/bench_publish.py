"""`ietm publish` at scale: a whole build, re-publishing with nothing changed, after one module was added, after
it was removed again and after one module changed, the bundle's size (what a web server holds, what a tablet
keeps), and a profile of where a page's time goes.

The corpus is the Bike set copied many times under distinct model codes (bench/bench_render.py): --copies 104
gives 9,880 data modules (95 a copy) and 10,501 pages. The search index is brought up to date first (untimed), so every
publish starts from a warm catalog, as issue 15 measures it. Each run is `ietm publish --allow-errors` in its
own process (the Bike set fails the gate's BREX, and the gate is `ietm check`, measured in bench_validate and
bench_brex); wall time, CPU time of the process and its workers, peak RSS of the largest of them and the load
average are printed for each. Run:
    IETM_BENCH_OUT=/work/corpora .venv/bin/python bench/bench_publish.py [--copies 104] [--jobs 2]
    .venv/bin/python bench/bench_publish.py --copies 30 --profile 300   # cProfile of 300 pages on one core
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_render import renamed_corpus  # noqa: E402
from corpus import OUT, ROOT  # noqa: E402

IETM = str(ROOT / ".venv" / "bin" / "ietm")
# ietm's own code is part of what every page depends on (ietm/publish/state.py): do not edit it while this runs,
# or run this from a copy of the work tree
TOUCHED = "DMC-S1000DBIKE{n:03d}-AAA-D00-00-00-00AA-041A-A_010-00_en-US.XML"


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def code_of(rev: str) -> Path:
    """ietm's code (package, viewer, schemas) as of a git revision, to run beside the work tree's."""
    dest = OUT / f"code-{rev}"
    if not (dest / "ietm").is_dir():
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "ietm", "viewer", "schemas", "signing",
                                  "content"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def code_env(code: Path | None) -> dict | None:
    """Another revision's code runs with its own state folder (catalog, index, converted illustrations): each
    revision may keep its caches in its own format."""
    if code is None:
        return None
    return {**os.environ, "PYTHONPATH": str(code), "IETM_STATE_DIR": str(code.parent / f"state-{code.name}")}


def run_publish(csdb: Path, out: Path, jobs: int, code: Path | None = None) -> dict:
    """One `ietm publish` in its own process (of the work tree's code, or `code`'s): its JSON result with wall
    and CPU seconds and peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = load()
    started = time.perf_counter()
    env = code_env(code)
    r = subprocess.run([IETM, "publish", str(csdb), "-o", str(out), "--allow-errors", "-j", str(jobs),
                        "--format", "json"], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if r.returncode != 0:
        raise SystemExit(f"ietm publish failed ({r.returncode}): {r.stderr.strip()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(r.stdout)
    result.update(wall=wall, cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
                  rss_mb=after.ru_maxrss / 1024, load_before=load_before, load_after=load())
    return result


def show(what: str, r: dict) -> None:
    r.setdefault("rendered", r["pages"])  # older code renders every page every time
    rate = r["rendered"] / r["wall"] if r["rendered"] else 0
    print(f"{what}: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, {r['rendered']:,} of {r['pages']:,} pages "
          f"rendered ({rate:.0f} pages/s), peak RSS {r['rss_mb']:.0f} MB; {r['load_before']} before, "
          f"{r['load_after']} after", flush=True)
    if r.get("phases"):
        print("  " + ", ".join(f"{k} {v:.2f} s" for k, v in r["phases"].items()), flush=True)


def sizes(bundle: Path, modules: int) -> None:
    """What a web server holds, and what a tablet keeps: the service worker stores a text file's .gz form."""
    groups: dict[str, list[int]] = {}
    for path in bundle.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(bundle).as_posix()
        base = rel[:-3] if rel.endswith((".gz", ".br")) else rel
        form = rel[-2:] if base != rel else "plain"
        if base.startswith("icn/"):
            group = "illustrations"
        elif base.startswith(("dm/", "pm/")) or base.endswith(".html"):
            group = "pages"
        elif base.startswith("search/"):
            group = "search index"
        elif base.startswith("shared/"):
            group = "shared scripts"
        else:
            group = "assets, manifests, signatures"
        sums = groups.setdefault(group, [0, 0, 0, 0])  # plain, gz, br, kept on the device
        size = path.stat().st_size
        sums[{"plain": 0, "gz": 1, "br": 2}[form]] += size
        if form == "gz" or (form == "plain" and not Path(str(path) + ".gz").exists()):
            sums[3] += size
    per = 1000 / modules
    total = [sum(g[i] for g in groups.values()) for i in range(4)]
    print(f"bundle ({modules:,} modules): MB in all / per 1,000 modules — plain, .gz, .br, kept by the service worker")
    for name, g in sorted(groups.items()) + [("all", total)]:
        print(f"  {name:32} " + ", ".join(f"{v / 1e6:.1f} / {v / 1e6 * per:.2f}" for v in g))
    text = [groups.get("pages", [0] * 4)[i] + groups.get("search index", [0] * 4)[i] + groups.get("shared scripts", [0] * 4)[i]
            for i in range(4)]
    print(f"  pages + search index + shared scripts, per 1,000 modules: plain {text[0] / 1e6 * per:.2f} MB, "
          f"on the device {text[3] / 1e6 * per:.2f} MB")


def touch_module(csdb: Path) -> Path:
    """Change one module's text (a paragraph gets a word), as a writer's edit does."""
    path = next(csdb.glob("copy0007/" + TOUCHED.format(n=7)))
    text = path.read_text(encoding="utf-8")
    marker = f" Benchword{time.time_ns() % 100000}."
    path.write_text(text.replace("</para>", marker + "</para>", 1), encoding="utf-8")
    return path


def add_module(csdb: Path) -> Path:
    """A new module beside the touched one: its copy under another information code variant (a writer's new
    module that nothing refers to yet, in no publication)."""
    source = next(csdb.glob("copy0007/" + TOUCHED.format(n=7)))
    path = source.with_name(source.name.replace("-041A-A_", "-041Z-A_"))
    text = source.read_text(encoding="utf-8")
    start = text.index("<dmIdent>")
    ident = text[start:text.index("</dmIdent>", start)]
    path.write_text(text.replace(ident, ident.replace('infoCodeVariant="A"', 'infoCodeVariant="Z"', 1), 1),
                    encoding="utf-8")
    return path


def profile(csdb: Path, pages: int, out: Path) -> None:
    """cProfile of `pages` module pages rendered and written in this process (one core, like each worker)."""
    from ietm.publish.links import Plan
    from ietm.publish.pages import init_worker, jobs_of, render_chunk
    from ietm.web.site import Site

    started = time.process_time()
    site = Site(csdb)
    plan = Plan.of(site, "en")
    print(f"Site and plan (what each worker built before rendering): {time.process_time() - started:.2f} s of CPU")
    every = [j for j in jobs_of(site, plan) if j[0] == "dm"]
    work = every[::max(1, len(every) // pages)][:pages]  # spread over the corpus: its kinds of modules in proportion
    shutil.rmtree(out, ignore_errors=True)
    init_worker(str(csdb), str(out), "en", site)
    render_chunk(work[:5])  # templates compiled, schemas and labels loaded: not what a page costs

    def fresh() -> None:  # each page is rendered once in a publish: no parse or fragment kept from a pass before
        shutil.rmtree(out, ignore_errors=True)
        site._loaded.clear()
        init_worker(str(csdb), str(out), "en", site)

    fresh()
    started = time.process_time()
    render_chunk(work)
    cpu = time.process_time() - started
    print(f"{len(work)} pages in {cpu:.2f} s of CPU: {cpu / len(work) * 1000:.1f} ms per page ({load()})")
    fresh()
    prof = cProfile.Profile(time.process_time)  # CPU time: a busy machine does not blur the shares
    prof.enable()
    render_chunk(work)
    prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=104, help="copies of the Bike set (97 data modules each)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes of ietm publish")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="only profile N pages on one core")
    ap.add_argument("--keep", action="store_true", help="keep the bundles (under the corpus folder)")
    ap.add_argument("--before", metavar="REV", help="only compare whole builds with the code of git revision REV, "
                    "side by side (REV, this tree, REV, this tree)")
    ap.add_argument("--rounds", type=int, default=2, help="rounds of --before (each: REV, then this tree)")
    args = ap.parse_args()

    csdb = renamed_corpus(args.copies)
    work = OUT / f"publish-x{args.copies}"
    if args.profile:
        profile(csdb, args.profile, work / "profile")
        return
    modules = sum(1 for _ in csdb.glob("copy*/DMC-*.XML"))
    print(f"corpus {csdb}: {modules:,} data modules; {load()}", flush=True)
    t = time.perf_counter()
    subprocess.run([IETM, "index", str(csdb)], check=True, capture_output=True)
    print(f"search index brought up to date (untimed): {time.perf_counter() - t:.1f} s", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if args.before:
        old = code_of(args.before)
        t = time.perf_counter()
        subprocess.run([IETM, "index", str(csdb)], check=True, capture_output=True, env=code_env(old))
        print(f"search index of {args.before}'s code brought up to date (untimed): {time.perf_counter() - t:.1f} s")
        # the bundles are removed after the last round, not between the builds: ext4 without a journal (this
        # machine's) avoids the inodes freed in the last minute, and a build right after 33,000 files were removed
        # near where it writes scans past them for each file it creates (bench/README.md, helper warm's section)
        for round_ in range(1, args.rounds + 1):
            for name, code in ((args.before, old), ("this tree", None)):
                r = run_publish(csdb, work / f"bundle-{round_}-{code is None}", args.jobs, code)
                show(f"whole build, {name} (round {round_})", r)
        shutil.rmtree(work, ignore_errors=True)
        return

    first = run_publish(csdb, work / "bundle", args.jobs)
    show("whole build", first)
    sizes(work / "bundle", modules)
    same = run_publish(csdb, work / "bundle", args.jobs)
    show("re-publish, nothing changed", same)  # (the first after a whole build: every file linked)
    show("re-publish, nothing changed again (from the spare tree)", run_publish(csdb, work / "bundle", args.jobs))
    added = add_module(csdb)
    try:
        show(f"re-publish, one module added ({added.name})", run_publish(csdb, work / "bundle", args.jobs))
    finally:
        added.unlink()
    show("re-publish, that module removed", run_publish(csdb, work / "bundle", args.jobs))
    touched = touch_module(csdb)
    try:
        one = run_publish(csdb, work / "bundle", args.jobs)
        show(f"re-publish, one module changed ({touched.name})", one)
    finally:
        text = touched.read_text(encoding="utf-8")
        import re

        touched.write_text(re.sub(r" Benchword\d+\.", "", text), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
