"""A fleet-sized manual (issue 15, point 4): a generated CSDB of N data modules (default 100,000), then every step
of the flow in its own process — `ietm scan`, `validate` (official S1000D 4.2 schemas), `brex`, `refs`, `index`,
`serve` (start-up and first module page) and `publish` — each with its wall time, CPU time and peak memory.

The corpus is the sample manual (content/: descriptive, procedural with persons, tools, supplies and spares, fault
isolation, IPD, crew, schedule and process modules, 4 to 35 kB each) in Russian and English: every module has
both language issues, so N data module files are N/2 modules in two languages. It is repeated as "systems" of
one product, each under its own system difference code (DMC-DGEN-A-…, DMC-DGEN-B001-…, …) with its own two
publication modules and working references between its modules. One ACT/CCT/PCT, one project BREX, one set of
common information repositories (warnings, cautions, tools, supplies, spares) and one set of illustrations
(ICNs) serve every system, as in a real project: applicability is evaluated against the one PCT, and every
system's modules show the same shared ICNs. In every copy about two in five of the longer lowercase words of
the prose (paragraphs, titles, notes, warnings) are replaced by words drawn (Zipf-distributed) from a generated
lexicon of 200,000 Russian-like and 200,000 English-like words, the two language issues of a module drawing
the same ranks, so the search vocabulary grows with the corpus as a real one does instead of repeating one page.

Each step runs as `python -m ietm …` of this tree's code in its own process. Wall time; CPU time (user + system
of the process and every worker it waited for, from wait4); peak RSS of the largest single process (wait4's
ru_maxrss) and the peak memory of the process and all its workers at once (the sum of their proportional set
sizes, so that pages a forked worker shares with its parent count once; sampled from /proc every 0.2 s);
the load average before and after. Run (corpora are big: keep them outside the work tree):
    IETM_BENCH_OUT=/work/corpora/fleet nice -n 10 .venv/bin/python bench/bench_fleet.py --modules 100000
    .venv/bin/python bench/bench_fleet.py --modules 2000 --generate-only
Do not edit ietm/ or viewer/ while it runs (publish depends on the code's fingerprint): run it from a copy.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from multiprocessing import Pool
from pathlib import Path

import httpx
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import OUT, ROOT, SCHEMAS42  # noqa: E402

CONTENT = ROOT / "content"
# ACT, CCT, PCT, project BREX and the common information repositories: one of each for the whole product
SHARED_INFO = {"00W", "00Q", "00P", "022", "00G", "00L", "00N", "0A4", "0A5"}
# elements whose text is prose a writer wrote (never codes, values or enumerations)
PROSE = {"para", "title", "notePara", "warningAndCautionPara", "attentionListItemPara", "simplePara", "emphasis",
         "listItemDefinition", "isolationStepQuestion", "isolationProcedureEnd", "isolationStepAnswer", "yesAnswer",
         "noAnswer", "faultDescr", "descr", "reqCondNoRef", "reqCondDm", "name", "shortName", "taskDefinition"}
WORD = re.compile(r"(?<![\w-])[a-zа-яё]{5,}(?![\w-])")
SLOT, SDC, PMN = "\ue000", "\ue001", "\ue002"
LEXICON = 200_000


def lexicon(seed: int, consonants: str, vowels: str, endings: list[str]) -> list[str]:
    """LEXICON distinct pronounceable words: stems of two to four syllables with the language's common endings
    (so stemmers treat them as they treat real words)."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < LEXICON:
        stem = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))
        words[stem + rng.choice(endings)] = None
    return list(words)


def lexicons() -> dict[str, list[str]]:
    return {
        "ru": lexicon(1, "бвгдзклмнпрстфхчшжц", "аеиоуяы",
                      ["ный", "ная", "ное", "ение", "ость", "ать", "ить", "ка", "ник", "атор", "ание", "ий", "ия", "ом"]),
        "en": lexicon(2, "bcdfghklmnprstvwz", "aeiou",
                      ["tion", "ing", "er", "ness", "ment", "ive", "al", "or", "ity", "ed", "able", "ure", "s", "ly"]),
    }


def prepare(path: Path, rng: random.Random) -> tuple[str, int]:
    """The object as a %-template: prose words to vary become %s, codes of a system's own modules and
    publications become markers replaced per copy. Returns (template, number of word slots)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)
    tree = etree.parse(str(path), parser)
    slots = 0

    def vary(text: str | None) -> str | None:
        nonlocal slots
        if not text:
            return text
        out, last = [], 0
        for m in WORD.finditer(text):
            if rng.random() < 0.4:
                out += [text[last:m.start()], SLOT]
                last = m.end()
                slots += 1
        return "".join(out) + text[last:] if out else text

    content = tree.getroot().find("content")
    for el in content.iter() if content is not None else ():
        if not isinstance(el.tag, str):
            continue
        if el.tag in PROSE:
            el.text = vary(el.text)
        parent = el.getparent()
        if parent is not None and parent.tag in PROSE and el is not content:
            el.tail = vary(el.tail)
    for code in tree.getroot().iter("dmCode"):
        if code.get("infoCode") not in SHARED_INFO:
            code.set("systemDiffCode", SDC)
    for code in tree.getroot().iter("pmCode"):
        code.set("pmNumber", PMN + code.get("pmNumber")[3:])
    raw = path.read_text(encoding="utf-8")
    prolog = raw[:raw.index("<" + tree.getroot().tag)]  # declaration and DOCTYPE with its internal subset, as written
    text = etree.tostring(tree.getroot(), encoding="unicode")
    return (prolog + text + "\n").replace("%", "%%").replace(SLOT, "%s"), slots


def system_codes(i: int) -> tuple[str, str]:
    """System difference code and publication number prefix of copy i (copy 0 keeps the sample's own)."""
    if i == 0:
        return "A", "000"
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    b36 = digits[i // 1296 % 36] + digits[i // 36 % 36] + digits[i % 36]
    return "B" + b36, b36


_STATE: dict = {}


def _init(templates: list, lex: dict, dest: str) -> None:
    weights = list(itertools.accumulate(1.0 / (r + 10) for r in range(LEXICON)))
    _STATE.update(templates=templates, lex=lex, dest=Path(dest), weights=weights, ranks=range(LEXICON))


def write_copy(i: int) -> int:
    """Write copy i's objects into its folder; returns the number of bytes written."""
    sdc, pmn = system_codes(i)
    folder = _STATE["dest"] / f"sys{i:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for name, lang, base, template, slots in _STATE["templates"]:
        rng = random.Random(zlib.crc32(f"{i}/{base}".encode()))  # both languages of a module draw the same ranks
        ranks = rng.choices(_STATE["ranks"], cum_weights=_STATE["weights"], k=slots)
        words = _STATE["lex"][lang]
        text = (template % tuple(words[r] for r in ranks)).replace(SDC, sdc).replace(PMN, pmn)
        name = name.replace("DMC-DGEN-A-", f"DMC-DGEN-{sdc}-").replace("PMC-DGEN-DZM01-000", f"PMC-DGEN-DZM01-{pmn}")
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        size += len(data)
    return size


def generate(modules: int, dest: Path, jobs: int = 2) -> dict:
    """A CSDB of about `modules` data module files under `dest` (made once, reused while complete)."""
    stamp = dest / ".complete"
    if stamp.exists():
        return json.loads(stamp.read_text())
    started = time.perf_counter()
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    rng = random.Random(15)
    templates, shared = [], 0
    for path in sorted(CONTENT.glob("*.XML")):
        if path.name.startswith("DML-"):
            continue  # a DML per copy would list the same entries; not part of what is measured
        info = path.name.split("-")[7][:3] if path.name.startswith("DMC-") else None
        if info in SHARED_INFO:
            shutil.copyfile(path, dest / path.name)
            shared += 1
            continue
        template, slots = prepare(path, rng)
        lang = path.name.rsplit("_", 1)[1][:2]
        templates.append((path.name, lang, path.name.rsplit("_", 1)[0], template, slots))
    for path in CONTENT.iterdir():
        if path.name.startswith("ICN-") or path.name == "ietm.toml":
            shutil.copyfile(path, dest / path.name)
    per_copy = sum(1 for t in templates if t[0].startswith("DMC-"))
    copies = max(1, round((modules - shared) / per_copy))
    lex = lexicons()
    with Pool(jobs, initializer=_init, initargs=(templates, lex, str(dest))) as pool:
        size = 0
        for n, written in enumerate(pool.imap_unordered(write_copy, range(copies), chunksize=4), 1):
            size += written
            if n % 100 == 0 or n == copies:
                print(f"  generated {n}/{copies} systems", file=sys.stderr, flush=True)
    facts = {"modules": shared + per_copy * copies, "systems": copies, "publications": copies * 2 * 2,
             "files": sum(1 for _ in dest.rglob("*") if _.is_file()), "bytes": size,
             "seconds": round(time.perf_counter() - started, 1)}
    stamp.write_text(json.dumps(facts))
    return facts


# ---------------------------------------------------------------------------------------------- measuring


def load() -> str:
    return "{:.1f}".format(os.getloadavg()[0])


def tree_rss(root: int) -> int:
    """Memory of a process and all its descendants now (the sum of their PSS, from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
                parents[int(entry.name)] = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError):
                continue
    family, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in family} - family
        family |= more
        grew = bool(more)
    total = 0
    for pid in family:  # proportional set size: pages a forked worker shares with its parent count once
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
        except (OSError, ValueError, StopIteration):
            continue
    return total


class Measured:
    """A command in its own process: wall and CPU time, peak RSS of the largest process and of the whole tree."""

    def __init__(self, cmd: list[str], env: dict) -> None:
        self.load_before = load()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                     start_new_session=True)
        self.peak_tree = 0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        self._out: list[bytes] = []
        self._readers = [threading.Thread(target=lambda s=s: self._out.append(s.read()), daemon=True)
                         for s in (self.proc.stdout, self.proc.stderr)]
        for r in self._readers:
            r.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak_tree = max(self.peak_tree, tree_rss(self.proc.pid))
            self._done.wait(0.2)

    def wait(self) -> dict:
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - self.started
        self._done.set()
        self._sampler.join()
        for r in self._readers:
            r.join()
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                "tree_mb": self.peak_tree / 2**20, "load": f"{self.load_before} → {load()}",
                "rc": self.proc.returncode, "output": b"\n".join(self._out).decode(errors="replace").strip()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(ietm: list[str], csdb: Path, env: dict, page: str) -> dict:
    """`ietm serve`: seconds until it answers its home page, then until the first module page, then stopped."""
    port = free_port()
    run = Measured([*ietm, "serve", str(csdb), "--port", str(port)], env)
    facts: dict = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            while True:
                if run.proc.poll() is not None:
                    break
                try:
                    if client.get("/").status_code == 200:
                        facts["start"] = time.perf_counter() - run.started
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            if "start" in facts:
                t = time.perf_counter()
                r = client.get(page)
                facts["first_page"] = time.perf_counter() - t
                facts["page_status"] = r.status_code
    finally:
        if run.proc.poll() is None:
            os.killpg(run.proc.pid, signal.SIGTERM)
    return {**run.wait(), **facts}


def steps(csdb: Path, bundle: Path, only: set[str] | None) -> list[tuple[str, dict]]:
    ietm = [sys.executable, "-m", "ietm"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    page = "/dm/DGEN-B001-D10-20-00-00A-210A-A" if (csdb / "sys0001").is_dir() else \
        "/dm/DGEN-A-D10-20-00-00A-210A-A"
    plan = [
        ("scan", [*ietm, "scan", str(csdb)]),
        ("validate", [*ietm, "validate", "-q", "--schemas", str(SCHEMAS42), str(csdb)]),
        ("brex", [*ietm, "brex", "-q", str(csdb)]),
        ("refs", [*ietm, "refs", "-q", str(csdb)]),
        ("index", [*ietm, "index", str(csdb)]),
        ("serve", None),
        ("publish", [*ietm, "publish", str(csdb), "-o", str(bundle), "--lang", "ru", "--format", "json"]),
    ]
    results = []
    for name, cmd in plan:
        if only and name not in only:
            continue
        r = serve(ietm, csdb, env, page) if cmd is None else Measured(cmd, env).wait()
        results.append((name, r))
        show(name, r)
    return results


def show(name: str, r: dict) -> None:
    extra = ""
    if "start" in r:
        extra = f"; answered after {r['start']:.1f} s, first module page {r.get('first_page', 0):.2f} s " \
                f"(HTTP {r.get('page_status')})"
    last = r["output"].splitlines()[-1][:200] if r["output"] else ""
    print(f"{name:9} wall {r['wall']:8.1f} s  CPU {r['cpu']:8.1f} s  RSS largest {r['rss_mb']:6.0f} MB, "
          f"all processes (PSS) {r['tree_mb']:6.0f} MB  load {r['load']}  exit {r['rc']}{extra}\n"
          f"          {last}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--modules", type=int, default=100_000, help="data module files (both languages counted)")
    ap.add_argument("--jobs", type=int, default=2, help="processes generating the corpus")
    ap.add_argument("--generate-only", action="store_true", help="make the corpus, measure nothing")
    ap.add_argument("--steps", nargs="*", help="only these steps (scan validate brex refs index serve publish)")
    ap.add_argument("--keep", action="store_true", help="keep the published bundle")
    args = ap.parse_args()
    csdb = OUT / f"fleet-{args.modules}"
    print(f"corpus {csdb}: generating (load {load()})", flush=True)
    facts = generate(args.modules, csdb, args.jobs)
    print(f"corpus: {facts['modules']:,} data modules ({facts['systems']:,} systems, {facts['publications']:,} "
          f"publication modules), {facts['files']:,} files, {facts['bytes'] / 1e9:.2f} GB of XML, made in "
          f"{facts['seconds']:.0f} s", flush=True)
    if args.generate_only:
        return
    bundle = OUT / f"fleet-{args.modules}-bundle"
    results = steps(csdb, bundle, set(args.steps) if args.steps else None)
    record = OUT / f"fleet-{args.modules}-results.json"
    record.write_text(json.dumps({"corpus": facts, "steps": [{"step": n, **r, "output": r["output"][-4000:]}
                                                              for n, r in results]},
                                 indent=1))
    if not args.keep:
        shutil.rmtree(bundle, ignore_errors=True)


if __name__ == "__main__":
    main()
