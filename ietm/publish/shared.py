"""What every page of a bundle would otherwise repeat — the interface's words (17 kB), the product table of
an ACT — written once as a small script named by its content, which pages load from the browser's cache.

On a served page the same data is inline JSON (script#ietm-strings, script#ietm-applic in base.html). The
shared script puts it back there, as the same elements, before the page's deferred scripts run, so app.js,
applic.js and every other reader work unchanged in the bundle.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ietm.publish.files import write_file

FOLDER = "shared"
INJECT = ("/* ietm publish: data shared by the pages of this bundle (ietm/publish/shared.py) */\n"
          "(function(d){var s=document.currentScript;Object.keys(d).forEach(function(id){"
          "var e=document.createElement(\"script\");e.type=\"application/json\";e.id=id;"
          "e.textContent=JSON.stringify(d[id]);s.parentNode.insertBefore(e,s);});})(%s);\n")


def script_text(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # U+2028/2029 end a line in older JavaScript engines, where JSON allows them in strings
    return INJECT % text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class SharedScripts:
    """The shared scripts of one build, each written once (by whichever worker needs it first)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: dict[str, str] = {}  # script text digest -> path in the bundle
        self._strings: dict[str, str] = {}  # interface language -> path

    def script(self, kind: str, element_id: str, data: Any) -> str:
        """The bundle path of the script that provides `data` as script#element_id."""
        text = script_text({element_id: data})
        digest = hashlib.sha256(text.encode()).hexdigest()
        rel = self.written.get(digest)
        if rel is None:
            rel = f"{FOLDER}/{kind}-{digest[:16]}.js"
            target = self.out / rel
            if not target.exists():  # another worker may have written it: the same bytes, as its name says
                write_file(target, text.encode())
            self.written[digest] = rel
        return rel

    def strings(self, language: str, table: dict) -> str:
        rel = self._strings.get(language)
        if rel is None:
            rel = self._strings[language] = self.script(f"strings-{language}", "ietm-strings", table)
        return rel
