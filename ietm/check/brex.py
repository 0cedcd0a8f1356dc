"""BREX checking: a project's business rules (S1000D BREX data modules) applied to CSDB objects.

An object's brexDmRef leads to its project BREX, which may lead on to the S1000D default BREX: every layer
of that chain applies. The rules are read as s1kd-brexcheck reads them: allowedObjectFlag 0 forbids what
an objectPath selects, 1 requires it, 2 only allows it; objectValue lists the values allowed for what the
path selects (single value, range `a~c` or set `a|b|c~e`, XML Schema pattern). SNS rules limit the
system/subsystem/sub-subsystem/assembly codes; notation rules limit the notations of illustrations.

Each BREX is read, and each of its XPaths compiled, once per process; a rule whose path is a plain
location path (`//warning/note`) is skipped outright for an object that lacks an element or attribute its
steps name, which is what keeps a check of several hundred rules per object fast.
"""

from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from lxml import etree

from ietm.check.cache import stamp, tokens_digest
from ietm.errors import ConfigError, IetmError, InputError
from ietm.parse.codes import Issue
from ietm.parse.loader import Loaded, load
from ietm.parse.model import XSI, dm_ref_key
from ietm.report import Finding, Report

XSI_URI = XSI[1:-1]
PARALLEL_FROM = 24
DEFAULT_NONFAILING = ("brsl02", "brsl03")
_SCHEMA_ISSUE = re.compile(r"S1000D_(\d+)-(\d+)", re.IGNORECASE)
_DM_NAME = re.compile(r"^(DM[CE]-[A-Z0-9-]+?)(?:_(\d{3})-(\d{2}))?(?:_[A-Z]{2,3}-[A-Z]{2})?\.XML$", re.IGNORECASE)


# -- values ----------------------------------------------------------------------------------------------


def in_range(value: str, allowed: str) -> bool:
    """S1000D range `first~last`, compared as strings (as s1kd-brexcheck does), or one exact value."""
    if "~" not in allowed:
        return value == allowed
    first, _, last = allowed.partition("~")
    return first <= value <= last


def in_set(value: str, allowed: str) -> bool:
    """S1000D set `a|b|c~e`: any member value or range."""
    return any(in_range(value, part) for part in allowed.split("|"))


_XSD_ESCAPES = {r"\i": "[_:A-Za-z]", r"\I": "[^_:A-Za-z]", r"\c": r"[-._:A-Za-z0-9]", r"\C": r"[^-._:A-Za-z0-9]"}


def xsd_pattern(pattern: str) -> re.Pattern[str]:
    """An XML Schema regular expression (always anchored at both ends) as a Python pattern."""
    for xsd, py in _XSD_ESCAPES.items():
        pattern = pattern.replace(xsd, py)
    return re.compile(pattern)


@dataclass(frozen=True)
class Allowed:
    """One objectValue: a value the rule allows."""

    form: str  # single | range | pattern
    value: str
    regex: re.Pattern[str] | None = None

    def matches(self, value: str) -> bool:
        if self.form == "range":
            return in_set(value, self.value)
        if self.form == "pattern":
            return self.regex is not None and self.regex.fullmatch(value) is not None
        return value == self.value


# -- the BREX model --------------------------------------------------------------------------------------


@dataclass
class Rule:
    """One structureObjectRule, with its objectPath compiled in the namespaces of the rule's own context."""

    ident: str
    path: str
    flag: str | None
    use: str
    values: tuple[Allowed, ...]
    severity: str | None  # brSeverityLevel, or the BREX's default
    context: str | None  # rulesContext: the schema URL the rule is limited to
    line: int | None
    xpath: etree.XPath | None
    needs_elements: frozenset[str]  # names the path cannot select anything without
    needs_attributes: frozenset[str]
    failure: str | None = None  # why evaluating the path failed, said for every object it applies to

    def __post_init__(self) -> None:
        self._singles = frozenset(a.value for a in self.values if a.form not in ("range", "pattern"))
        self._others = tuple(a for a in self.values if a.form in ("range", "pattern"))

    def allows(self, value: str) -> bool:
        return value in self._singles or any(a.matches(value) for a in self._others)


@dataclass
class Brex:
    path: str
    key: str
    issue: str | None
    s1000d_issue: str | None
    ref: str | None  # the BREX this one refers to (brexDmRef), e.g. the S1000D default BREX
    rules: list[Rule] = field(default_factory=list)
    sns: dict = field(default_factory=dict)  # systemCode -> subSystemCode -> subSubSystemCode -> assyCode -> {}
    notations: dict[str, tuple[bool, str]] = field(default_factory=dict)  # notation -> (allowed, objectUse)
    problems: list[Finding] = field(default_factory=list)  # rules that cannot be applied (read from the file)
    label: str = ""  # how messages name it, when not by its file name

    @property
    def name(self) -> str:
        return self.label or Path(self.path).name


def _text(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def required_names(path: str) -> tuple[tuple[str, str], ...]:
    """Element and attribute names an objectPath cannot select anything without, when the whole expression is
    one location path (no union, operator or comparison at top level): every named step of that path."""
    top = _top_level(path)
    if not all(ch.isalnum() or ch in "/@:.*_-[]()" for ch in top):
        return ()
    names = []
    for step in top.split("/"):
        step = re.sub(r"\[\]", "", step)
        if not step or step.endswith("()"):
            continue
        axis, _, test = step.rpartition("::")
        kind = "attr" if step.startswith("@") or axis == "attribute" else "el"
        test = test.lstrip("@")
        if axis != "namespace" and re.fullmatch(r"[A-Za-z_][\w.-]*", test):
            names.append((kind, test))
    return tuple(dict.fromkeys(names))


_BOOLEAN_START = re.compile(r"^(not|boolean|contains|starts-with|true|false|lang)\(")


def _top_level(text: str) -> str:
    """`text` with whatever sits inside brackets, parentheses or quotes left out (the brackets stay)."""
    depth, quote, out = 0, "", []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
            if depth == 1:
                out.append(ch)
        elif ch in "])":
            depth -= 1
            if depth == 0:
                out.append(ch)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _boolean_predicate(pred: str) -> bool:
    """Whether a predicate is sure to be a truth value, never a position (so the axis it sits on may change)."""
    pred = pred.strip()
    if "position(" in pred or "last(" in pred:
        return False
    top = _top_level(pred)
    if any(op in top for op in ("=", "<", ">", " and ", " or ")):
        return True
    m = _BOOLEAN_START.match(pred)
    if m and top.strip() == m.group(1) + "()":
        return True
    return bool(re.match(r"[A-Za-z_@.*/]", pred)) and all(ch.isalnum() or ch in "/@:.*_-[]" for ch in top)


def faster_path(path: str) -> str:
    """The same objectPath, written so libxml2 walks fewer nodes: `//@a` visits elements only, and `//e[p]`
    becomes `/descendant::e[p]` when its predicates cannot be positions (libxml2 only rewrites `//e` itself)."""
    m = re.match(r"//@([A-Za-z_][\w.-]*)", path)
    if m:
        return "/descendant-or-self::*/@" + path[3:]
    m = re.match(r"//([A-Za-z_][\w.-]*)\[", path)
    if not m:
        return path
    i, preds = m.end() - 1, []
    while i < len(path) and path[i] == "[":
        depth, quote, j = 0, "", i
        while j < len(path):
            ch = path[j]
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= len(path):
            return path
        preds.append(path[i + 1 : j])
        i = j + 1
    if not all(_boolean_predicate(p) for p in preds):
        return path
    return "/descendant::" + path[2:]


def _severity(level: str | None, nonfailing: Sequence[str]) -> str:
    return "warning" if level in nonfailing else "error"


def read_brex(path: str | Path) -> Brex:
    """Read a BREX data module; its rules' XPaths are compiled here, once."""
    doc = load(path)
    root = doc.root
    brex_el = root.find("content/brex")
    ident = root.find("identAndStatusSection/dmAddress/dmIdent")
    if root.tag != "dmodule" or brex_el is None or ident is None:
        raise InputError("not a BREX data module (no content/brex)", doc.path)
    key = dm_ref_key(ident) or ""
    issue = Issue.from_xml(ident.find("issueInfo"))
    m = _SCHEMA_ISSUE.search(root.get(f"{XSI}noNamespaceSchemaLocation") or "")
    ref_el = root.find("identAndStatusSection/dmStatus/brexDmRef/dmRef/dmRefIdent")
    ref = dm_ref_key(ref_el) if ref_el is not None else None
    brex = Brex(doc.path, key, str(issue) if issue else None, f"{int(m[1])}.{int(m[2])}" if m else None,
                ref if ref != key else None)
    default_level = brex_el.get("defaultBrSeverityLevel")
    for ctx in brex_el.iter("contextRules"):
        context = ctx.get("rulesContext")
        for el in ctx.iter("structureObjectRule"):
            rule = _read_rule(brex, el, context, default_level)
            if rule is not None:
                brex.rules.append(rule)
    for system in brex_el.iter("snsSystem"):
        subs = brex.sns.setdefault(system.findtext("snsCode", "").strip(), {})
        for sub in system.findall("snsSubSystem"):
            subsubs = subs.setdefault(sub.findtext("snsCode", "").strip(), {})
            for subsub in sub.findall("snsSubSubSystem"):
                assys = subsubs.setdefault(subsub.findtext("snsCode", "").strip(), {})
                for assy in subsub.findall("snsAssy"):
                    assys.setdefault(assy.findtext("snsCode", "").strip(), {})
    for rule in brex_el.iter("notationRule"):
        name_el = rule.find("notationName")
        if name_el is not None and _text(name_el):
            brex.notations[_text(name_el)] = (name_el.get("allowedNotationFlag") != "0", _text(rule.find("objectUse")))
    return brex


def _read_rule(brex: Brex, el: etree._Element, context: str | None, default_level: str | None) -> Rule | None:
    path_el = el.find("objectPath")
    if path_el is None:
        return None
    decision = el.find("brDecisionRef")
    ident = decision.get("brDecisionIdentNumber") if decision is not None else None
    values = [(v.get("valueForm") or "single", v.get("valueAllowed"), v.sourceline) for v in el.findall("objectValue")
              if v.get("valueAllowed") is not None]
    return make_rule(brex, ident or f"{brex.name}:{el.sourceline}", "".join(path_el.itertext()).strip(),
                     path_el.get("allowedObjectFlag"), _text(el.find("objectUse")), values,
                     el.get("brSeverityLevel") or default_level, context, el.sourceline, path_el.sourceline,
                     {k: v for k, v in path_el.nsmap.items() if k})


def make_rule(brex: Brex, ident: str, path: str, flag: str | None, use: str, values: Sequence[tuple[str, str, int | None]],
              severity: str | None, context: str | None, line: int | None, path_line: int | None = None,
              namespaces: dict[str, str] | None = None) -> Rule:
    """A rule with its objectPath and patterns compiled; what cannot be used is said once, in `brex.problems`."""
    allowed = []
    for form, value, value_line in values:
        regex = None
        if form == "pattern":
            try:
                regex = xsd_pattern(value)
            except re.error as exc:
                brex.problems.append(Finding("warning", brex.path, f"objectValue pattern '{value}' cannot be used ({exc}); it allows nothing",
                                             value_line, rule=ident, check="brex"))
        allowed.append(Allowed(form, value, regex))
    namespaces = dict(namespaces or {})
    namespaces.setdefault("xsi", XSI_URI)
    try:
        etree.XPath(path, namespaces=namespaces)  # the rule's own text must compile, whatever we run instead
        xpath = etree.XPath(faster_path(path), namespaces=namespaces)
    except etree.XPathError as exc:
        brex.problems.append(Finding("warning", brex.path, f"objectPath '{path}' is not usable XPath 1.0 ({exc}); rule skipped",
                                     path_line, rule=ident, check="brex"))
        xpath = None
    needs = required_names(path)
    return Rule(ident, path, flag, use, tuple(allowed), severity, context, line, xpath,
                frozenset(n for k, n in needs if k == "el"), frozenset(n for k, n in needs if k == "attr"))


# -- finding BREX modules ----------------------------------------------------------------------------------


def _walk(root: Path) -> Iterator[tuple[str, list[str]]]:
    """(folder, file names) of a file or a folder tree, hidden folders such as .ietm left out."""
    if root.is_file():
        yield str(root.parent), [root.name]
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield folder, files


def index_dms(roots: Iterable[Path]) -> dict[str, list[tuple[str, str]]]:
    """Data module files by key, from their names: key -> [(issue, path)]. Only names are read, so cheap."""
    found: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    for root in roots:
        for folder, files in _walk(root):
            for name in files:
                m = _DM_NAME.match(name)
                full = os.path.join(folder, name)
                if m and full not in seen:
                    seen.add(full)
                    found.setdefault(m[1].upper(), []).append((f"{m[2] or '000'}-{m[3] or '00'}", full))
    return found


@dataclass
class Spec:
    """What a worker process needs to check objects the same way as the main process."""

    index: dict[str, list[tuple[str, str]]]
    defaults: list[str]
    explicit: str | None
    values: bool = True
    nonfailing: tuple[str, ...] = DEFAULT_NONFAILING


class Checker:
    """Resolves each object's BREX chain and applies it; BREX modules are read once per process."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._brex: dict[str, Brex | IetmError] = {}
        self._pending: list[Finding] = []  # "refers to BREX ..., which is not found", from the chain last walked
        self._looked_up: list[str] = []  # keys of the BREX modules the chain last walked was looked for by
        self._found: dict[tuple[str, str], str | None] = {}
        self._by_digest: dict[bytes, Brex] = {}
        self._read_stamps: dict[str, str] = {}  # each BREX file as it was just before it was read
        self.by_issue: dict[str, Brex] = {}
        for path in spec.defaults:
            brex = self._read(path)
            if isinstance(brex, IetmError):
                raise ConfigError(f"default BREX cannot be used: {brex.message}", brex.path or path)
            if brex.s1000d_issue:
                self.by_issue.setdefault(brex.s1000d_issue, brex)
        # ietm's own form of the S1000D default rules stands in for an official default BREX not configured
        from ietm.check.default_brex import builtin_rules

        for brex in builtin_rules():
            self._brex[brex.path] = brex
            self.by_issue.setdefault(brex.s1000d_issue, brex)
        self.builtin = {b.key.upper(): b for b in builtin_rules()}
        self.explicit: Brex | None = None
        if spec.explicit:
            brex = self._read(spec.explicit)
            if isinstance(brex, IetmError):
                raise ConfigError(f"BREX cannot be used: {brex.message}", brex.path or spec.explicit)
            self.explicit = brex

    def _read(self, path: str) -> Brex | IetmError:
        """A BREX by file; copies with the same bytes (one per CSDB folder, say) share one compiled set of rules."""
        if path not in self._brex:
            self._read_stamps[path] = stamp(path)
            try:
                digest = hashlib.sha1(Path(path).read_bytes()).digest()
            except OSError:
                digest = b""
            twin = self._by_digest.get(digest)
            if twin is not None:
                self._brex[path] = replace(twin, path=path, problems=[replace(f, path=path) for f in twin.problems])
                return self._brex[path]
            try:
                brex = read_brex(path)
                self._brex[path] = self._by_digest[digest] = brex
            except IetmError as exc:
                self._brex[path] = exc
        return self._brex[path]

    def find(self, key: str, near: str) -> Brex | IetmError | None:
        """The BREX module with this key: highest issue, then the copy nearest the object that needs it; for the
        S1000D default BREX, when no official copy is at hand, ietm's built-in rules of it."""
        folder = os.path.dirname(os.path.abspath(near))
        self._looked_up.append(key.upper())
        if (key, folder) not in self._found:
            candidates = list(self.spec.index.get(key.upper(), []))
            candidates += [(b.issue or "", b.path) for b in self.by_issue.values()
                           if b.key.upper() == key.upper() and b is not self.builtin.get(key.upper())]
            best = max(candidates, key=lambda c: (c[0], len(os.path.commonpath([os.path.abspath(c[1]), folder]))), default=None)
            self._found[(key, folder)] = best[1] if best else None
        path = self._found[(key, folder)]
        return self._read(path) if path else self.builtin.get(key.upper())

    def layers(self, doc: Loaded) -> tuple[list[Brex], list[Finding]]:
        """The BREX chain of one object, with what went wrong finding it."""
        self._pending, self._looked_up = [], []
        root = doc.root
        findings: list[Finding] = []
        start: Brex | None = self.explicit
        if start is None:
            ref_el = root.find("*/*/brexDmRef/dmRef/dmRefIdent")  # dmStatus, pmStatus, imfStatus ...
            key = dm_ref_key(ref_el) if ref_el is not None else None
            url = root.get(f"{XSI}noNamespaceSchemaLocation") or ""
            m = _SCHEMA_ISSUE.search(url)
            default = self.by_issue.get(f"{int(m[1])}.{int(m[2])}") if m else None
            if key:
                found = self.find(key, doc.path)
                if isinstance(found, Brex):
                    start = found
                else:
                    why = f"cannot be read ({found.message})" if isinstance(found, IetmError) else "is not in the CSDB nor among the default BREX"
                    if default is None:
                        findings.append(Finding("error", doc.path, f"BREX {key} named by brexDmRef {why}, and no default BREX is configured for this issue",
                                                ref_el.sourceline, rule="brex-not-found", check="brex"))
                    else:
                        findings.append(Finding("warning", doc.path, f"BREX {key} named by brexDmRef {why}; checked against the default BREX {default.name}",
                                                ref_el.sourceline, rule="brex-not-found", check="brex"))
                    start = default
            elif default is not None:
                start = default
            else:
                findings.append(Finding("warning", doc.path, "names no BREX (brexDmRef) and no default BREX is configured for its S1000D issue; not checked",
                                        root.sourceline, rule="brex-none", check="brex"))
        chain: list[Brex] = []
        current = start
        while current is not None and all(current.path != b.path for b in chain):
            chain.append(current)
            if not current.ref or any(b.key == current.ref for b in chain):
                break
            nxt = self.find(current.ref, current.path)
            if not isinstance(nxt, Brex):
                self._pending.append(Finding("warning", current.path, f"refers to BREX {current.ref}, which is not found; its rules are not applied",
                                             None, rule="brex-not-found", check="brex"))
                break
            current = nxt
        return chain, findings

    def check_file(self, path: str) -> list[Finding]:
        return self.check_object(path)[0]

    def check_object(self, path: str) -> tuple[list[Finding], tuple[str, ...], str]:
        """The findings of one object, the keys of the BREX modules its chain was looked for by (what the
        findings depend on besides the object itself and the spec) and their state as they were read
        (key_state). The problems of each BREX of its chain come with every object checked against it, so that
        an object's findings do not depend on which objects were checked before it in the same process (what
        lets `ietm check` keep them per object)."""
        try:
            doc = load(path)
        except InputError as exc:
            return [Finding("error", exc.path or path, exc.message, exc.line, rule="not-readable", check="parse")], (), ""
        chain, findings = self.layers(doc)
        findings += check(doc, chain, self.spec.values, self.spec.nonfailing)
        findings += self._pending + [p for b in chain for p in b.problems]
        self._pending = []
        keys = tuple(dict.fromkeys(self._looked_up))
        return findings, keys, tokens_digest(keys, lambda key: key_state(self.spec, key, self._stamp))

    def _stamp(self, path: str) -> str:
        return self._read_stamps.get(path) or stamp(path)

    def spec_problems(self) -> list[Finding]:
        """What is wrong in the default and explicit BREX themselves: said once per check of any objects."""
        given = [self._brex[p] for p in (*self.spec.defaults, self.spec.explicit) if p]
        return [f for b in given if isinstance(b, Brex) for f in b.problems]


# -- applying the rules ----------------------------------------------------------------------------------------


class _Places:
    """Lines of start tags and attributes; lxml only knows the line where a start tag ends."""

    def __init__(self, doc: Loaded) -> None:
        self.data = doc.data
        self._starts: list[int] | None = None

    def _tag_start(self, el: etree._Element) -> int | None:
        line = el.sourceline
        if not line or not isinstance(el.tag, str):
            return None
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer(rb"\n", self.data)]
        end = self._starts[line] if line < len(self._starts) else len(self.data)
        local = etree.QName(el).localname
        qname = f"{el.prefix}:{local}" if el.prefix else local
        needle = b"<" + qname.encode()
        pos = self.data.rfind(needle, 0, end)
        while pos >= 0 and self.data[pos + len(needle) : pos + len(needle) + 1] not in (b" ", b"\t", b"\r", b"\n", b"/", b">"):
            pos = self.data.rfind(needle, 0, pos)  # <note... was <notePara: look further back
        return pos if pos >= 0 else None

    def element(self, el: etree._Element) -> int | None:
        pos = self._tag_start(el)
        return self.data.count(b"\n", 0, pos) + 1 if pos is not None else el.sourceline

    def attribute(self, el: etree._Element, name: str) -> int | None:
        pos = self._tag_start(el)
        if pos is not None:
            m = re.compile(rb"\s" + re.escape(name.encode()) + rb"\s*=").search(self.data, pos, pos + 65536)
            if m:
                return self.data.count(b"\n", 0, m.start() + 1) + 1
        return el.sourceline


def _names(root: etree._Element) -> tuple[set[str], set[str]]:
    """The element and attribute names an object uses, gathered in one pass."""
    elements: set[str] = set()
    attributes: set[str] = set()
    for el in root.iter(etree.Element):
        elements.add(el.tag)
        attrib = el.attrib
        if attrib:
            attributes.update(attrib)
    return elements, attributes


def _describe(node: object) -> str:
    if isinstance(node, etree._Element):
        return f"<{node.tag}>" if isinstance(node.tag, str) else "node"
    if getattr(node, "is_attribute", False):
        return f"@{node.attrname}"  # type: ignore[attr-defined]
    return "text"


def check(doc: Loaded, chain: list[Brex], values: bool = True, nonfailing: Sequence[str] = DEFAULT_NONFAILING) -> list[Finding]:
    """Apply the context, SNS and notation rules of a BREX chain to one loaded object."""
    if not chain:
        return []
    root = doc.root
    url = (root.get(f"{XSI}noNamespaceSchemaLocation") or "").lower()
    elements, attributes = _names(root)
    places = _Places(doc)
    out: list[Finding] = []

    def line_of(node: object) -> int | None:
        if isinstance(node, etree._Element):
            return places.element(node)
        parent = node.getparent() if hasattr(node, "getparent") else None  # type: ignore[union-attr]
        if parent is None:
            return root.sourceline
        if getattr(node, "is_attribute", False):
            return places.attribute(parent, node.attrname)  # type: ignore[attr-defined]
        return places.element(parent)

    def report(rule: Rule, message: str, line: int | None) -> None:
        level = f" [{rule.severity}]" if rule.severity else ""
        out.append(Finding(_severity(rule.severity, nonfailing), doc.path, message + level, line, rule=rule.ident, check="brex"))

    for brex in chain:
        for rule in brex.rules:
            if rule.xpath is None or (rule.context and rule.context.lower() != url):
                continue
            if rule.flag not in ("0", "1") and not (values and rule.values):
                continue  # allowed, with no values to check: nothing this rule can find
            if not (rule.needs_elements <= elements and rule.needs_attributes <= attributes):
                if rule.flag == "1":
                    report(rule, f"{rule.use} (required, not found: {rule.path})", root.sourceline)
                continue
            if rule.failure is None:
                try:
                    result = rule.xpath(doc.tree)
                except etree.XPathError as exc:
                    rule.failure = f"objectPath '{rule.path}' fails ({exc}); rule skipped"
            if rule.failure is not None:  # said for each object the rule applies to, not only the first
                out.append(Finding("warning", brex.path, rule.failure, rule.line, rule=rule.ident, check="brex"))
                continue
            nodes = result if isinstance(result, list) else None
            if rule.flag == "0":
                if nodes:
                    for node in nodes:
                        report(rule, f"{rule.use} ({_describe(node)} not allowed here)", line_of(node))
                    continue
                if nodes is None and bool(result):
                    report(rule, f"{rule.use} (forbidden: {rule.path})", root.sourceline)
                    continue
            elif rule.flag == "1" and not (nodes if nodes is not None else result):
                report(rule, f"{rule.use} (required, not found: {rule.path})", root.sourceline)
                continue
            if values and rule.values and nodes:
                for node in nodes:
                    value = "".join(node.itertext()) if isinstance(node, etree._Element) else str(node)
                    if not rule.allows(value):
                        report(rule, f"{rule.use}: '{value}' is not an allowed value", line_of(node))
    out += check_sns(doc, chain, places)
    out += check_notations(doc, chain)
    return out


_SNS_LEVELS = ("systemCode", "subSystemCode", "subSubSystemCode", "assyCode")


def check_sns(doc: Loaded, chain: list[Brex], places: _Places | None = None) -> list[Finding]:
    """A data module's SNS against the SNS rules of its BREX chain. As s1kd-brexcheck's normal mode: a level
    the rules leave out allows only zeros (0, 00, 0000)."""
    layers = [b for b in chain if b.sns]
    root = doc.root
    code = root.find("identAndStatusSection/dmAddress/dmIdent/dmCode")
    if not layers or root.tag != "dmodule" or code is None:
        return []
    tree: dict = {}
    for brex in layers:
        _merge(tree, brex.sns)
    node = tree
    shown: list[str] = []
    for depth, attr in enumerate(_SNS_LEVELS):
        value = code.get(attr) or ""
        shown.append(value)
        if value in node:
            node = node[value]
            continue
        if depth > 0 and not node and value.strip("0") == "":
            continue
        text = f"{shown[0]}-{''.join(shown[1:3])}" + (f"-{shown[3]}" if depth == 3 else "") if depth else value
        line = (places or _Places(doc)).attribute(code, attr)
        return [Finding("error", doc.path, f"SNS: {attr} of {text} is not in the SNS of {', '.join(b.name for b in layers)}",
                        line, rule="sns", check="brex")]
    return []


def _merge(into: dict, other: dict) -> None:
    for k, v in other.items():
        _merge(into.setdefault(k, {}), v)


def check_notations(doc: Loaded, chain: list[Brex]) -> list[Finding]:
    """Each illustration's notation (NDATA) against the notation rules of the BREX chain, if any has some."""
    layers = [b for b in chain if b.notations]
    if not layers or not doc.notations:
        return []
    allowed = {n for b in layers for n, (ok, _) in b.notations.items() if ok}
    out = []
    for entity, notation in doc.notations.items():
        if notation in allowed:
            continue
        use = next((b.notations[notation][1] for b in layers if notation in b.notations), "")
        m = re.search(rb"<!ENTITY\s+" + re.escape(entity.encode()) + rb"\s", doc.data)
        line = doc.data.count(b"\n", 0, m.start()) + 1 if m else None
        text = f"notation '{notation}' of {entity} is not allowed" + (f": {use}" if use else "")
        out.append(Finding("error", doc.path, text, line, rule="notation", check="brex"))
    return out


# -- running over many files ---------------------------------------------------------------------------------


_worker: Checker | None = None


def _init_worker(spec: Spec) -> None:
    global _worker
    _worker = Checker(spec)


def _check_chunk(paths: list[str]) -> list[tuple[list[Finding], tuple[str, ...], str]]:
    assert _worker is not None
    return [_worker.check_object(p) for p in paths]


def make_spec(paths: Sequence[str | Path], search: Sequence[Path] = (), defaults: Sequence[Path] = (),
              explicit: Path | None = None, values: bool = True, nonfailing: Sequence[str] = DEFAULT_NONFAILING) -> Spec:
    """Where BREX modules are looked for: the folders checked, the -d folders and the default BREX."""
    for d in search:
        if not Path(d).is_dir():
            raise ConfigError("BREX search folder not found", str(d))
    if explicit is not None and not Path(explicit).is_file():
        raise ConfigError("BREX file not found", str(explicit))
    default_files: list[str] = []
    for d in defaults:
        p = Path(d)
        if p.is_dir():
            default_files += sorted(str(f) for f in p.iterdir() if f.suffix.lower() == ".xml")
        elif p.is_file():
            default_files.append(str(p))
        else:
            raise ConfigError("default BREX not found", str(p))
    roots = [Path(p) if Path(p).is_dir() else Path(p).parent for p in paths] + [Path(d) for d in search]
    roots = list(dict.fromkeys(r.resolve() for r in roots))
    index = index_dms(roots)
    return Spec(index, default_files, str(explicit) if explicit else None, values, tuple(nonfailing))


def xml_files(paths: Sequence[str | Path]) -> list[str]:
    from ietm.check.schema import expand

    return expand(paths)


def key_state(spec: Spec, key: str, stamp_of: Callable[[str], str]) -> str:
    """What the BREX modules of one code are: each copy's issue, file and stamp (ietm.check.cache.stamp)."""
    return repr([(issue, path, stamp_of(path)) for issue, path in spec.index.get(key, [])])


def check_objects(files: list[str], spec: Spec, jobs: int = 0, progress: bool = False
                  ) -> tuple[list[Finding], list[tuple[list[Finding], tuple[str, ...], str]]]:
    """What is wrong in the spec's own BREX, and each file's findings and BREX keys (Checker.check_object), in
    the order of `files`; many files on all cores."""
    checker = Checker(spec)  # reads the default and explicit BREX here, so a broken one stops the run at once
    workers = min(jobs or os.cpu_count() or 1, max(1, len(files) // 8))
    if len(files) < PARALLEL_FROM or workers == 1:
        return checker.spec_problems(), [checker.check_object(p) for p in files]
    size = max(4, min(64, len(files) // (workers * 4)))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(spec,)) as pool:
        results: Iterable[list[tuple[list[Finding], tuple[str, ...], str]]] = pool.map(_check_chunk, chunks)
        if progress:
            from ietm.progress import track

            results = track(results, total=len(chunks), description="Checking BREX")
        return checker.spec_problems(), [r for chunk in results for r in chunk]


def brex_report(spec_problems: list[Finding], each: Iterable[list[Finding]], files: int) -> Report:
    """One report from each file's findings, in file order: a BREX's own problems, which come with every object
    checked against it, said once."""
    findings = (spec_problems if files else []) + [f for found in each for f in found]
    findings = list(dict.fromkeys(findings))
    findings.sort(key=lambda f: (f.path, f.line or 0))
    return Report(findings, files, "brex")


def check_paths(paths: Sequence[str | Path], spec: Spec, jobs: int = 0, progress: bool = False) -> Report:
    files = xml_files(paths)
    problems, results = check_objects(files, spec, jobs, progress)
    return brex_report(problems, (found for found, _, _ in results), len(files))
