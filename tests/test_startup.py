"""Commands that do not serve do not pay for the web framework: importing FastAPI, pydantic and the server's
routes took over a second of every `ietm publish` (a re-publish after one change is meant to take ≤ 3 s)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["ietm.publish.bundle", "ietm.publish.commands", "ietm.web.site", "ietm.paper.links"])
def test_publishing_does_not_import_the_server(module):
    code = f"import sys, {module}; print(sorted(m for m in ('fastapi', 'starlette', 'pydantic', 'ietm.web.app') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"{module} imports {out.strip()}"
