"""ietm's built-in S1000D default business rules, one rule set per S1000D issue (schemas/brex/).

A data module names the S1000D default BREX of its issue (DMC-S1000D-F-04-10-0301-00A-022A-D for Issue 4.2)
in its brexDmRef, or its project BREX refers on to it. That module is ASD's and does not ship with ietm; its
rules are facts of the specification, which ietm keeps in its own form and applies whenever no official
copy is configured or in the CSDB. Rules that only describe (allowed, with no values to check) are left out:
a checker can find nothing with them.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from ietm.check.brex import Brex, make_rule
from ietm.errors import ConfigError
from ietm.paths import SCHEMAS

FOLDER = SCHEMAS / "brex"
KINDS = {"forbidden": "0", "required": "1", "allowed": "2"}  # the key that holds the path -> allowedObjectFlag
FORMS = {"values": "single", "ranges": "range", "patterns": "pattern"}


@lru_cache(maxsize=None)
def builtin_rules() -> tuple[Brex, ...]:
    """Every built-in rule set, read and compiled once per process."""
    return tuple(read_rules(path) for path in sorted(FOLDER.glob("s1000d-*.toml")))


def builtin_keys() -> set[str]:
    """The codes of the S1000D default BREX modules ietm knows the rules of."""
    return {b.key for b in builtin_rules()}


def read_rules(path: Path) -> Brex:
    """One rule set: the identity of the default BREX it stands for, and its rules as BREX rules."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        issue = data["issue"]
        brex = Brex(str(path), data["code"], data["source_issue"], issue, None,
                    label=f"ietm's built-in S1000D {issue} default rules ({path.name})")
        schema = f"http://www.s1000d.org/S1000D_{issue.replace('.', '-')}/xml_schema_flat/"
        for rule in data["rule"]:
            (kind,) = [k for k in KINDS if k in rule]
            values = [(form, value, None) for key, form in FORMS.items() for value in rule.get(key, [])]
            use = _use(rule, kind, f"S1000D {issue} default rule" + (f", {rule['spec']}" if rule.get("spec") else ""))
            context = schema + rule["context"] + ".xsd" if rule.get("context") else None
            brex.rules.append(make_rule(brex, rule["id"], rule[kind], KINDS[kind], use, values,
                                        rule.get("severity"), context, None))
    except (OSError, tomllib.TOMLDecodeError, KeyError, ValueError) as exc:
        raise ConfigError(f"built-in default business rules cannot be read: {exc}", str(path)) from None
    return brex


def _use(rule: dict, kind: str, where: str) -> str:
    """What a finding of the rule says before what was found: its subject, if any, and where S1000D says it."""
    subject = rule.get("about") or (rule[kind].removeprefix("//") if kind == "allowed" else "")
    return f"{subject} ({where})" if subject else where
