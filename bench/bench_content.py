"""Content renderer speed (ietm/render/content): render time per module and per content type over
thousands of Bike modules, and on generated extreme modules (a 2,000-step procedure, a 5,000-row table,
a 3,000-part IPD). Parsing is timed apart, so the figures are the renderer's own. Run:
    .venv/bin/python bench/bench_content.py [--copies 30]

Figures (2 cores shared with other work, load average 7-9, so slow by up to 3x; --copies 30 = 2,910
data modules): 75 modules/s on one core parse included; render only 10.5 ms/module mean (parse 2.5 ms);
medians: descriptive 0.9, procedural 2.4, fault 0.7, ipd 6.9, process 7.2, crew 5.3, schedule 7.3,
wiring 7.6, comrep 2.5, frontmatter 16.7 ms; the business-rules document (brDoc, 10,000 elements) 0.46 s.
Generated: 2,000-step procedure 0.28 s, 5,000-row CALS table 0.46 s, 3,000-part IPD 1.9 s (6.4 MB HTML).
Before the hot paths used f-strings over escaped parts (Markup.format is pure Python) the mean was
17.8 ms/module and the brDoc 0.93 s. The server caches rendered fragments per file and mtime.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import BIKE, OUT, bike_corpus  # noqa: E402

from ietm.parse import load  # noqa: E402
from ietm.parse.model import describe  # noqa: E402
from ietm.render.content import render_content  # noqa: E402
from ietm.render.context import RenderContext  # noqa: E402


class BenchLinks:
    """Every reference resolves: the cost measured is rendering, not lookup."""

    def dm(self, key, issue=None, language=None, fragment=None):
        return f"/dm/{key}"

    def pm(self, key, issue=None, language=None):
        return f"/pm/{key}"

    def icn(self, name):
        return f"/icn/{name}"

    def static(self, path):
        return f"/static/{path}"


def render_ms(path: Path) -> tuple[str, float, float, int]:
    t0 = time.perf_counter()
    doc = load(path)
    obj = describe(doc)
    t1 = time.perf_counter()
    ctx = RenderContext(BenchLinks(), "en", obj, doc, lambda key: None, lambda el: None)
    html = render_content(ctx)
    t2 = time.perf_counter()
    return obj.content_type or obj.kind, (t1 - t0) * 1000, (t2 - t1) * 1000, len(html)


def generated(dest: Path) -> list[Path]:
    """Extreme modules built from real Bike modules by repeating their own content."""
    dest.mkdir(parents=True, exist_ok=True)
    made = []
    proc = (BIKE / "DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A_008-00_en-US.XML").read_text(encoding="utf-8")
    step = "<proceduralStep><para>Find each of the brake pads and clean it.</para></proceduralStep>"
    big = proc.replace("<mainProcedure>", "<mainProcedure>" + "".join(
        f"<proceduralStep><para>Group {i}</para>{step * 9}</proceduralStep>" for i in range(200)), 1)
    made.append(dest / "proc-2000-steps.XML")
    made[-1].write_text(big, encoding="utf-8")
    desc = (BIKE / "DMC-S1000DBIKE-AAA-D00-00-00-00AA-041A-A_010-00_en-US.XML").read_text(encoding="utf-8")
    rows = "".join(f"<row><entry><para>r{i}</para></entry><entry namest='c2' nameend='c3'><para>wide {i}</para>"
                   f"</entry></row>" for i in range(5000))
    table = ("<table><title>Big</title><tgroup cols='3'><colspec colname='c1'/><colspec colname='c2'/>"
             f"<colspec colname='c3'/><tbody>{rows}</tbody></tgroup></table>")
    made.append(dest / "desc-5000-rows.XML")
    made[-1].write_text(desc.replace("<levelledPara>", "<levelledPara>" + table, 1), encoding="utf-8")
    ipd = (BIKE / "DMC-S1000DBIKE-AAA-D00-00-00-01AA-941A-D_008-00_en-US.XML").read_text(encoding="utf-8")
    start = ipd.index("<catalogSeqNumber ")
    end = ipd.rindex("</catalogSeqNumber>") + len("</catalogSeqNumber>")
    block = ipd[start:end]
    copies = max(1, 3000 // max(1, block.count("<itemSeqNumber ")))
    made.append(dest / "ipd-3000-parts.XML")
    made[-1].write_text(ipd[:start] + block * copies + ipd[end:], encoding="utf-8")
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=30, help="copies of the Bike set")
    args = parser.parse_args()
    corpus = bike_corpus(args.copies)
    files = sorted(p for p in corpus.rglob("*.XML") if p.name.startswith(("DMC-", "DME-")))
    by_type: dict[str, list[float]] = defaultdict(list)
    parse_total = render_total = 0.0
    start = time.perf_counter()
    for f in files:
        kind, parse_ms, ms, _ = render_ms(f)
        by_type[kind].append(ms)
        parse_total += parse_ms
        render_total += ms
    wall = time.perf_counter() - start
    print(f"{len(files)} modules in {wall:.2f} s ({len(files) / wall:.0f} modules/s, one core, parse included)")
    print(f"render only: {render_total / len(files):.2f} ms/module; parse: {parse_total / len(files):.2f} ms/module")
    print(f"{'type':<14}{'n':>6}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    for kind, times in sorted(by_type.items()):
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{kind:<14}{len(times):>6}{statistics.median(times):>11.2f}{p95:>9.2f}{times[-1]:>9.2f}")
    for f in generated(OUT / "content-extreme"):
        kind, parse_ms, ms, size = render_ms(f)
        print(f"{f.name:<22} parse {parse_ms:7.1f} ms  render {ms:7.1f} ms  html {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
