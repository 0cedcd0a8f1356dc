"""The command-line tour of README.md, read from the README itself and run as a user would type it.

`sections()` gives the tour's commands in order, under the bold title of the part they belong to, and the
shell variables the tour sets (B=..., S=..., D=...); `Tour` runs them one after another in a folder (a copy of
the repository, `copy_repository`) and records what each gave. Only what a user must fill in is filled in:
`<id>` (a product of the PCT). `ietm serve` runs until it answers and is then stopped, on a free port so as
not to meet another server of this machine on 8000. Lines that are not `ietm` commands (`cp ...`) run in a
shell, as typed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from clirun import run_group
from docgen import english_manual, russian_manual
from webserver import free_port

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SECTION = "## A tour of the command line"
#: what the commands ask a user for, typed in as the commands' documented variables
PROMPTS = {"IETM_PASSPHRASE": "a demo passphrase", "IETM_PASSWORD": "olga's long password"}


@dataclass
class Step:
    line: str  # as the README writes it, without its comment
    argv: list[str] = field(default_factory=list)
    code: int | None = None
    out: str = ""
    err: str = ""

    def said(self) -> str:
        return f"`{self.line}` -> {self.code}: {(self.err or self.out).strip()[-600:]}"


def sections(readme: Path = README) -> tuple[dict[str, str], list[tuple[str, list[str]]]]:
    """(variables, [(part title, command lines)]) of the tour's ```sh blocks, in order."""
    text = readme.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    tour = text[start:end if end > 0 else None]
    variables: dict[str, str] = {}
    parts: list[tuple[str, list[str]]] = []
    title = ""
    for piece in re.split(r"(```sh\n.*?```)", tour, flags=re.S):
        if not piece.startswith("```sh"):
            titles = re.findall(r"\*\*([^*]+)\*\*", piece)
            title = titles[-1] if titles else title
            continue
        lines = []
        for raw in piece[len("```sh\n"):-3].splitlines():
            line = _uncomment(raw).strip()
            if re.fullmatch(r"(\w+=\S+;?\s*)+", line):
                for part in filter(None, (p.strip() for p in line.split(";"))):
                    name, _, value = part.partition("=")
                    variables[name] = value
            elif line:
                lines.append(line)
        if lines:
            parts.append((title, lines))
    return variables, parts


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


def copy_repository(dest: Path) -> Path:
    """The repository's files as a clone has them (tracked, and new files not ignored), without caches."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def user_files(repo: Path, schemas: Path | None) -> None:
    """What the tour's user brings: their catalog of the official schemas, the manuals to import, a section map."""
    if schemas is not None:
        # the official package names icnMetadata.xsd in its URLs and ships icnmetadata.xsd: a catalog says so
        url, folder = "http://www.s1000d.org/S1000D_4-2/xml_schema_flat/", schemas.resolve().as_uri()
        (repo / "catalog.xml").write_text(
            '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n'
            f'  <system systemId="{url}icnMetadata.xsd" uri="{folder}/icnmetadata.xsd"/>\n'
            f'  <rewriteSystem systemIdStartString="{url}" rewritePrefix="{folder}/"/>\n</catalog>\n', encoding="utf-8")
    russian_manual(repo / "РЭ ДГУ-5.docx")
    english_manual(repo / "manual.docx")
    (repo / "map.toml").write_text("depth = 2\n", encoding="utf-8")


class Tour:
    """Runs tour lines in `cwd`, each `ietm` line as `python -m ietm ...` of the repository copy in `cwd`."""

    def __init__(self, cwd: Path, variables: dict[str, str]) -> None:
        self.cwd = cwd
        self.variables = variables
        self.env = {**os.environ, **PROMPTS}
        self.steps: list[Step] = []

    def run(self, line: str) -> Step:
        step = Step(line)
        words = shlex.split(line)
        if words[0] != "ietm":
            out, err, code = run_group(["bash", "-c", line], cwd=self.cwd, timeout=600, env=self.env)
            step.argv, step.code, step.out, step.err = words, code, out, err
        else:
            step.argv = [self._fill(self._expand(w)) for w in words[1:]]
            if step.argv[0] == "serve":
                self._serve(step)
            else:
                result = self._ietm(step.argv)
                step.code, step.out, step.err = result.code, result.out, result.err
        self.steps.append(step)
        return step

    def _expand(self, word: str) -> str:
        for name, value in self.variables.items():
            word = word.replace(f"${name}", value)
        return word

    def _fill(self, word: str) -> str:
        """What the README leaves to the user: a product of the PCT."""
        if word != "<id>":
            return word
        products = json.loads(self._ietm(["applic", "--products", self.variables["B"], "--format", "json"]).out)
        first = (products.get("products", products) if isinstance(products, dict) else products)[0]
        return first["id"] if isinstance(first, dict) else str(first)

    def _ietm(self, argv: list[str]) -> Step:
        out, err, code = run_group([sys.executable, "-m", "ietm", *argv], cwd=self.cwd, timeout=600, env=self.env)
        return Step(" ".join(argv), argv, code, out, err)

    def _serve(self, step: Step) -> None:
        """Start the server, take its home page, stop it: 0 when it answered 200 and stopped on Ctrl+C."""
        argv = list(step.argv)
        if "--port" in argv:
            del argv[argv.index("--port"):argv.index("--port") + 2]
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "ietm", *argv, "--port", str(port)], cwd=self.cwd, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        status = None
        deadline = time.monotonic() + 180  # a server that never answers fails this step, not the whole run
        try:
            while proc.poll() is None and time.monotonic() < deadline:
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


def run_tour(make_copy, variables: dict[str, str], rewrite=lambda line: line) -> list[tuple[str, Step]]:
    """Every part of the tour in order, in one copy of the repository; a part that starts by making its own
    folder from the sample manual (`cp -r content/ DEST`) gets a fresh copy when an earlier part made DEST already,
    as it was written to stand alone (later parts go on in that copy, where their folders are)."""
    runner = Tour(make_copy(), variables)
    steps = []
    for title, lines in sections()[1]:
        if lines[0].startswith("cp -r content/") and (runner.cwd / shlex.split(lines[0])[-1]).exists():
            runner = Tour(make_copy(), variables)
        for line in lines:
            written = rewrite(line)
            if written is not None:
                steps.append((title, runner.run(written)))
    return steps


#: tour lines that show a refusal (by part and line), with the exit code the README gives for it
REFUSALS = {("Revoke a signer's certificate", "ietm verify archive/DMC-DGEN-A-D00-00-00-00A-040A-A_001-00_ru-RU.XML"): 13,
            ("Revoke a signer's certificate", "ietm verify archive"): 13}


def failures(steps: list[tuple[str, Step]], expected=lambda line: 0) -> list[str]:
    return [step.said() for title, step in steps if step.code != REFUSALS.get((title, step.line), expected(step.line))]
