"""What each delivered product should have, by the DML and its applicability, against what its customer holds.

For every product in the register: each module the CSDB's DML lists, in each language it lists, that applies
to the product (the module's applicability and its content, judged as `ietm deliver` judges them), compared
with the objects of the delivery the customer last received for that product. The gaps to act on:

- `not-written`: the DML asks for it, the CSDB does not hold it (writers);
- `not-delivered`: it applies, the customer never received it (deliver or update);
- `outdated`: the customer holds an older issue than the CSDB's latest (update);
- `unconfirmed`: the last delivery or update is not acknowledged by a receipt;
- `receipt`: the customer's receipt said the delivery was incomplete or tampered (resend what it names).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from ietm.applic import Applicability
from ietm.applic.instance import make_instance
from ietm.deliver import register
from ietm.deliver.source import current
from ietm.errors import IetmError
from ietm.parse.loader import load
from ietm.serverdb import Database

GAPS = ("not-written", "not-delivered", "outdated", "unconfirmed", "receipt")


@dataclass
class Gap:
    kind: str  # one of GAPS
    key: str = ""
    language: str | None = None
    held: str | None = None  # the issue the customer holds
    current: str | None = None  # the CSDB's latest issue
    detail: str = ""


@dataclass
class ProductNeeds:
    customer: str
    product: str
    model: str | None
    serial: str | None
    release: str  # the release the customer last received for this product
    delivery: str
    required: int = 0  # modules that should be there, by the DML and applicability
    gaps: list[Gap] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _issue_order(issue: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in (issue or "0-0").split("-") if p.isdigit())


class _Applies:
    """Whether a module applies to a product, judged as instancing judges it, each (module, product) once."""

    def __init__(self, applicability: Applicability) -> None:
        self.applicability = applicability
        self.known: dict[tuple[str, str], bool] = {}

    def __call__(self, path: str, product) -> bool:
        cached = self.known.get((path, product.id))
        if cached is None:
            a = self.applicability
            doc = load(Path(path))
            scope = a.scope_of(doc.root)
            result = make_instance(doc.root, a.annotations(doc.root), a.assignment_for(product, scope), product.id,
                                   scope.properties, a.whole(doc.root))
            cached = self.known[(path, product.id)] = result.applicable is not False and not result.emptied
        return cached


def report(csdb: Path, db: Database) -> list[ProductNeeds]:
    from ietm.catalog import Catalog

    catalog = Catalog.open(csdb)
    catalog.refresh()
    applicability = Applicability.for_csdb(catalog)
    applies = _Applies(applicability)
    latest = {(o.key, o.language): o for kind in ("dm", "pm") for o in catalog.objects(kind=kind, state="latest")}
    required = sorted({(r.target, r.language) for dml in catalog.objects(kind="dml", state="latest", with_refs=True)
                       for r in dml.refs if r.kind in ("dm", "pm")}, key=lambda k: (k[0], k[1] or ""))
    rows = {r["id"]: r for r in register.listing(db)}
    out = []
    for h in register.holdings(db, current(csdb)):
        last = h["held"] or h["sent"]
        record = register.get(db, last["delivery"])["record"]
        held = {(o["key"], o.get("language")): o.get("issue") for o in record.get("objects", [])}
        needs = ProductNeeds(h["customer"], h["product"], h["model"], h["serial"], last["release"], last["delivery"])
        try:
            product = applicability.product(h["product"])
        except IetmError:
            needs.gaps.append(Gap("not-delivered", detail=f"product {h['product']} is no longer in the PCT"))
            out.append(needs)
            continue
        for key, language in required:
            obj = latest.get((key, language))
            if obj is None:
                needs.required += 1
                needs.gaps.append(Gap("not-written", key, language, held.get((key, language))))
                continue
            if not applies(obj.path, product):
                continue
            needs.required += 1
            have = held.get((key, language))
            if have is None:
                needs.gaps.append(Gap("not-delivered", key, language, None, obj.issue))
            elif _issue_order(have) < _issue_order(obj.issue):
                needs.gaps.append(Gap("outdated", key, language, have, obj.issue))
        if h["awaiting"]:
            needs.gaps.append(Gap("unconfirmed", detail=h["sent"]["delivery"]))
        receipt = rows[h["sent"]["delivery"]]["receipt"]
        if receipt and receipt["verdict"] != "complete":
            named = ", ".join(f"{f.get('state')} {f.get('path')}" for f in receipt["findings"][:5])
            needs.gaps.append(Gap("receipt", detail=f"{receipt['verdict']}: {named}"))
        out.append(needs)
    return out
