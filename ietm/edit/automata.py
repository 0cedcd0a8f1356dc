"""Content models as deterministic automata, the way ProseMirror's ContentMatch works: a particle tree (sequence,
choice, counts) becomes a Thompson NFA over element names, then a DFA by subset construction. A state answers
"which element may come next here" and "may the element end here"; a sequence of children is valid when it
runs from the start to a final state.

`Fills` adds what ProseMirror calls createAndFill: the shortest children sequence that makes a new element of
each type valid, its required children filled the same way, so that anything the editor inserts is valid.
"""

from __future__ import annotations

import heapq
import math
import re
import string
from dataclasses import dataclass
from typing import Iterable

from ietm.edit.xsd import ID_TYPES, Particle, Schema, SimpleType


@dataclass
class Dfa:
    moves: list[dict[str, int]]  # state -> element name -> next state; the names in the order the model gives them
    final: list[bool]

    def run(self, names: Iterable[str], state: int = 0) -> int | None:
        for name in names:
            nxt = self.moves[state].get(name)
            if nxt is None:
                return None
            state = nxt
        return state

    def accepts(self, names: Iterable[str]) -> bool:
        end = self.run(names)
        return end is not None and self.final[end]

    def to_json(self) -> list:
        return [[int(f), m] for f, m in zip(self.final, self.moves)]


class _Nfa:
    def __init__(self) -> None:
        self.moves: list[list[tuple[str | None, int]]] = []

    def state(self) -> int:
        self.moves.append([])
        return len(self.moves) - 1

    def build(self, p: Particle, a: int, b: int) -> None:
        """Connect a to b through p, its counts unrolled (an unbounded tail is a loop)."""
        cur = a
        for _ in range(p.lo):
            nxt = self.state()
            self.once(p, cur, nxt)
            cur = nxt
        if p.hi is None:
            loop = self.state()
            self.moves[cur].append((None, loop))
            back = self.state()
            self.once(p, loop, back)
            self.moves[back].append((None, loop))
            self.moves[loop].append((None, b))
            return
        for _ in range(p.lo, p.hi):
            self.moves[cur].append((None, b))
            nxt = self.state()
            self.once(p, cur, nxt)
            cur = nxt
        self.moves[cur].append((None, b))

    def once(self, p: Particle, a: int, b: int) -> None:
        if p.kind == "el":
            self.moves[a].append((p.name, b))
        elif p.kind == "seq":
            cur = a
            for i, kid in enumerate(p.kids):
                nxt = b if i == len(p.kids) - 1 else self.state()
                self.build(kid, cur, nxt)
                cur = nxt
            if not p.kids:
                self.moves[a].append((None, b))
        else:
            for kid in p.kids:
                self.build(kid, a, b)
            if not p.kids:
                self.moves[a].append((None, b))

    def closure(self, states: Iterable[int]) -> frozenset[int]:
        seen = set(states)
        work = list(seen)
        while work:
            s = work.pop()
            for sym, to in self.moves[s]:
                if sym is None and to not in seen:
                    seen.add(to)
                    work.append(to)
        return frozenset(seen)


def compile_model(model: Particle | None) -> Dfa:
    """The DFA of a content model (None: no children at all)."""
    if model is None:
        return Dfa([{}], [True])
    nfa = _Nfa()
    start, end = nfa.state(), nfa.state()
    nfa.build(model, start, end)
    first = nfa.closure([start])
    index = {first: 0}
    order = [first]
    moves: list[dict[str, int]] = []
    for current in order:
        targets: dict[str, set[int]] = {}
        for s in sorted(current):
            for sym, to in nfa.moves[s]:
                if sym is not None:
                    targets.setdefault(sym, set()).add(to)
        out: dict[str, int] = {}
        for sym, tos in targets.items():
            nxt = nfa.closure(tos)
            if nxt not in index:
                index[nxt] = len(order)
                order.append(nxt)
            out[sym] = index[nxt]
        moves.append(out)
    return Dfa(moves, [end in s for s in order])


# -- example values -------------------------------------------------------------------------------------------

_BUILTIN_EXAMPLES = {
    "string": "", "normalizedString": "", "token": "", "anySimpleType": "", "anyURI": "", "NCName": "x",
    "NMTOKEN": "1", "NMTOKENS": "1", "integer": "1", "int": "1", "decimal": "1", "positiveInteger": "1",
    "nonNegativeInteger": "1", "boolean": "false", "date": "2026-01-01", "gYear": "2026", "language": "en",
}
_CANDIDATES = "A1a0Bb-_. " + string.ascii_letters + string.digits + string.punctuation


class _PatternExample:
    """The shortest string an XML Schema regular expression matches (for the subset S1000D's schemas use)."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def run(self) -> str:
        out = self.alternatives()
        if self.i != len(self.p):
            raise ValueError("unbalanced")
        return out

    def alternatives(self) -> str:
        options = [self.sequence()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            options.append(self.sequence())
        return min(options, key=len)

    def sequence(self) -> str:
        out = ""
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            atom = self.atom()
            lo = self.quantifier()
            out += atom * lo
        return out

    def quantifier(self) -> int:
        if self.i >= len(self.p):
            return 1
        c = self.p[self.i]
        if c in "?*":
            self.i += 1
            return 0
        if c == "+":
            self.i += 1
            return 1
        if c == "{":
            end = self.p.index("}", self.i)
            lo = int(self.p[self.i + 1:end].split(",")[0])
            self.i = end + 1
            return lo
        return 1

    def atom(self) -> str:
        c = self.p[self.i]
        if c == "(":
            self.i += 1
            out = self.alternatives()
            self.i += 1  # ")"
            return out
        if c == "[":
            test = self.char_class()
            return next(ch for ch in _CANDIDATES if test(ch))
        if c == "\\":
            self.i += 2
            return {"d": "1", "s": " ", "w": "a", "i": "a", "c": "a", "S": "a", "D": "a", "W": "-"}.get(self.p[self.i - 1], self.p[self.i - 1])
        self.i += 1
        return "a" if c == "." else c

    def char_class(self):
        self.i += 1  # "["
        negate = self.p[self.i] == "^"
        if negate:
            self.i += 1
        ranges: list[tuple[str, str]] = []
        minus = None
        while self.p[self.i] != "]":
            if self.p[self.i] == "-" and self.p[self.i + 1] == "[":
                self.i += 1
                minus = self.char_class()
                continue
            ch = self.p[self.i]
            if ch == "\\":
                ch = {"t": "\t", "n": "\n", "r": "\r"}.get(self.p[self.i + 1], self.p[self.i + 1])
                self.i += 1
                if self.p[self.i] == "d":
                    ranges.append(("1", "9"))
                    ranges.append(("0", "0"))
                    self.i += 1
                    continue
            self.i += 1
            if self.p[self.i] == "-" and self.p[self.i + 1] not in "[]":
                ranges.append((ch, self.p[self.i + 1]))
                self.i += 2
            else:
                ranges.append((ch, ch))
        self.i += 1

        def test(ch: str) -> bool:
            inside = any(a <= ch <= b for a, b in ranges) != negate
            return inside and not (minus is not None and minus(ch))

        return test


def pattern_example(pattern: str) -> str | None:
    try:
        value = _PatternExample(pattern).run()
        return value if re.fullmatch(python_regex(pattern), value) else None
    except (ValueError, IndexError, StopIteration, re.error):
        return None


_SUBTRACTION = re.compile(r"\[([^\[\]]*)-\[([^\]]*)\]\]")
_ESCAPES = {r"\i": "[_:A-Za-z]", r"\I": "[^_:A-Za-z]", r"\c": r"[-._:A-Za-z0-9]", r"\C": r"[^-._:A-Za-z0-9]"}


def python_regex(pattern: str) -> str:
    """An XML Schema regular expression (anchored at both ends) in the syntax Python and JavaScript share:
    class subtraction `[A-Z-[IO]]` becomes a lookahead, the XML name escapes become classes."""
    pattern = _SUBTRACTION.sub(lambda m: f"(?:(?![{m[2]}])[{m[1]}])", pattern)
    for xsd, py in _ESCAPES.items():
        pattern = pattern.replace(xsd, py)
    return pattern


def value_ok(t: SimpleType, value: str) -> bool:
    """Whether a value belongs to a simple type: enumeration, patterns, the builtin's own range, bounds."""
    if t.values is not None and value not in t.values:
        return False
    if not all(re.fullmatch(python_regex(p), value) for p in t.patterns):
        return False
    number: float | None = None
    if t.base in ("integer", "int", "positiveInteger", "nonNegativeInteger", "decimal", "gYear"):
        try:
            number = float(value) if t.base == "decimal" else int(value)
        except ValueError:
            return False
        if (t.base == "positiveInteger" and number <= 0) or (t.base == "nonNegativeInteger" and number < 0):
            return False
    for facet, limit in t.bounds:
        if facet in ("minLength", "length") and len(value) < int(limit):
            return False
        if facet in ("maxLength", "length") and len(value) > int(limit):
            return False
        if number is not None and facet.endswith(("Inclusive", "Exclusive")):
            bound = float(limit)
            if ((facet == "minInclusive" and number < bound) or (facet == "maxInclusive" and number > bound)
                    or (facet == "minExclusive" and number <= bound) or (facet == "maxExclusive" and number >= bound)):
                return False
    return True


def example(t: SimpleType) -> str | None:
    """A value of the type a new element can start with; None when only the writer (or a picker) can give one."""
    if t.base in ID_TYPES or t.base == "ENTITY":
        return None
    if t.values:
        return next((v for v in t.values if value_ok(t, v)), None)
    base = _BUILTIN_EXAMPLES.get(t.base, "")
    candidates = [pattern_example(p) for p in t.patterns[:1]] + [base, "1", "01", "001", "0001"]
    return next((c for c in candidates if c is not None and value_ok(t, c)), None)


# -- the shortest valid content of each type --------------------------------------------------------------------

#: what a writer expects a new element to start with, where the schema lets it choose (a step: a paragraph, not
#: a title); among fillings of equal size these win
PREFERRED = frozenset({"para", "simplePara", "notePara", "warningAndCautionPara", "listItem", "entry", "action",
                       "reqCondNoRef", "definitionListItem"})

class Fills:
    """For each type: the shortest children sequence (by the total size of what it needs) that ends the content
    model, or None when no element of that type can be made without the writer's input (a required reference)."""

    def __init__(self, schema: Schema, dfas: dict[str, Dfa]) -> None:
        self.schema = schema
        self.dfas = dfas
        self.cost: dict[str, float] = {k: math.inf for k in dfas}
        self.path: dict[str, list[str] | None] = {k: None for k in dfas}
        self.own = {k: self._own_cost(k) for k in dfas}
        changed = True
        while changed:  # costs only fall; settles within the depth of the deepest filled type
            changed = False
            for key in dfas:
                cost, path = self._shortest(key)
                if cost < self.cost[key]:
                    self.cost[key], self.path[key] = cost, path
                    changed = True

    def _own_cost(self, key: str) -> float:
        t = self.schema.types[key]
        for a in t.attributes.values():
            st = self.schema.simple[a.type]
            if a.required and a.fixed is None and a.default is None and example(st) is None and st.base != "ID":
                return math.inf  # a reference or code only the writer can give
        if t.text is not None and example(self.schema.simple[t.text]) is None:
            return math.inf
        return 1.0

    def _shortest(self, key: str) -> tuple[float, list[str] | None]:
        own = self.own[key]
        if own == math.inf:
            return math.inf, None
        dfa = self.dfas[key]
        children = self.schema.children(key)
        best = {0: 0.0}
        back: dict[int, tuple[int, str]] = {}
        heap = [(0.0, 0)]
        while heap:
            d, s = heapq.heappop(heap)
            if d > best.get(s, math.inf):
                continue
            if dfa.final[s]:
                path = []
                while s in back:
                    s, name = back[s]
                    path.append(name)
                return own + d, path[::-1]
            for name, nxt in dfa.moves[s].items():
                child = children.get(name, "")
                c = self.cost.get(child, math.inf) if child else math.inf
                c += 0 if name in PREFERRED else 0.001  # of equal ways, the one with running text
                if d + c < best.get(nxt, math.inf):
                    best[nxt] = d + c
                    back[nxt] = (s, name)
                    heapq.heappush(heap, (d + c, nxt))
        return math.inf, None
