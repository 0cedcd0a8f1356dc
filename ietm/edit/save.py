"""Opening a module for the editor, and saving what the writer made of it.

A save never loses anything and never changes what it must not:
- an official issue stays as it is: the first save writes the next in-work issue beside it (as `ietm upissue
  --in-work` does: issue number, QA unverified, issue date, change marks of the last cycle cleared); later
  saves replace that in-work file, whole or not at all (ietm.atomic);
- a save names the version its writer started from (SHA-256); when the module was saved by someone else
  meanwhile, the save is refused (Conflict) and the writer gets what changed and a three-way merge;
- the module is checked (schema, BREX, references) before anything is written: schema errors refuse the
  save (the editor cannot make them, so they mean a tampered or outdated page), other findings are saved
  with the in-work issue and shown at the elements they concern;
- the module's identity (code, language, issue) is the server's, whatever the browser sends;
- every save and every refusal is in the audit log.
"""

from __future__ import annotations

import copy
import datetime as dt
import fcntl
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from lxml import etree

from ietm.atomic import write_new
from ietm.author.upissue import next_issue, raise_issue
from ietm.edit import document
from ietm.edit.check import ModuleChecks, brex_values
from ietm.edit.grammar import Grammar, grammar_for
from ietm.edit.labels import value_label
from ietm.edit.merge import diff_rows, merge
from ietm.edit.store import EditStore, Save, sha256
from ietm.errors import IetmError, InputError, NotFound, Refused
from ietm.parse.codes import Issue
from ietm.parse.loader import Loaded, load_bytes
from ietm.parse.model import XSI, describe
from ietm.paths import state_dir
from ietm.report import Finding

if TYPE_CHECKING:
    from ietm.sign.audit import AuditLog

_ISSUE_NAME = re.compile(r"_(\d{3})-(\d{2})(?:_([A-Za-z]{2,3}-[A-Za-z]{2}))?\.XML$", re.IGNORECASE)


class Conflict(IetmError):
    """The module was saved by someone else since the writer opened it."""

    exit_code = 6
    http_status = 409

    def __init__(self, message: str, details: dict[str, Any]) -> None:
        super().__init__(message)
        self.details = details


class SchemaRefused(IetmError):
    """The module would not be valid against its schema; nothing was written."""

    exit_code = 1
    http_status = 422

    def __init__(self, message: str, findings: list[dict]) -> None:
        super().__init__(message)
        self.findings = findings


@dataclass
class Current:
    """The latest issue of a module in one language, as the file holds it now."""

    path: Path
    data: bytes
    doc: Loaded
    key: str
    language: str
    issue: Issue

    @property
    def sha256(self) -> str:
        return sha256(self.data)


@dataclass
class Saved:
    path: Path
    issue: str
    sha256: str
    upissued: bool
    findings: list[dict] = field(default_factory=list)


def finding_dict(f: Finding, built: document.Built | None) -> dict[str, Any]:
    return {"severity": f.severity, "check": f.check, "rule": f.rule, "message": f.message, "line": f.line,
            "node": built.node_at(f.line) if built is not None else None}


class Editing:
    """The editor's server side over one CSDB (one per web app)."""

    def __init__(self, site, db, audit_log: AuditLog) -> None:  # type: ignore[no-untyped-def]
        self.site = site
        self.store = EditStore(db, state_dir(site.csdb))
        self.audit_log = audit_log
        self._checks: ModuleChecks | None = None
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        if site.csdb.stat().st_mode & 0o200:  # a read-only CSDB has nothing of the editor's to tidy
            self.store.prune()

    @property
    def checks(self) -> ModuleChecks:
        if self._checks is None:
            self._checks = ModuleChecks(self.site)
        return self._checks

    def reset_checks(self) -> None:
        """After a BREX or schema setting changed (a refresh of the CSDB)."""
        self._checks = None

    # -- finding the module --------------------------------------------------------------------------------

    def current(self, key: str, language: str | None) -> Current:
        """The latest issue on disk of a data module in a language (the folder is read, not the index, so a
        save made a moment ago by another worker counts)."""
        obj = self.site.find(key, None, language)
        if obj.kind != "dm":
            raise NotFound(f"{key} is not a data module")
        lang = obj.language or ""
        folder = Path(obj.path).parent
        best: tuple[tuple[int, int], Path] | None = None
        prefix = key.upper() + "_"
        for p in folder.iterdir():
            m = _ISSUE_NAME.search(p.name)
            if not p.name.upper().startswith(prefix) or not m or (m[3] or "").lower() != lang.lower():
                continue
            order = (int(m[1]), int(m[2]))
            if best is None or order > best[0]:
                best = (order, p)
        path = best[1] if best else Path(obj.path)
        data = path.read_bytes()
        doc = load_bytes(data, path.name)
        found = describe(doc)
        if found.key != key:
            raise InputError(f"{path.name} holds {found.key}, not {key}", str(path))
        issue = Issue.from_xml(doc.root.find("identAndStatusSection/dmAddress/dmIdent/issueInfo"))
        if issue is None:
            raise InputError("the module has no issueInfo", path.name)
        return Current(path, data, doc, key, lang, issue)

    def grammar(self, doc: Loaded) -> Grammar:
        return grammar_for(doc.root, self.checks.locator)

    @contextmanager
    def _locked(self, key: str, language: str) -> Iterator[None]:
        """One save of a module at a time: a thread lock, and a file lock for other worker processes."""
        name = f"{key}_{language}".upper()
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        folder = state_dir(self.site.csdb) / "edit" / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        with lock, open(folder / f"{name}.lock", "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # -- opening ---------------------------------------------------------------------------------------------

    def open(self, key: str, language: str | None, ui: str) -> dict[str, Any]:
        """The module as the editor starts from it, the version it is (SHA-256), and what its saves will do."""
        cur = self.current(key, language)
        self.store.keep(cur.data)
        grammar = self.grammar(cur.doc)
        obj = describe(cur.doc)
        official = not cur.issue.in_work
        values = brex_values(self.checks.chain(cur.doc))
        for attr, spec in values.items():  # the interface's own words for common codes, else the BREX's
            name = attr.split("@")[-1]
            spec["values"] = [[v, value_label(name, v, ui) or label] for v, label in spec["values"]]
        last = self.store.last_save_of(key, cur.language)
        return {
            "key": key,
            "language": cur.language,
            "file": cur.path.name,
            "issue": str(cur.issue),
            "sha256": cur.sha256,
            "official": official,
            "nextIssue": str(next_issue(cur.issue, False)) if official else str(cur.issue),
            "title": obj.title,
            "contentType": obj.content_type,
            "schema": {"url": grammar.path.name, "source": grammar.source},
            "values": values,
            "doc": document.to_json(cur.doc, grammar),
            "icns": {name: f"/icn/{Path(file).name}" for name, file in cur.doc.entities.items()},
            "lastSave": _save_dict(last) if last else None,
        }

    # -- saving ----------------------------------------------------------------------------------------------

    def save(self, key: str, language: str | None, base: str, tree: Any, writer: str) -> Saved:
        cur = self.current(key, language)
        with self._locked(key, cur.language):
            cur = self.current(key, language)
            if base != cur.sha256:
                self._audit("edit-refused", cur, writer, reason="saved by someone else meanwhile", base=base)
                raise Conflict("this module was saved by someone else after you opened it; nothing was "
                               "overwritten", self._conflict(cur, base, tree))
            grammar = self.grammar(cur.doc)
            root, ids = document.from_json(tree, grammar)
            _keep_identity(root, cur.doc.root)
            upissued = not cur.issue.in_work
            previous = cur.data
            if upissued:
                raise_issue(Loaded(cur.path.name, root.getroottree(), b""), official=False)
            built = document.finish(root, ids, grammar, previous, self.site.icn_path, cur.path.name)
            new_issue = Issue.from_xml(built.doc.root.find("identAndStatusSection/dmAddress/dmIdent/issueInfo"))
            target = cur.path.parent / (describe(built.doc).expected_name or cur.path.name) if upissued else cur.path
            built.doc.path = str(target)
            findings = self.checks.check(built.doc)
            out = [finding_dict(f, built) for f in findings]
            errors = [f for f in findings if f.severity == "error" and f.check in ("schema", "parse")]
            if errors:
                self._audit("edit-refused", cur, writer, reason=f"{len(errors)} schema error(s)", base=base)
                raise SchemaRefused(f"not saved: the module would not be valid against its schema "
                                    f"({errors[0].message})", out)
            if upissued:
                write_new(target, built.data)
            else:
                write_new(target, built.data, overwrite=True)
            digest = self.store.keep(built.data)
            saved = Saved(target, str(new_issue), digest, upissued, out)
            counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning")}
            self.store.record(Save(key, cur.language, saved.issue, target.name, digest, writer,
                                   dt.datetime.now(dt.timezone.utc), upissued, counts["error"], counts["warning"], out),
                              base)
            self._audit("edit-save", cur, writer, path=str(target), issue=saved.issue, sha256=digest, base=base,
                        upissued=upissued, errors=counts["error"], warnings=counts["warning"])
        return saved

    def created(self, path: Path, data: bytes, writer: str):  # type: ignore[no-untyped-def]
        """A module the writer made from a template: kept, checked, in the audit log and on their dashboard."""
        from ietm.sign import audit

        doc = load_bytes(data, str(path))
        obj = describe(doc)
        digest = self.store.keep(data)
        findings = [finding_dict(f, None) for f in self.checks.check(doc)]
        counts = {s: sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning")}
        self.store.record(Save(obj.key, obj.language or "", obj.issue or "", path.name, digest, writer,
                               dt.datetime.now(dt.timezone.utc), False, counts["error"], counts["warning"], findings), None)
        audit.append(self.audit_log, "edit-new", object=obj.key, language=obj.language, path=str(path), issue=obj.issue,
                     writer=writer, sha256=digest)
        return obj

    def _audit(self, event: str, cur: Current, writer: str, **fields: Any) -> None:
        from ietm.sign import audit

        audit.append(self.audit_log, event, object=cur.key, language=cur.language, previous=cur.path.name,
                     previous_sha256=cur.sha256, writer=writer, **fields)

    # -- two writers ----------------------------------------------------------------------------------------

    def _canonical(self, data: bytes, grammar: Grammar) -> bytes:
        return document.canonical(data, grammar, self.site.icn_path)

    def _conflict(self, cur: Current, base: str, tree: Any) -> dict[str, Any]:
        """What the writer needs to decide: who saved what, what they changed, the module as it is now."""
        grammar = self.grammar(cur.doc)
        theirs = self._canonical(cur.data, grammar)
        base_data = self.store.version(base)
        last = self.store.last_save_of(cur.key, cur.language)
        try:
            mine = document.build(tree, grammar, cur.data, self.site.icn_path).data
        except IetmError:
            mine = None
        return {
            "current": {"sha256": cur.sha256, "issue": str(cur.issue), "file": cur.path.name,
                        "doc": document.to_json(cur.doc, grammar)},
            "lastSave": _save_dict(last) if last else None,
            "theirChanges": diff_rows(self._canonical(base_data, grammar), theirs) if base_data else [],
            "yourChanges": diff_rows(self._canonical(base_data, grammar), mine) if base_data and mine else [],
            "baseKnown": base_data is not None,
        }

    def merge(self, key: str, language: str | None, base: str, tree: Any, choices: dict[int, str]) -> dict[str, Any]:
        """The writer's edit merged into the version saved meanwhile; conflicts listed until each is chosen."""
        cur = self.current(key, language)
        grammar = self.grammar(cur.doc)
        base_data = self.store.version(base)
        if base_data is None:
            raise NotFound("the version you started from is not known to this server; copy your changes over "
                           "by hand from the list of your changes")
        mine = document.build(tree, grammar, cur.data, self.site.icn_path).data
        merged = merge(self._canonical(base_data, grammar), self._canonical(cur.data, grammar),
                       self._canonical(mine, grammar), choices)
        if merged.conflicts:
            return {"conflicts": merged.conflicts, "doc": None, "sha256": cur.sha256}
        try:
            doc = load_bytes(merged.data, "<merged>")
            result = document.to_json(doc, grammar)
        except IetmError as exc:
            raise InputError(f"the merged module is not well-formed ({exc.message}); choose the other side "
                             "where your changes and theirs meet") from None
        return {"conflicts": [], "doc": result, "sha256": cur.sha256, "issue": str(cur.issue)}

    # -- checking without saving -----------------------------------------------------------------------------

    def check(self, key: str, language: str | None, tree: Any) -> list[dict]:
        cur = self.current(key, language)
        grammar = self.grammar(cur.doc)
        root, ids = document.from_json(tree, grammar)
        _keep_identity(root, cur.doc.root)
        built = document.finish(root, ids, grammar, cur.data, self.site.icn_path, cur.path.name)
        built.doc.path = str(cur.path)
        return [finding_dict(f, built) for f in self.checks.check(built.doc)]

    def draft(self, key: str, language: str | None, tree: Any) -> Loaded:
        """The writer's module as it would be saved (identity kept), for a preview."""
        cur = self.current(key, language)
        grammar = self.grammar(cur.doc)
        root, ids = document.from_json(tree, grammar)
        _keep_identity(root, cur.doc.root)
        built = document.finish(root, ids, grammar, cur.data, self.site.icn_path, cur.path.name)
        built.doc.path = str(cur.path)
        return built.doc


def _keep_identity(root: etree._Element, original: etree._Element) -> None:
    """The code, language, issue and schema are the server's: the browser's copy of them is replaced (a module
    does not become another kind of module by a changed xsi:noNamespaceSchemaLocation)."""
    for name in (f"{XSI}noNamespaceSchemaLocation", f"{XSI}schemaLocation"):
        if original.get(name) is not None:
            root.set(name, original.get(name))
        else:
            root.attrib.pop(name, None)
    where = "identAndStatusSection/dmAddress/dmIdent"
    mine, theirs = root.find(where), original.find(where)
    if theirs is None:
        raise InputError("the module has no dmIdent")
    if mine is None:
        raise Refused("the edited module lost its identification (dmIdent); reload the editor")
    fresh = copy.deepcopy(theirs)
    fresh.tail = mine.tail
    mine.getparent().replace(mine, fresh)


def _save_dict(save: Save) -> dict[str, Any]:
    return {"writer": save.writer, "savedAt": save.saved_at.isoformat(), "issue": save.issue, "file": save.file,
            "errors": save.errors, "warnings": save.warnings}
