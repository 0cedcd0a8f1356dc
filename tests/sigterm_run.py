"""The test run that tests/test_sigterm.py terminates: it holds the `postgres` fixture's cluster and waits for
the signal. Not collected by the suite (the name is not test_*.py); run only by naming this file."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


def test_holds_a_cluster_until_terminated(postgres):
    pid = int((postgres.data / "postmaster.pid").read_text().split()[0])
    state = Path(os.environ["IETM_SIGTERM_STATE"])
    state.with_suffix(".tmp").write_text(json.dumps({"root": str(postgres.root), "pid": pid}))
    state.with_suffix(".tmp").rename(state)  # whole when it appears
    while True:  # until SIGTERM
        time.sleep(0.1)
