"""The ietm profile (schemas/profile/4.2) is a strict subset of S1000D Issue 4.2 that covers the sample manual.

A writer who checks a module with `ietm validate --profile` relies on two promises: what the profile accepts,
the official schemas accept too (so the module can go to any S1000D partner), and what ietm's own manual uses,
the profile accepts. The subset promise is proved on the schemas themselves (content models compared as
automata, attributes and value sets compared), and tried on every module of content/ and on about a thousand
variants of them broken the ways writers break modules: an element removed, moved, pasted from another module,
swapped with its neighbour, duplicated or misspelled; an attribute dropped, misspelled or given another
plausible or a bad value; stray text.
"""

from __future__ import annotations

import copy
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from clirun import ietm
from ietm.check.schema import Validator
from ietm.check.schemas_locator import SchemaLocator
from ietm.feedback.comment import Remark, build
from ietm.parse import read_object
from ietm.parse.loader import Loaded, load
from ietm.parse.model import XSI

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "schemas" / "profile" / "4.2"
SEED = 20261129
MUTANTS_PER_MODULE = 10
BIKE_MODULE = "DMC-S1000DBIKE-AAA-D00-00-00-00AA-041A-A_010-00_en-US.XML"


@dataclass
class Judges:
    """One validator for the profile and one for the official schemas; each compiles a schema once."""

    profile: Validator
    official: Validator

    def verdicts(self, doc: Loaded) -> tuple[bool, bool]:
        return not self.profile.validate(doc), not self.official.validate(doc)


@pytest.fixture(scope="session")
def judges(schemas42: Path) -> Judges:
    return Judges(Validator(SchemaLocator(profile_first=True)), Validator(SchemaLocator([schemas42])))


@pytest.fixture(scope="session")
def modules(content: Path) -> list[Loaded]:
    found = [load(p) for p in sorted(content.glob("*.XML"))]
    assert len(found) >= 90, "the sample manual is missing"
    return found


def schema_name(doc: Loaded) -> str:
    return doc.root.get(f"{XSI}noNamespaceSchemaLocation").rsplit("/", 1)[-1]


def variant(doc: Loaded, tree: etree._ElementTree, what: str) -> Loaded:
    return Loaded(f"{doc.path} [{what}]", tree, b"")


def declared_elements() -> set[str]:
    return {m for f in PROFILE.glob("*.xsd") for m in re.findall(r'<xs:element name="([A-Za-z]+)"', f.read_text())}


# --- the profile's files ---------------------------------------------------------------------------------------

def test_one_top_schema_per_official_name_that_content_and_the_viewer_use(modules, schemas42):
    used = {schema_name(d) for d in modules} | {"comment.xsd"}
    for name in used:
        assert (PROFILE / name).is_file(), f"the profile has no {name}"
        assert (schemas42 / name).is_file(), f"{name} is not an official schema name"
    # the shared parts are written once, in files every top schema includes
    shared = {"ident.xsd", "applic.xsd", "text.xsd", "refs.xsd", "table.xsd", "figure.xsd", "values.xsd"}
    assert shared <= {p.name for p in PROFILE.glob("*.xsd")}
    for name in used:
        text = (PROFILE / name).read_text()
        assert "<xs:include" in text
        assert 'complexType name="paraType"' not in text and 'complexType name="dmCodeType"' not in text, \
            f"{name} copies a shared part"


def test_every_element_the_sample_manual_uses_is_declared(modules):
    used = {el.tag for d in modules for el in d.root.iter() if isinstance(el.tag, str)}
    missing = used - declared_elements()
    assert not missing, f"the profile does not cover: {sorted(missing)}"


def test_the_profile_references_nothing_outside_its_folder():
    for f in PROFILE.glob("*.xsd"):
        for loc in re.findall(r'schemaLocation="([^"]+)"', f.read_text()):
            assert "/" not in loc and (PROFILE / loc).is_file(), f"{f.name} includes {loc}"


# --- the sample manual -----------------------------------------------------------------------------------------

def test_every_module_of_content_is_valid_against_the_profile_and_the_official_schemas(modules, judges, schemas42):
    for doc in modules:
        url = doc.root.get(f"{XSI}noNamespaceSchemaLocation")
        assert judges.profile.locator.resolve(url).parent == PROFILE
        assert judges.official.locator.resolve(url).parent == schemas42
        assert judges.profile.validate(doc) == [], doc.path
        assert judges.official.validate(doc) == [], doc.path


def test_a_comment_the_viewer_writes_is_valid_against_both(judges, modules):
    dm = next(d for d in modules if schema_name(d) == "proced.xsd")
    text = "Oil level hard to read.\n\nPlease add a photo."
    remark = Remark(read_object(dm.path).key, text, "Ivanov", "safety", "ru-RU")
    root = build(remark, 7, date(2026, 11, 29))
    doc = Loaded("comment", etree.ElementTree(root), b"")
    assert judges.profile.validate(doc) == []
    assert judges.official.validate(doc) == []


# --- the subset property, proved on the schemas themselves ---------------------------------------------------
#
# A document is valid when its root, and recursively every element's children sequence, attributes and text,
# are allowed. So the profile is a subset of the official schema when, for every type the profile can reach from
# its root paired with the official type of the same element: the profile's children sequences are a sublanguage
# of the official ones (checked on the automata), its attributes are official ones with no wider values, every
# attribute the official type requires is required, and text is allowed only where the official type allows it.
# The official flat schemas carry no other constraint on these elements (their xs:unique constraints select the
# element itself and hold for any single element).

XS = "{http://www.w3.org/2001/XMLSchema}"
BUILTIN = "xs:"


@dataclass
class Particle:
    kind: str  # "el", "seq", "cho"
    lo: int
    hi: int | None  # None: unbounded
    name: str = ""
    type: str = ""
    kids: tuple["Particle", ...] = ()


@dataclass
class ComplexType:
    mixed: bool
    model: Particle | None
    attrs: dict[str, tuple[bool, str, str | None, str | None]]  # name -> (required, simple type, default, fixed)
    simple: str | None  # base of simple content


class SchemaSet:
    """The components of one schema and what it includes, enough to compare content models and values."""

    def __init__(self, top: Path) -> None:
        self.elements: dict[str, str] = {}
        self.types: dict[str, etree._Element] = {}
        self.simple: dict[str, etree._Element] = {}
        self.groups: dict[str, etree._Element] = {}
        self.attr_groups: dict[str, etree._Element] = {}
        self.attributes: dict[str, etree._Element] = {}
        self._read(top, set())

    def _read(self, path: Path, seen: set[Path]) -> None:
        if path in seen:
            return
        seen.add(path)
        for c in etree.parse(str(path)).getroot():
            tag = c.tag.replace(XS, "") if isinstance(c.tag, str) else ""
            if tag == "include":
                self._read(path.parent / c.get("schemaLocation"), seen)
            elif tag == "element":
                self.elements[c.get("name")] = c.get("type")
            elif tag in ("complexType", "simpleType", "group", "attributeGroup", "attribute"):
                table = {"complexType": self.types, "simpleType": self.simple, "group": self.groups,
                         "attributeGroup": self.attr_groups, "attribute": self.attributes}[tag]
                table[c.get("name")] = c

    def particle(self, n: etree._Element) -> Particle:
        tag = n.tag.replace(XS, "")
        lo = int(n.get("minOccurs", "1"))
        hi = None if n.get("maxOccurs") == "unbounded" else int(n.get("maxOccurs", "1"))
        if tag == "element":
            name = n.get("ref") or n.get("name")
            return Particle("el", lo, hi, name, n.get("type") or self.elements.get(name, "xs:anyType"))
        if tag == "group":
            group = self.groups[n.get("ref")]
            inner = self.particle(next(c for c in group if c.tag in (XS + "sequence", XS + "choice")))
            return Particle(inner.kind, lo, hi, kids=inner.kids) if (inner.lo, inner.hi) == (1, 1) else \
                Particle("seq", lo, hi, kids=(inner,))
        kids = tuple(self.particle(c) for c in n if isinstance(c.tag, str) and c.tag != XS + "annotation")
        return Particle("seq" if tag == "sequence" else "cho", lo, hi, kids=kids)

    def attrs(self, node: etree._Element) -> dict[str, tuple[bool, str, str | None, str | None]]:
        out = {}
        for c in node:
            if c.tag == XS + "attribute":
                name = c.get("ref") or c.get("name")
                decl = self.attributes.get(c.get("ref"), c) if c.get("ref") else c
                out[name] = (c.get("use") == "required", decl.get("type") or "xs:anySimpleType",
                             c.get("default") or decl.get("default"), c.get("fixed") or decl.get("fixed"))
            elif c.tag == XS + "attributeGroup" and ":" not in c.get("ref"):
                out.update(self.attrs(self.attr_groups[c.get("ref")]))
        return out

    def complex(self, name: str) -> ComplexType:
        if name.startswith(BUILTIN) or name in self.simple:
            return ComplexType(False, None, {}, name)
        node = self.types[name]
        content = node.find(XS + "simpleContent")
        if content is not None:
            ext = content[0]
            return ComplexType(False, None, self.attrs(ext), ext.get("base"))
        parts = [c for c in node if c.tag in (XS + "sequence", XS + "choice", XS + "group")]
        model = self.particle(parts[0]) if parts else None
        return ComplexType(node.get("mixed") == "true", model, self.attrs(node), None)

    def values(self, name: str) -> tuple[str, frozenset[str] | None, tuple[str, ...], tuple[tuple[str, str], ...]]:
        """A simple type as (builtin base, enumeration or None, patterns, other facets)."""
        if name.startswith(BUILTIN):
            return name, None, (), ()
        r = self.simple[name].find(XS + "restriction")
        base, enum, patterns, facets = self.values(r.get("base"))
        own = [(c.tag.replace(XS, ""), c.get("value")) for c in r if isinstance(c.tag, str)]
        if any(k == "enumeration" for k, _ in own):
            enum = frozenset(v for k, v in own if k == "enumeration")
        patterns += tuple(v for k, v in own if k == "pattern")
        facets += tuple(sorted((k, v) for k, v in own if k not in ("enumeration", "pattern")))
        return base, enum, patterns, facets


class Nfa:
    """A Thompson automaton over element names, the counts of a particle unrolled."""

    def __init__(self, p: Particle | None) -> None:
        self.moves: list[list[tuple[str | None, int]]] = []
        self.start = self._state()
        self.final = self._state()
        if p is None:
            self.moves[self.start].append((None, self.final))
        else:
            self._build(p, self.start, self.final)

    def _state(self) -> int:
        self.moves.append([])
        return len(self.moves) - 1

    def _build(self, p: Particle, a: int, b: int) -> None:
        count = p.lo if p.hi is None else p.hi
        prev = a
        for i in range(max(count, 1) if p.hi != 0 else 0):
            nxt = self._state()
            self._once(p, prev, nxt)
            if i >= p.lo:
                self.moves[prev].append((None, b))
            prev = nxt
        if p.hi is None:  # any further repetitions
            loop = self._state()
            self.moves[prev].append((None, loop))
            back = self._state()
            self._once(p, loop, back)
            self.moves[back].append((None, loop))
            self.moves[loop].append((None, b))
        else:
            self.moves[prev].append((None, b))
        if p.lo == 0:
            self.moves[a].append((None, b))

    def _once(self, p: Particle, a: int, b: int) -> None:
        if p.kind == "el":
            self.moves[a].append((p.name, b))
        elif p.kind == "cho":
            for k in p.kids:
                self._build(k, a, b)
        else:
            prev = a
            for k in p.kids:
                nxt = self._state()
                self._build(k, prev, nxt)
                prev = nxt
            self.moves[prev].append((None, b))

    def closure(self, states: frozenset[int]) -> frozenset[int]:
        todo, seen = list(states), set(states)
        while todo:
            for sym, t in self.moves[todo.pop()]:
                if sym is None and t not in seen:
                    seen.add(t)
                    todo.append(t)
        return frozenset(seen)

    def step(self, states: frozenset[int], sym: str) -> frozenset[int]:
        return self.closure(frozenset(t for s in states for x, t in self.moves[s] if x == sym))


def names(p: Particle | None) -> set[tuple[str, str]]:
    if p is None:
        return set()
    return {(p.name, p.type)} if p.kind == "el" else {x for k in p.kids for x in names(k)}


def sequence_outside(mine: Particle | None, theirs: Particle | None) -> list[str] | None:
    """A children sequence the first model allows and the second does not, or None."""
    a, b = Nfa(mine), Nfa(theirs)
    start = (a.closure(frozenset({a.start})), b.closure(frozenset({b.start})))
    alphabet = sorted({n for n, _ in names(mine)})
    paths = {start: []}
    todo = [start]
    while todo:
        sa, sb = todo.pop(0)
        if a.final in sa and b.final not in sb:
            return paths[(sa, sb)]
        for sym in alphabet:
            nxt = (a.step(sa, sym), b.step(sb, sym))
            if nxt[0] and nxt not in paths:
                paths[nxt] = paths[(sa, sb)] + [sym]
                todo.append(nxt)
    return None


def value_problem(mine: SchemaSet, mt: str, theirs: SchemaSet, tt: str) -> str | None:
    m, t = mine.values(mt), theirs.values(tt)
    # NMTOKEN and IDREF values are strings with more rules; an ID is not, as it gives IDREFs somewhere to point
    if m[0] != t[0] and not (t[0] == "xs:string" and m[0] in ("xs:NMTOKEN", "xs:IDREF")):
        return f"base {m[0]} is not {t[0]}"
    if t[1] is not None and (m[1] is None or not m[1] <= t[1]):
        return f"values {sorted((m[1] or set()) - (t[1] or set()))[:5] or 'unlisted'} are not allowed officially"
    if t[2] and m[2] != t[2] and not (m[1] is not None and all(re.fullmatch(p, v) for v in m[1] for p in t[2])):
        return f"patterns {m[2]} differ from {t[2]}"
    if t[3] and m[3] != t[3]:
        return f"facets {m[3]} differ from {t[3]}"
    return None


def subset_problems(profile: SchemaSet, official: SchemaSet) -> tuple[list[str], int]:
    """Every way the profile allows more than the official schema, and how many type pairs were compared."""
    problems = []
    for root, ptype in profile.elements.items():
        if root not in official.elements:
            problems.append(f"root {root} is not an official element")
    todo = [(root, ptype, official.elements[root])
            for root, ptype in profile.elements.items() if root in official.elements]
    seen: set[tuple[str, str]] = set()
    while todo:
        el, pt, ot = todo.pop()
        if (pt, ot) in seen:
            continue
        seen.add((pt, ot))
        mine, theirs = profile.complex(pt), official.complex(ot)
        where = f"{el} ({pt})"
        if mine.mixed and not theirs.mixed:
            problems.append(f"{where}: text allowed, not officially")
        if mine.simple is None and theirs.simple is not None:
            problems.append(f"{where}: element content where the official type has a simple value")
        if mine.simple is not None and theirs.simple is None and not (
                theirs.mixed and sequence_outside(None, theirs.model) is None):
            problems.append(f"{where}: text only, where the official type wants child elements")
        if mine.simple and theirs.simple and (err := value_problem(profile, mine.simple, official, theirs.simple)):
            problems.append(f"{where}: text {err}")
        if mine.simple is None and (path := sequence_outside(mine.model, theirs.model)) is not None:
            problems.append(f"{where}: children {path} are not officially allowed")
        for name, (req, typ, default, fixed) in mine.attrs.items():
            if name not in theirs.attrs:
                problems.append(f"{where}: attribute {name} is not official")
                continue
            oreq, otyp, odefault, ofixed = theirs.attrs[name]
            if (default, fixed) != (odefault, ofixed):
                problems.append(f"{where}: attribute {name} default/fixed {default, fixed} not {odefault, ofixed}")
            if err := value_problem(profile, typ, official, otyp):
                problems.append(f"{where}: attribute {name}: {err}")
        for name, (oreq, *_rest) in theirs.attrs.items():
            if oreq and not mine.attrs.get(name, (False,))[0]:
                problems.append(f"{where}: attribute {name} is required officially")
        official_types = {n: t for n, t in names(theirs.model)}
        for child, ctype in names(mine.model):
            if child in official_types:
                todo.append((child, ctype, official_types[child]))
    return problems, len(seen)


@pytest.fixture(scope="session")
def top_schemas(modules) -> list[str]:
    return sorted({schema_name(d) for d in modules} | {"comment.xsd"})


def test_each_profile_schema_is_a_subset_of_its_official_schema(top_schemas, schemas42):
    compared = 0
    for name in top_schemas:
        problems, pairs = subset_problems(SchemaSet(PROFILE / name), SchemaSet(schemas42 / name))
        assert problems == [], f"{name}: " + "\n".join(problems[:20])
        compared += pairs
    assert compared > 500


def test_the_subset_check_holds_an_official_schema_a_subset_of_itself(schemas42):
    """No false alarms on every construct S1000D uses: groups, nested choices, counts such as 2..unbounded."""
    for name in ("fault.xsd", "process.xsd"):
        official = SchemaSet(schemas42 / name)
        problems, pairs = subset_problems(official, official)
        assert problems == [] and pairs > 250, name


def test_the_subset_check_finds_a_widened_profile(tmp_path, schemas42):
    """The proof above must be able to fail: widen the profile the ways a careless edit would, and it notices."""
    copy_dir = tmp_path / "profile"
    copy_dir.mkdir()
    for f in PROFILE.glob("*.xsd"):
        (copy_dir / f.name).write_text(f.read_text())
    ident = copy_dir / "ident.xsd"
    text = ident.read_text()
    ident_type = '<xs:complexType name="dmIdentType">'
    widened = {
        "security made optional": text.replace('name="security" type="securityType"/>',
                                               'name="security" type="securityType" minOccurs="0"/>', 1),
        "model ident code optional": re.sub(r'(name="modelIdentCode" type="\w+") use="required"', r"\1", text, count=1),
        "a made-up attribute": re.sub(r'(<xs:complexType name="dmTitleType">.*?)(\s*</xs:complexType>)',
                                      r'\1<xs:attribute name="colour" type="xs:string"/>\2',
                                      text, count=1, flags=re.S),
        "dmIdent parts in any order": text.replace(ident_type + "\n    <xs:sequence>",
                                                   ident_type + '\n    <xs:sequence maxOccurs="unbounded">', 1),
        "text in dmIdent": text.replace(ident_type, ident_type.replace(">", ' mixed="true">'), 1),
        "any language code": re.sub(r'(name="languageIsoCode" type=)"\w+"', r'\1"xs:string"', text, count=1),
    }
    for what, changed in widened.items():
        assert changed != text, what
        ident.write_text(changed)
        etree.XMLSchema(etree.parse(str(copy_dir / "descript.xsd")))  # still a schema, only a wider one
        problems, _ = subset_problems(SchemaSet(copy_dir / "descript.xsd"), SchemaSet(schemas42 / "descript.xsd"))
        assert problems, f"{what} went unnoticed"
    ident.write_text(text)
    assert subset_problems(SchemaSet(copy_dir / "descript.xsd"), SchemaSet(schemas42 / "descript.xsd"))[0] == []


# --- the subset property over broken variants ------------------------------------------------------------------

BAD_VALUES = ["", "xx", "99", "yes", "A B", "-1", "0001", "ru_RU"]


class Mutator:
    """Breaks a module the ways writers do; deterministic for a given seed."""

    KINDS = ("remove", "move", "move_alike", "graft", "graft_bike", "swap", "duplicate", "misspell",
             "attr_other", "attr_bad", "attr_drop", "attr_misspell", "stray_text")

    def __init__(self, modules: list[Loaded], donors: list[Loaded]) -> None:
        self.values: dict[str, set[str]] = {}
        self.modules = modules
        self.donors = donors
        for d in modules:
            for el in d.root.iter():
                if isinstance(el.tag, str):
                    for k, v in el.attrib.items():
                        self.values.setdefault(k, set()).add(v)
        self.values = {k: sorted(v) for k, v in self.values.items()}

    @staticmethod
    def misspell(name: str, rnd: random.Random) -> str:
        how = rnd.randrange(4)
        if how == 0:
            return name[0].swapcase() + name[1:]
        if how == 1 and len(name) > 3:
            i = rnd.randrange(1, len(name))
            return name[:i] + name[i + 1:]
        if how == 2:
            return name + "s"
        i = rnd.randrange(len(name) - 1)
        swapped = name[:i] + name[i + 1] + name[i] + name[i + 2:]
        return swapped if swapped != name else name + "x"

    def mutate(self, doc: Loaded, rnd: random.Random) -> tuple[str, etree._ElementTree] | None:
        tree = copy.deepcopy(doc.tree)
        root = tree.getroot()
        elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
        kind = rnd.choice(self.KINDS)
        el = rnd.choice(elements)
        parent = el.getparent()
        if kind == "remove":
            parent.remove(el)
        elif kind == "move":
            targets = [t for t in elements if t is not el and t is not parent and el not in t.iterancestors()]
            target = rnd.choice(targets)
            target.insert(rnd.randrange(len(target) + 1), el)
        elif kind == "move_alike":  # into another element of the same name as its parent: a plausible slip
            alike = [t for t in elements if t.tag == parent.tag and t is not parent and el not in t.iterancestors()]
            if not alike:
                return None
            target = rnd.choice(alike)
            target.insert(rnd.randrange(len(target) + 1), el)
        elif kind in ("graft", "graft_bike"):  # pasted from another module, maybe of another schema or project
            other = rnd.choice(self.modules if kind == "graft" else self.donors).root
            piece = copy.deepcopy(rnd.choice([e for e in other.iter() if isinstance(e.tag, str) and e is not other]))
            if rnd.random() < 0.5:
                el.addnext(piece)
            else:
                el.insert(rnd.randrange(len(el) + 1), piece)
        elif kind == "swap":
            nxt = el.getnext()
            if nxt is None or not isinstance(nxt.tag, str) or nxt.tag == el.tag:
                return None
            nxt.addnext(el)
        elif kind == "duplicate":
            el.addnext(copy.deepcopy(el))
        elif kind == "misspell":
            el.tag = self.misspell(el.tag, rnd)
        else:
            attributed = [e for e in elements if e.attrib]
            if not attributed:
                return None
            el = rnd.choice(attributed)
            name = rnd.choice(sorted(el.attrib))
            if kind == "attr_other":
                others = [v for v in self.values.get(name, []) if v != el.get(name)]
                if not others:
                    return None
                el.set(name, rnd.choice(others))
            elif kind == "attr_bad":
                el.set(name, rnd.choice(BAD_VALUES))
            elif kind == "attr_drop":
                del el.attrib[name]
            elif kind == "attr_misspell":
                value = el.attrib.pop(name)
                el.set(self.misspell(name, rnd), value)
            else:  # stray_text
                el.text = (el.text or "") + "stray words"
        return kind, tree


def judge_mutants(modules: list[Loaded], donors: list[Loaded], judges: Judges) -> list[tuple[str, str, bool, bool]]:
    """(kind, what, profile says valid, official says valid) for every mutant, made with a fixed seed."""
    mutator = Mutator(modules, donors)
    out = []
    for doc in modules:
        rnd = random.Random(f"{SEED}:{Path(doc.path).name}")
        made = 0
        while made < MUTANTS_PER_MODULE:
            result = mutator.mutate(doc, rnd)
            if result is None:
                continue
            kind, tree = result
            made += 1
            mutant = variant(doc, tree, f"{kind} #{made}")
            out.append((kind, mutant.path, *judges.verdicts(mutant)))
    return out


@pytest.fixture(scope="session")
def bike_modules(bike: Path) -> list[Loaded]:
    return [load(p) for p in sorted(bike.glob("DMC-*.XML"))]


@pytest.fixture(scope="session")
def mutation_results(modules, bike_modules, judges) -> list[tuple[str, str, bool, bool]]:
    return judge_mutants(modules, bike_modules, judges)


def test_whatever_the_profile_accepts_the_official_schemas_accept(mutation_results):
    assert len(mutation_results) >= 800
    # enough variants pass the profile for the implication to say something
    assert sum(1 for *_, profile, _ in mutation_results if profile) >= 100
    violations = [what for kind, what, profile, official in mutation_results if profile and not official]
    assert violations == [], f"the profile accepts what S1000D 4.2 refuses: {violations[:10]}"


def test_usual_mistakes_are_rejected(mutation_results):
    tried = Counter(kind for kind, *_ in mutation_results)
    by_profile = Counter(kind for kind, _, profile, _ in mutation_results if not profile)
    by_both = Counter(kind for kind, _, profile, official in mutation_results if not profile and not official)
    assert set(tried) == set(Mutator.KINDS)
    assert sum(by_profile.values()) >= 0.7 * len(mutation_results)
    # neither S1000D nor the profile knows a misspelled name; most elements moved elsewhere, text where only
    # elements go, and a second copy of an element (many allow only one) are refused by both
    for kind in ("misspell", "attr_misspell"):
        assert by_both[kind] == tried[kind], kind
    for kind, share in (("move", 0.9), ("stray_text", 0.75), ("duplicate", 0.5)):
        assert by_both[kind] >= share * tried[kind], kind


def test_the_variants_find_a_widened_profile(tmp_path, modules, bike_modules, schemas42):
    """The variants must be able to catch a profile wider than S1000D: here one whose identification
    attributes are all optional, as a careless edit could leave it."""
    wide = tmp_path / "profile"
    wide.mkdir()
    for f in PROFILE.glob("*.xsd"):
        text = f.read_text()
        (wide / f.name).write_text(text.replace(' use="required"', "") if f.name == "ident.xsd" else text)
    judges = Judges(Validator(SchemaLocator([wide])), Validator(SchemaLocator([schemas42])))
    results = judge_mutants(modules[:30], bike_modules, judges)
    assert any(profile and not official for _, _, profile, official in results)


def _break(doc: Loaded, how) -> Loaded:
    tree = copy.deepcopy(doc.tree)
    how(tree.getroot())
    return variant(doc, tree, how.__name__)


def test_named_mistakes_are_rejected_by_both(modules, judges):
    dm = next(d for d in modules if schema_name(d) == "proced.xsd")

    def no_model_ident_code(root):
        del root.find(".//dmCode").attrib["modelIdentCode"]

    def unknown_security_class(root):
        root.find(".//security").set("securityClassification", "6")

    def issue_info_before_code(root):
        ident = root.find(".//dmIdent")
        ident.insert(0, ident.find("issueInfo"))

    def title_twice(root):
        title = root.find(".//dmTitle")
        title.addnext(copy.deepcopy(title))

    def no_status(root):
        status = root.find(".//dmStatus")
        status.getparent().remove(status)

    def paragraph_for_para(root):
        root.find(".//para").tag = "paragraph"

    def step_outside_main_procedure(root):
        root.find(".//preliminaryRqmts").append(copy.deepcopy(root.find(".//proceduralStep")))

    for how in (no_model_ident_code, unknown_security_class, issue_info_before_code, title_twice, no_status,
                paragraph_for_para, step_outside_main_procedure):
        broken = _break(dm, how)
        assert judges.verdicts(broken) == (False, False), how.__name__


# --- the command -----------------------------------------------------------------------------------------------

def test_ietm_validate_profile_accepts_the_sample_manual(content):
    result = ietm("validate", "--profile", content)
    assert result.code == 0, result.out + result.err


def test_ietm_validate_profile_names_the_line_of_an_element_outside_the_profile(bike, tmp_path):
    source = bike / BIKE_MODULE
    # an element S1000D allows but the profile does not: the first one the module uses, in document order
    tree = etree.parse(str(source), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    declared = declared_elements()
    outside = next(e for e in tree.getroot().iter() if isinstance(e.tag, str) and e.tag not in declared)
    assert ietm("validate", "--schemas", bike.parent / "schemas" / "xml_schema_flat", source).code == 0
    result = ietm("validate", "--profile", source)
    assert result.code == 1
    assert f"{source}:{outside.sourceline}:" in result.out
    line = next(ln for ln in result.out.splitlines() if f"{source}:{outside.sourceline}:" in ln)
    assert f"Element '{outside.tag}'" in line
