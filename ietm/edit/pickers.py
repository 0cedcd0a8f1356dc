"""What the editor's pickers offer instead of codes: modules and publications to refer to, illustrations,
repository entries (warnings, cautions, tools, supplies, parts), and the elements a picked item becomes.

The elements are built here, in the shapes S1000D gives them, and the browser places them only where its
grammar allows (a reference the schema does not allow at a place is never inserted there)."""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree

from ietm.errors import NotFound
from ietm.parse.codes import DmCode, Issue, Language, PmCode
from ietm.render.content.cir import ENTRIES, entry_name, index_repository, module_key
from ietm.web.site import BROWSER_TYPES

#: repository kinds the editor picks from, and the reference element each becomes
KINDS = {"warning": "warningRef", "caution": "cautionRef", "tool": "toolRef", "supply": "supplyRef", "part": "partRef"}


def _code_attrs(code: DmCode | PmCode | Language | Issue) -> dict[str, str]:
    return {k: v for k, v in vars(code).items() if v is not None}


def _el(name: str, attrs: dict[str, str] | None = None, children: list | None = None) -> dict[str, Any]:
    return {"n": name, "a": attrs or {}, "c": children or []}


def _title_parts(root: etree._Element, kind: str) -> tuple[str, str]:
    items = root.find(f"identAndStatusSection/{kind}Address/{kind}AddressItems")
    if items is None:
        return "", ""
    if kind == "dm":
        return (" ".join((items.findtext("dmTitle/techName") or "").split()),
                " ".join((items.findtext("dmTitle/infoName") or "").split()))
    return " ".join((items.findtext("pmTitle") or "").split()), ""


def dm_ref(site, key: str, with_language: bool = False) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A dmRef to a module of the CSDB: its code, and its title as address items (what the viewer links by)."""
    obj = site.latest.get(key)
    if obj is None or obj.kind != "dm":
        raise NotFound(f"{key} is not a data module of this CSDB")
    root = site.load(obj).root
    ident = root.find("identAndStatusSection/dmAddress/dmIdent")
    code = DmCode.from_xml(ident.find("dmCode"))
    ref_ident = [_el("dmCode", _code_attrs(code))]
    if with_language and ident.find("language") is not None:
        ref_ident.append(_el("language", dict(ident.find("language").attrib)))
    tech, info = _title_parts(root, "dm")
    title = [_el("techName", children=[tech])] + ([_el("infoName", children=[info])] if info else [])
    return _el("dmRef", children=[_el("dmRefIdent", children=ref_ident),
                                  _el("dmRefAddressItems", children=[_el("dmTitle", children=title)])])


def pm_ref(site, key: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    obj = site.latest.get(key)
    if obj is None or obj.kind != "pm":
        raise NotFound(f"{key} is not a publication module of this CSDB")
    root = site.load(obj).root
    code = PmCode.from_xml(root.find("identAndStatusSection/pmAddress/pmIdent/pmCode"))
    title, _ = _title_parts(root, "pm")
    return _el("pmRef", children=[_el("pmRefIdent", children=[_el("pmCode", _code_attrs(code))]),
                                  _el("pmRefAddressItems", children=[_el("pmTitle", children=[title])])])


def modules(site, text: str, kind: str = "dm", language: str | None = None,  # type: ignore[no-untyped-def]
            limit: int = 30) -> list[dict[str, Any]]:
    """Modules (or publications) whose code or title in any language holds every word typed, in code order;
    each titled in the writer's language where it has a copy in it."""
    words = text.lower().split()
    wanted = (language or "").lower()
    out = []
    for key, obj in sorted(site.latest.items()):
        if obj.kind != kind:
            continue
        copies = site.copies.get(key, [obj])
        hay = " ".join([key] + [c.title for c in copies]).lower()
        if all(w in hay for w in words):
            shown = next((c for c in reversed(copies) if (c.language or "").lower() == wanted), obj)
            out.append({"key": key, "title": shown.title, "issue": obj.issue, "type": obj.content_type or ""})
            if len(out) >= limit:
                break
    return out


def icns(site) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The illustrations of the CSDB (one per ICN code, the file a browser shows best), with a thumbnail URL."""
    out = []
    for stem, path in sorted(site.icn_stems.items()):
        out.append({"ident": path.stem, "file": path.name, "url": f"/icn/{path.name}",
                    "shown": path.suffix.lower() in BROWSER_TYPES or path.suffix.lower() == ".cgm"})
    return out


class Repositories:
    """The entries of the CSDB's common information repositories, by kind, in each language; read once per
    index generation of the site."""

    def __init__(self, site) -> None:  # type: ignore[no-untyped-def]
        self.site = site
        self._generation = -1
        self._entries: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self._guard = threading.Lock()

    def entries(self, kind: str, language: str | None) -> list[dict[str, Any]]:
        if kind not in KINDS:
            raise NotFound(f"no repository kind '{kind}' (one of: {', '.join(KINDS)})")
        with self._guard:
            generation = self.site.generation  # before reading: a change taken in meanwhile is read at the next call
            if self._generation != generation:
                self._entries = self._read()
                self._generation = generation
        by_language = self._entries.get(kind, {})
        wanted = (language or "").lower()
        for lang in sorted(by_language, key=lambda k: (k.lower() != wanted, k.lower()[:2] != wanted[:2],
                                                       not k.lower().startswith("en"))):
            return by_language[lang]
        return []

    def _read(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        out: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for copies in self.site.copies.values():
            latest_by_language = {}
            for obj in copies:
                if obj.kind == "dm" and obj.content_type == "comrep":
                    latest_by_language[obj.language or ""] = obj
            for lang, obj in latest_by_language.items():
                root = self.site.load(obj).root
                key = module_key(root)
                # the entries themselves, held: an entry comes once under each of its ident forms, and the id()
                # of an lxml element freed meanwhile is given to the next one (entries went missing at random)
                seen: set[etree._Element] = set()
                for (kind, _form), entry in index_repository(root):
                    if kind not in KINDS or entry in seen:
                        continue
                    seen.add(entry)
                    spec, ident_tag, attr = ENTRIES[kind]
                    ident = entry if ident_tag is None else entry.find(ident_tag)
                    text = entry_name(entry) or " ".join(
                        "".join(entry.findtext("warningAndCautionPara") or "").split())
                    out.setdefault(kind, {}).setdefault(lang, []).append({
                        "number": ident.get(attr), "cage": ident.get("manufacturerCodeValue"),
                        "numberType": ident.get("supplyNumberType"),
                        "text": text, "module": key, "language": lang,
                    })
        return out


def repository_ref(site, kind: str, entry: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The reference element to a repository entry: warningRef/cautionRef name the repository module too."""
    name = KINDS[kind]
    attr = ENTRIES[kind][2]
    attrs = {attr: entry["number"]}
    children = []
    if kind in ("warning", "caution"):
        if entry.get("module"):
            children.append(dm_ref(site, entry["module"]))
            children[0]["c"] = children[0]["c"][:1]  # the code alone, as S1000D's examples write it
    elif entry.get("cage"):
        attrs["manufacturerCodeValue"] = entry["cage"]
    if kind == "supply" and entry.get("numberType"):
        attrs["supplyNumberType"] = entry["numberType"]
    return _el(name, attrs, children)
