"""What a write costs the workers that did not take it (issue 15): their reload before the next request, whole
(every object read again, as before) and incremental (only what the change log names).

    .venv/bin/python bench/bench_reload.py [--csdb /work/corpora/viewer-x104] [--writes 5] [--search]

Copies the CSDB (with its catalog, if it has one, so that start-up need not parse every file again) to a
temporary folder and opens it as two workers of one server would (two apps, one server database). Then, for
each write, the first worker takes a new issue of a data module in (`refresh`, as an upload does) and the
second catches up (`catch_up`, as before its next request), timed in CPU seconds of this process; the same
reload done whole is timed beside it; with --search, also the reader's first search after the write (which
brings the search index up to date first). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def _cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _new_issue(src: Path, n: int) -> Path:
    data = re.sub(rb'issueNumber="\d{3}"', f'issueNumber="{n:03d}"'.encode(), src.read_bytes(), count=1)
    path = src.with_name(re.sub(r"_\d{3}-\d{2}_", f"_{n:03d}-00_", src.name))
    path.write_bytes(data.replace(b'issueType="new"', b'issueType="changed"', 1))
    return path


def run(source: Path, writes: int, search: bool) -> dict:
    from ietm.web.app import create_app
    from ietm.web.changes import _reload, catch_up, refresh

    with tempfile.TemporaryDirectory(prefix="ietm-reload-") as tmp:
        csdb = Path(tmp) / "csdb"
        shutil.copytree(source, csdb, ignore=shutil.ignore_patterns(".*"))
        if (source / ".ietm" / "catalog.sqlite").is_file():
            (csdb / ".ietm").mkdir()
            shutil.copy2(source / ".ietm" / "catalog.sqlite", csdb / ".ietm" / "catalog.sqlite")
        if search and (source / ".ietm" / "index").is_dir():
            shutil.copytree(source / ".ietm" / "index", csdb / ".ietm" / "index")
        started = time.monotonic()
        writer = create_app(csdb)
        start_up = time.monotonic() - started
        reader = create_app(csdb)
        site = reader.state.site
        if search:  # the reader has answered a search: its index is open
            from ietm.web.searching import SearchService

            reader.state.search = SearchService(csdb)
            reader.state.search.search(text="brake")
        objects = sum(len(found) for found in site.copies.values()) + len(site.icns)
        modules = sorted(csdb.rglob("DMC-*.XML"))
        module = modules[len(modules) // 2]
        took, incremental, searched, whole = [], [], [], []
        for n in range(writes):
            path = _new_issue(module, 900 + n)
            took.append(_cpu(lambda: refresh(writer, [path])))
            incremental.append(_cpu(lambda: catch_up(reader)))
            assert site.find(site.catalog.key_at(path)).path == str(path), "the reader did not take the write in"
            if search:
                searched.append(_cpu(lambda: reader.state.search.search(text="brake")))
            whole.append(_cpu(lambda: _reload(reader, None)))
        for app in (writer, reader):
            app.state.db.dispose()
    return {
        "csdb": str(source), "objects": objects, "writes": writes, "start_up_s": round(start_up, 2),
        "writer_refresh_cpu_s": round(statistics.median(took), 4),
        "reader_catch_up_cpu_s": round(statistics.median(incremental), 4),
        "reader_whole_reload_cpu_s": round(statistics.median(whole), 4),
        **({"reader_first_search_after_cpu_s": round(statistics.median(searched), 4)} if search else {}),
        "load": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csdb", type=Path, default=Path("/work/corpora/viewer-x104"))
    ap.add_argument("--writes", type=int, default=5)
    ap.add_argument("--search", action="store_true",
                    help="the reader has searched (its index is open; the CSDB's index is copied along if it has one)")
    args = ap.parse_args()
    print(json.dumps(run(args.csdb, args.writes, args.search)), flush=True)


if __name__ == "__main__":
    main()
