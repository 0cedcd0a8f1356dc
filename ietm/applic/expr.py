"""Applicability expressions: parsing value sets and ranges, evaluating `applic`, and a JSON form for browsers.

Semantics (the viewer's JavaScript must follow the same rules; `to_json` hands it pre-parsed values):

* An `applicPropertyValues` string is a set of alternatives separated by `|`; each alternative is one value
  or a range `low~high` (both ends included). `A|B`, `1~9`, `0010|0023|0056~0062` are all valid.
* A value matches a single alternative when the two strings are equal (case and spaces count, as in XML).
* A value lies in a range when low <= value <= high, comparing
  - as numbers when low, high and the value are all decimal numbers (`1~3` holds `2`, not `10`);
  - otherwise by "natural" keys: the strings are cut into runs of digits and of other characters, digit runs
    compare as integers and come before text runs, text runs compare by code point
    (`POST-001~POST-999` holds `POST-050` and `POST-50`, not `PRE`).
* Three-valued logic (Kleene): every expression is True, False or None (unknown).
  - `assert` with ident and values is True/False when the assignment gives the attribute a value, and None when
    it does not: a partial assignment (a product that does not state its `type`, or a `--set` of one attribute)
    leaves the assertion undecided, and S1000D tools treat undecided content as applicable.
  - `assert` without a values list is text-only (free text describing applicability): None.
  - `evaluate andOr="and"`: False if any child is False, True if all are True, else None;
    `andOr="or"`: True if any child is True, False if all are False, else None.
  - an `applic` with only `displayText` (or `expression`, which ietm does not interpret) is None.
* Filtering keeps everything whose applicability is True or None and removes what is False.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from lxml import etree

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_RUNS = re.compile(r"\d+|\D+")


@dataclass(frozen=True)
class Alternative:
    """One member of a value set: a single value (high is None) or an inclusive range."""

    low: str
    high: str | None = None

    def holds(self, value: str) -> bool:
        if self.high is None:
            return value == self.low
        return _le(self.low, value) and _le(value, self.high)

    def to_json(self) -> dict[str, str]:
        return {"value": self.low} if self.high is None else {"from": self.low, "to": self.high}


def parse_values(text: str) -> list[Alternative]:
    """`0010|0023|0056~0062` -> alternatives; surrounding spaces of each member are ignored."""
    out: list[Alternative] = []
    for part in text.split("|"):
        if "~" in part:
            low, _, high = part.partition("~")
            out.append(Alternative(low.strip(), high.strip()))
        else:
            out.append(Alternative(part.strip()))
    return out


def in_set(value: str, values: str | list[Alternative]) -> bool:
    alts = parse_values(values) if isinstance(values, str) else values
    return any(a.holds(value) for a in alts)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(run)) if run.isdigit() else (1, run) for run in _RUNS.findall(text))


def _le(a: str, b: str) -> bool:
    if _NUMBER.match(a) and _NUMBER.match(b):
        return float(a) <= float(b)
    return natural_key(a) <= natural_key(b)


Assignment = Mapping[str, str]  # attribute or condition ident -> the product's value


def evaluate(el: etree._Element, assignment: Assignment) -> bool | None:
    """Evaluate an `applic`, `evaluate` or `assert` element; None means unknown (see the module docstring)."""
    return evaluate_json(to_json(el), assignment)


def evaluate_for(el: etree._Element, assignments: list[Assignment]) -> bool | None:
    """For several products at once (a delivery to one customer): True when it holds for every one, False
    when for none, else unknown, so that content one of them needs is kept with its annotation."""
    results = {evaluate(el, a) for a in assignments}
    return results.pop() if len(results) == 1 and None not in results else None


def evaluate_json(expr: dict | None, assignment: Assignment) -> bool | None:
    """Evaluate the JSON form: the one evaluator, so the XML and what the viewer's script receives agree."""
    if expr is None:
        return None
    if "id" in expr and "expr" in expr:
        return evaluate_json(expr["expr"], assignment)
    if "assert" in expr:
        if expr["assert"] not in assignment:
            return None
        alts = [Alternative(v["value"]) if "value" in v else Alternative(v["from"], v["to"]) for v in expr["values"]]
        return in_set(assignment[expr["assert"]], alts)
    results = [evaluate_json(a, assignment) for a in expr["args"]]
    if expr["op"] == "or":
        return True if True in results else (False if results and all(r is False for r in results) else None)
    return False if False in results else (True if results and all(r is True for r in results) else None)


def display_text(applic: etree._Element) -> str:
    disp = applic.find("displayText")
    return " ".join("".join(disp.itertext()).split()) if disp is not None else ""


def to_json(el: etree._Element) -> dict | None:
    """The expression as plain data: {"op": "and"|"or", "args": [...]}, {"assert": ident, "type": ...,
    "values": [{"value": v} | {"from": lo, "to": hi}]}, or None for text-only applicability.

    For an `applic` element the result is {"id", "text", "expr"} so a viewer can show and evaluate it."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "applic":
        expr = None
        for child in el:
            if child.tag in ("assert", "evaluate"):
                expr = to_json(child)
                break
        return {"id": el.get("id"), "text": display_text(el), "expr": expr}
    if tag == "assert":
        ident, values = el.get("applicPropertyIdent"), el.get("applicPropertyValues")
        if ident is None or values is None:
            return None
        return {
            "assert": ident,
            "type": el.get("applicPropertyType"),
            "values": [a.to_json() for a in parse_values(values)],
        }
    if tag == "evaluate":
        return {
            "op": "or" if el.get("andOr") == "or" else "and",
            "args": [to_json(c) for c in el if c.tag in ("assert", "evaluate")],
        }
    return None
