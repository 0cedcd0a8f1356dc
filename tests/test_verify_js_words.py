"""The words js/verify.js says about a signature on the device are the ones of the one table of interface words
(ietm/sign/reasons.py, vr_device_*): verify.js writes each reason's English too, for a page without the table,
so the two must not drift apart; and every reason of the table is one verify.js gives."""

from __future__ import annotations

import re

from ietm.i18n import STRINGS
from ietm.paths import STATIC

import ietm.sign.reasons  # noqa: F401  (declares the words)

SAY = re.compile(r'\bsay\("(\w+)", "((?:[^"\\]|\\.)*)"')


def said() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key, english in SAY.findall((STATIC / "js" / "verify.js").read_text(encoding="utf-8")):
        out.setdefault(key, set()).add(english.replace('\\"', '"'))
    return out


def test_verify_js_says_the_tables_english():
    found = said()
    assert len(found) >= 30, found  # every reason verify.js gives goes through say()
    for key, english in found.items():
        assert f"vr_device_{key}" in STRINGS, f"verify.js says {key!r}, which the table lacks"
        assert english == {STRINGS[f"vr_device_{key}"][0]}, (key, english, STRINGS[f"vr_device_{key}"][0])


def test_every_device_reason_of_the_table_is_said():
    keys = {k.removeprefix("vr_device_") for k in STRINGS if k.startswith("vr_device_")}
    assert keys == set(said()), keys ^ set(said())


def test_verify_js_gives_no_reason_outside_the_table():
    text = (STATIC / "js" / "verify.js").read_text(encoding="utf-8")
    assert not re.search(r'result\("\w+", "', text), "a reason written straight into result(), not through say()"
    assert not re.search(r'return \["\w+", "', text), "a verdict's reason written without say()"
