"""What the viewer's site model derives from single files of a CSDB (a publication module's outline, the entries
a repository module holds), kept in the state folder from one start-up to the next.

At 10,000 modules, reading 416 publication modules and 104 repository modules again was half of building the
site model, at every `ietm publish`, `ietm serve` and page worker start. Each result is kept with its file's
size, mtime and ctime (as the catalog tells a changed file, ietm.catalog.db) and with the version of the code
that derived it: a file changed, replaced or of another code is read again, never shown as it was.
Kept as plain tuples, lists and dicts with `marshal` (read back about ten times faster than pickled objects);
the file is the project's own, written whole or not at all, and read again from scratch if unreadable.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ietm.atomic import write_new
from ietm.errors import IetmError

log = logging.getLogger("ietm.web")

FORMAT = 1
FILE = "site-derived.marshal"
#: the code whose output is kept: a change to any of it reads every file again
CODE = ("web/site.py", "web/derived.py", "applic", "parse", "render/content/cir.py")


@lru_cache(maxsize=None)
def code_version() -> str:
    """ietm's version, the deriving code's files (their size and mtime: a few dozen stats) and lxml's version."""
    from lxml import etree

    from ietm import __version__

    base = Path(__file__).resolve().parent.parent
    parts = [str(FORMAT), __version__, repr(etree.LXML_VERSION), repr(etree.LIBXML_VERSION)]
    for name in CODE:
        place = base / name
        files = sorted(place.rglob("*.py")) if place.is_dir() else [place]
        for f in files:
            st = f.stat()
            parts.append(f"{f.relative_to(base)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def file_stamp(path: str) -> tuple[int, int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size, st.st_ctime_ns


class Derived:
    """path -> (what kind of result, the file's stamp, the result), loaded once, saved when something was added."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE
        self.entries: dict[str, tuple[str, tuple[int, int, int], Any]] = {}
        self.changed = False
        try:
            data = marshal.loads(self.path.read_bytes())
            if data["code"] == code_version():
                self.entries = data["entries"]
        except FileNotFoundError:
            pass
        except (OSError, EOFError, ValueError, TypeError, KeyError) as exc:  # unreadable: derived again
            log.info("%s not read (%s): derived again", self.path, exc)

    def get(self, kind: str, path: str, derive: Callable[[], Any]) -> Any:
        """The result of `derive` on the file at `path`, kept from before when the file is as it was then.
        The stamp is taken before the file is read: a file changed while it is read is read again next time."""
        stamp = file_stamp(path)
        found = self.entries.get(path)
        if found is not None and found[0] == kind and tuple(found[1]) == stamp:
            return found[2]
        value = derive()
        self.entries[path] = (kind, stamp, value)
        self.changed = True
        return value

    def forget_others(self, kept: set[str]) -> None:
        """Drop the results of files no longer read (removed from the CSDB), so the file does not grow."""
        gone = [p for p in self.entries if p not in kept]
        for p in gone:
            del self.entries[p]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_new(self.path, marshal.dumps({"code": code_version(), "entries": self.entries}), overwrite=True,
                      durable=False)
            self.changed = False
        except (OSError, IetmError, ValueError) as exc:  # one that cannot be written costs time, not correctness
            log.info("%s not written (%s)", self.path, exc)
