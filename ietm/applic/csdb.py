"""Applicability of a whole CSDB: its ACT/CCT/PCT data modules, found through the catalog and cross-linked.

A module names its ACT in `dmStatus/applicCrossRefTableRef` (or `pmStatus/...`); the ACT names its CCT and
PCT. `Applicability.scope_of(root)` follows that chain, so each module is checked and filtered against the
tables it declares, even when a CSDB holds several products (the Bike set has a bike ACT and a brake ACT);
`annotations(root)` gives the `applic` each applicRefId names, through applicability repositories too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ietm.applic.tables import Act, Cct, Pct, Product, Property
from ietm.errors import IetmError, InputError, NotFound
from ietm.parse.loader import load
from ietm.parse.model import dm_ref_key

if TYPE_CHECKING:
    from ietm.catalog import Catalog


@dataclass
class Scope:
    """What one module's assertions may name, and the products they are evaluated against."""

    act: Act | None
    cct: Cct | None
    pct: Pct | None
    properties: dict[str, Property] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # table keys referred to but not in the CSDB

    @property
    def products(self) -> list[Product]:
        return self.pct.products if self.pct else []


def read_repository(root: etree._Element) -> dict[str, etree._Element]:
    """applicIdentValue -> applic of one applicability repository (CIR) data module."""
    applics = {a.get("id"): a for a in root.iterfind("content/referencedApplicGroup/applic") if a.get("id")}
    out = {}
    for spec in root.iterfind("content/commonRepository/applicRepository/applicSpec"):
        ident = spec.find("applicSpecIdent")
        target = applics.get(spec.get("applicMapRefId", ""))
        if ident is not None and ident.get("applicIdentValue") and target is not None:
            out[ident.get("applicIdentValue")] = target
    return out


def act_ref(root: etree._Element) -> tuple[str | None, int | None]:
    """The ACT key a module or PM refers to in its status section, and the line of that reference."""
    for status in ("identAndStatusSection/dmStatus", "identAndStatusSection/pmStatus"):
        ident = root.find(f"{status}/applicCrossRefTableRef/dmRef/dmRefIdent")
        if ident is not None:
            return dm_ref_key(ident), ident.sourceline
    return None, None


class Applicability:
    """The ACTs, CCTs and PCTs of one CSDB (latest issues), read once."""

    def __init__(
        self,
        acts: dict[str, Act],
        ccts: dict[str, Cct],
        pcts: dict[str, Pct],
        problems: list[IetmError],
        repository: dict[str, etree._Element] | None = None,
    ) -> None:
        self.acts, self.ccts, self.pcts = acts, ccts, pcts
        self.repository = repository or {}  # applicIdentValue -> applic, from applicRepository CIRs
        self.problems = problems  # tables that could not be read: reported by `ietm applic`, never fatal here
        for act in acts.values():  # a PCT product is named by the ACT's primary identifier
            if act.pct in pcts and act.primary:
                self._name_products(pcts[act.pct], act.primary)

    def __getstate__(self) -> dict:
        """Picklable for worker processes: repository statements travel as XML text, not lxml elements."""
        state = dict(self.__dict__)
        state["repository"] = {k: etree.tostring(v) for k, v in self.repository.items()}
        return state

    def __setstate__(self, state: dict) -> None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        state["repository"] = {k: etree.fromstring(v, parser) for k, v in state["repository"].items()}
        self.__dict__.update(state)

    @classmethod
    def for_csdb(cls, source: Catalog | str | Path) -> Applicability:
        from ietm.catalog import Catalog

        if isinstance(source, Catalog):
            catalog = source
        else:
            catalog = Catalog.open(Path(source))
            catalog.refresh()
        acts: dict[str, Act] = {}
        ccts: dict[str, Cct] = {}
        pcts: dict[str, Pct] = {}
        problems: list[IetmError] = []
        readers = {"act": (Act.read, acts), "cct": (Cct.read, ccts), "pct": (Pct.read, pcts)}
        for content_type, (read, into) in readers.items():
            for obj in catalog.objects(kind="dm", content_type=content_type, state="latest"):
                try:
                    into[obj.key] = read(obj.key, load(obj.path))
                except IetmError as exc:
                    problems.append(exc)
        repository: dict[str, etree._Element] = {}
        for obj in catalog.objects(kind="dm", content_type="comrep", state="latest"):
            try:
                repository.update(read_repository(load(obj.path).root))
            except IetmError as exc:
                problems.append(exc)
        return cls(acts, ccts, pcts, problems, repository)

    @staticmethod
    def _name_products(pct: Pct, primary: str) -> None:
        for n, p in enumerate(pct.products, start=1):
            if p.id == f"#{n}":
                p.id = next((a.value for a in p.assigns if a.ident == primary), p.id)

    def annotations(self, root: etree._Element) -> dict[str, etree._Element | None]:
        """The `applic` each applicRefId of a module may name: its own referencedApplicGroup, and entries of
        referencedApplicGroupRef resolved through the CSDB's applicability repositories (None if unresolved)."""
        out: dict[str, etree._Element | None] = {}
        for a in root.iterfind("content/referencedApplicGroup/applic"):
            if a.get("id"):
                out[a.get("id")] = a
        for ref in root.iterfind("content/referencedApplicGroupRef/applicRef"):
            if ref.get("id"):
                out[ref.get("id")] = self.repository.get(ref.get("applicIdentValue", ""))
        return out

    def declared(self) -> dict[str, list[Property]]:
        """Every product attribute and condition the ACTs and CCTs of the CSDB declare (a name may be
        declared by several ACTs, as `model` is by the Bike and the Brake ACT)."""
        out: dict[str, list[Property]] = {}
        for table in (*self.acts.values(), *self.ccts.values()):
            for ident, prop in table.properties.items():
                out.setdefault(ident, []).append(prop)
        return out

    def whole(self, root: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
        """(status element, the `applic` that says where the whole object applies): the status's own applic,
        or the repository applic its applicRef names (None when it names nothing the CSDB declares)."""
        for path in ("identAndStatusSection/dmStatus", "identAndStatusSection/pmStatus"):
            status = root.find(path)
            if status is None:
                continue
            own = status.find("applic")
            if own is not None:
                return own, own
            ref = status.find("applicRef")
            if ref is not None:
                return ref, self.repository.get(ref.get("applicIdentValue", ""))
        return None, None

    def scope(self, act_key: str | None) -> Scope:
        """The tables reachable from one ACT (and the ACTs it catalogues), merged into one lookup of properties."""
        if act_key is None:
            return Scope(None, None, None)
        act = self.acts.get(act_key)
        if act is None:
            return Scope(None, None, None, missing=[act_key])
        scope = Scope(act, self.ccts.get(act.cct or ""), self.pcts.get(act.pct or ""))
        seen: set[str] = set()
        todo = [act_key]
        while todo:  # an ACT catalogue gathers the attributes of further ACTs; follow it once each
            key = todo.pop()
            if key in seen:
                continue
            seen.add(key)
            a = self.acts.get(key)
            if a is None:
                scope.missing.append(key)
                continue
            for ident, prop in a.properties.items():
                scope.properties.setdefault(ident, prop)
            for ref, table in ((a.cct, self.ccts), (a.pct, self.pcts)):
                if ref and ref not in table:
                    scope.missing.append(ref)
            cct = self.ccts.get(a.cct or "")
            if cct is not None:
                for ident, prop in cct.properties.items():
                    scope.properties.setdefault(ident, prop)
            todo += a.catalog
        return scope

    def scope_of(self, root: etree._Element) -> Scope:
        return self.scope(act_ref(root)[0])

    @staticmethod
    def assignment_for(product: Product, scope: Scope) -> dict[str, str]:
        """A product's values where they mean something: in modules whose ACT uses the product's PCT, or that
        name no ACT. Another ACT's attributes may share names (the Bike and Brake ACTs both have `model`), so
        there the product decides nothing and every assertion stays unknown."""
        if scope.act is None or (scope.pct is not None and scope.pct.path == product.path):
            return product.assignment
        return {}

    def products(self, act_key: str | None = None) -> list[Product]:
        """Products of one ACT's PCT, or of every PCT in the CSDB."""
        if act_key is not None:
            return self.scope(act_key).products
        return [p for key in sorted(self.pcts) for p in self.pcts[key].products]

    def product(self, ident: str, act_key: str | None = None) -> Product:
        """A product by its id (XML id, primary identifier value or #n), or by `attribute=value` of one assign."""
        candidates = self.products(act_key)
        found = [p for p in candidates if p.id == ident]
        if not found and "=" in ident:
            attr, _, value = ident.partition("=")
            found = [p for p in candidates if p.assignment.get(attr.strip()) == value.strip()]
        if not found:
            known = ", ".join(p.id for p in candidates) or "none: the CSDB has no PCT"
            raise NotFound(f"no product '{ident}' in the PCT (products: {known})")
        if len(found) > 1:
            raise InputError(f"'{ident}' names {len(found)} products; give a product id ({', '.join(p.id for p in found)})")
        return found[0]
