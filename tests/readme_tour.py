"""The command-line tour of README.md, read from the README itself and run as a user would type it.

`tour()` returns the tour's commands in order, with the shell variables they set (B=..., S=..., D=...);
`Tour` runs them one after another in a folder (a copy of the repository) and records what each gave.
Only what a user must fill in is filled in: `<id>` (a product of the PCT) and `DMC-...XML` (the module the
tour made); `ietm serve` runs until it answers and is then stopped, on a free port so as not to meet
another server of this machine on 8000.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from clirun import run_group
from webserver import free_port

SECTION = "## A tour of the command line"


@dataclass
class Step:
    line: str  # as the README writes it, without its comment
    argv: list[str] = field(default_factory=list)  # after `ietm`
    code: int | None = None
    out: str = ""
    err: str = ""

    def said(self) -> str:
        return f"`{self.line}` -> {self.code}: {(self.err or self.out).strip()[-600:]}"


def tour(readme: Path) -> tuple[dict[str, str], list[str]]:
    """(variables, command lines) of the tour's ```sh blocks, in order."""
    text = readme.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    section = text[start:end if end > 0 else None]
    variables: dict[str, str] = {}
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for raw in block.splitlines():
            line = _uncomment(raw).strip()
            if not line:
                continue
            if re.fullmatch(r"(\w+=\S+;?\s*)+", line):
                for part in line.split(";"):
                    if part.strip():
                        name, _, value = part.strip().partition("=")
                        variables[name] = value
                continue
            lines.append(line)
    return variables, lines


def _uncomment(line: str) -> str:
    """The line without its `# comment` (a # outside quotes, after a space)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


class Tour:
    """Runs tour lines in `cwd` with `variables`, each as `python -m ietm ...` of the repository copy in `cwd`."""

    def __init__(self, cwd: Path, variables: dict[str, str], env: dict[str, str] | None = None) -> None:
        self.cwd = cwd
        self.variables = variables
        self.env = {**os.environ, **(env or {})}
        self.steps: list[Step] = []
        self.last_module: Path | None = None

    def argv(self, line: str) -> list[str]:
        words = shlex.split(line)
        assert words[0] == "ietm", f"not an ietm command: {line}"
        out = []
        for w in words[1:]:
            for name, value in self.variables.items():
                w = w.replace(f"${name}", value)
            out.append(w)
        return [self.fill(w) for w in out]

    def fill(self, word: str) -> str:
        """What the README leaves to the user: a product of the PCT, the module the tour made."""
        if word == "<id>":
            products = self.run_argv(["applic", "--products", self.variables["B"], "--format", "json"])
            return _first_product(products.out)
        if "DMC-..." in word:
            folder = self.cwd / word.split("DMC-...")[0]
            made = sorted(folder.glob("DMC-*.XML"))
            assert made, f"{word}: the tour made no module in {folder}"
            return str(made[-1].relative_to(self.cwd))
        return word

    def run(self, line: str, stdin: str | None = None) -> Step:
        step = Step(line)
        step.argv = self.argv(line)
        if step.argv[0] == "serve":
            self._serve(step)
        else:
            result = self.run_argv(step.argv, stdin)
            step.code, step.out, step.err = result.code, result.out, result.err
        self.steps.append(step)
        return step

    def run_argv(self, argv: list[str], stdin: str | None = None) -> Step:
        out, err, code = run_group([sys.executable, "-m", "ietm", *argv], cwd=self.cwd, timeout=600, env=self.env,
                                   stdin=stdin)
        return Step(" ".join(argv), argv, code, out, err)

    def _serve(self, step: Step) -> None:
        """Start the server, take its home page, stop it: 0 when it answered 200 and stopped cleanly."""
        argv = list(step.argv)
        if "--port" in argv:
            del argv[argv.index("--port"):argv.index("--port") + 2]
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "ietm", *argv, "--port", str(port)], cwd=self.cwd, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        status = None
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    status = httpx.get(f"http://127.0.0.1:{port}/", timeout=30).status_code
                    break
                except httpx.HTTPError:
                    time.sleep(0.3)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
            try:
                out, _ = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                out = "did not stop on Ctrl+C"
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.communicate()
        step.out = out
        step.code = 0 if status == 200 and proc.returncode in (0, -signal.SIGINT) else (proc.returncode or 1)
        if status != 200:
            step.err = f"the home page answered {status}; {out[-1000:]}"


def _first_product(out: str) -> str:
    data = json.loads(out)
    products = data.get("products", data) if isinstance(data, dict) else data
    first = products[0]
    return first["id"] if isinstance(first, dict) else str(first)
