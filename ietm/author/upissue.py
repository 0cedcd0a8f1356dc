"""Raising the issue of a data module or publication module, as S1000D numbers issues.

Numbering: a new object starts at 000-01. `--in-work` raises the in-work number (000-01 -> 000-02; an
official 002-00 starts the next draft 002-01); `--official` releases the next official issue
(000-03 -> 001-00, 001-03 -> 002-00, 002-00 -> 003-00). In-work 99 and issue 999 are the last.

Status: issueType is "new" up to 001-00 (the first release cannot carry change marks) and otherwise the
one given, else the previous one ("changed" after "new"). When a new issue cycle starts from an official
issue, the change marks and reasons for update of the last issue are cleared, unless kept on purpose.
A new in-work issue is unverified: its QA starts again. The issue date is today. The previous issue stays.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ietm.author.files import serialize
from ietm.errors import InputError, Refused
from ietm.parse.codes import Issue
from ietm.parse.loader import Loaded, load, load_bytes
from ietm.parse.model import describe

ISSUE_TYPES = ("new", "changed", "deleted", "revised", "status", "rinstate-changed", "rinstate-revised", "rinstate-status")
CHANGE_ATTRS = ("changeMark", "changeType", "reasonForUpdateRefIds")
_NAME_ISSUE = re.compile(r"_(\d{3})-(\d{2})(?:_|\.)", re.IGNORECASE)


@dataclass
class Upissued:
    name: str
    data: bytes
    issue: str
    issue_type: str
    cleared_marks: int


def next_issue(current: Issue, official: bool) -> Issue:
    number, in_work = int(current.issueNumber), int(current.inWork)
    if official:
        if number >= 999:
            raise Refused(f"issue {current} is the last official issue S1000D numbers")
        return Issue(f"{number + 1:03d}", "00")
    if in_work >= 99:
        raise Refused(f"in-work {current} is the last in-work number; release it with --official first")
    return Issue(f"{number:03d}", f"{in_work + 1:02d}")


def _is_new(issue: Issue) -> bool:
    return issue.issueNumber == "000" or (issue.issueNumber == "001" and issue.inWork == "00")


def _clear_changes(root: etree._Element) -> int:
    """Remove change marks and the reasons for update they pointed at; returns how many elements were marked."""
    marked = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if "changeMark" in el.attrib or "changeType" in el.attrib:
            marked += 1
        for a in CHANGE_ATTRS:
            el.attrib.pop(a, None)
    for rfu in root.findall("identAndStatusSection/*/reasonForUpdate"):
        rfu.getparent().remove(rfu)
    return marked


def _add_reason(status: etree._Element, text: str) -> None:
    ids = {el.get("id") for el in status.getroottree().iter() if isinstance(el.tag, str) and el.get("id")}
    n = 1
    while f"rfu-{n:04d}" in ids:
        n += 1
    rfu = etree.Element("reasonForUpdate", id=f"rfu-{n:04d}")
    etree.SubElement(rfu, "simplePara").text = text
    indent = status.text if status.text and not status.text.strip() else None  # keep the author's layout
    after = [el for el in status if el.tag in ("productSafety", "remarks")]
    if after:
        after[0].addprevious(rfu)
        rfu.tail = indent
    else:
        last = status[-1] if len(status) else None
        status.append(rfu)
        if last is not None:
            rfu.tail, last.tail = last.tail, indent or last.tail


def _reset_qa(status: etree._Element) -> None:
    qas = status.findall("qualityAssurance")
    fresh = etree.Element("qualityAssurance")
    etree.SubElement(fresh, "unverified")
    if qas:
        fresh.tail = qas[0].tail
        status.replace(qas[0], fresh)
        for qa in qas[1:]:
            status.remove(qa)


def _later_issue(path: Path, key: str, language: str | None, issue: Issue) -> str | None:
    """A file in the same folder holding a later issue of the same object and language, if any."""
    lang = f"_{language}".upper() if language else ""
    for other in path.parent.iterdir():
        name = other.name.upper()
        if not name.startswith(key.upper() + "_") or (lang and lang + "." not in name):
            continue
        m = _NAME_ISSUE.search(other.name)
        if m and (int(m[1]), int(m[2])) > (int(issue.issueNumber), int(issue.inWork)):
            return other.name
    return None


def upissue(
    path: Path,
    official: bool = False,
    issue_type: str | None = None,
    keep_changes: bool = False,
    reason: str | None = None,
    today: dt.date | None = None,
) -> Upissued:
    """The next issue of the object at `path`, as a file name and its bytes; nothing is written here."""
    doc = load(path)
    obj = describe(doc)
    current = Issue.from_xml(doc.root.find(f"identAndStatusSection/{obj.kind}Address/{obj.kind}Ident/issueInfo"))
    if current is not None and obj.kind in ("dm", "pm"):
        later = _later_issue(path, obj.key, obj.language, current)
        if later:
            raise Refused(f"a later issue exists ({later}); upissue the latest issue", str(path))
    return raise_issue(doc, official, issue_type, keep_changes, reason, today)


def raise_issue(
    doc: Loaded,
    official: bool = False,
    issue_type: str | None = None,
    keep_changes: bool = False,
    reason: str | None = None,
    today: dt.date | None = None,
) -> Upissued:
    """The next issue of a loaded object (its tree is changed in place), by the rules of the module docstring;
    the browser editor raises the issue of a writer's edited copy with it."""
    path = doc.path
    obj = describe(doc)
    if obj.kind not in ("dm", "pm"):
        raise InputError(f"is a {obj.kind}; upissue raises data modules and publication modules", str(path))
    if issue_type is not None and issue_type not in ISSUE_TYPES:
        raise InputError(f"unknown issue type '{issue_type}' (one of: {', '.join(ISSUE_TYPES)})")
    root = doc.root
    kind = obj.kind
    info = root.find(f"identAndStatusSection/{kind}Address/{kind}Ident/issueInfo")
    status = root.find(f"identAndStatusSection/{kind}Status")
    current = Issue.from_xml(info)
    if current is None or status is None:
        raise InputError(f"{kind}Ident has no issueInfo or the object no {kind}Status", str(path))
    new = next_issue(current, official)
    previous_type = status.get("issueType") or "new"
    cleared = 0
    if _is_new(new):  # the first issue has nothing to mark changes against
        new_type = "new"
        cleared = _clear_changes(root)
    else:
        new_type = issue_type or ("changed" if previous_type == "new" else previous_type)
        if not current.in_work and not keep_changes:  # a new issue cycle starts from the released issue
            cleared = _clear_changes(root)
    status.set("issueType", new_type)
    if reason:
        _add_reason(status, reason)
    if new.in_work:
        _reset_qa(status)
    day = today or dt.date.today()
    date = root.find(f"identAndStatusSection/{kind}Address/{kind}AddressItems/issueDate")
    if date is not None:
        date.attrib.update({"year": f"{day.year:04d}", "month": f"{day.month:02d}", "day": f"{day.day:02d}"})
    info.set("issueNumber", new.issueNumber)
    info.set("inWork", new.inWork)
    data = serialize(doc)
    name = describe(load_bytes(data, str(path))).expected_name or ""
    return Upissued(name, data, str(new), new_type, cleared)
