"""An order as the device sends it, checked against the manual before anything is recorded.

Every line must name a part the manual lists (and, when it says where it was taken from, list it there), that
applies to the chosen product of the PCT, in a sane quantity of its unit of issue; more than the quantity per
assembly needs a word of why. All problems of an order are found at once and refused together, each with the
place it concerns (`lines[2].quantity`), so the technician can fix them in one go.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Callable

from ietm.applic import Product
from ietm.catalog.db import normalise_key
from ietm.errors import IetmError
from ietm.orders.parts import Occurrence, PartsIndex, norm
from ietm import i18n

URGENCIES = ("routine", "urgent", "critical")
KINDS = ("ipd", "spare", "supply", "remedy", "repository")
MAX_LINES = 200
#: units of issue counted in whole pieces
PIECES = {"EA", "PC", "PCS", "PCE", "EACH", "ШТ", "ШТ.", "SET", "KT", "КОМПЛ", "КОМПЛ."}
#: where each kind of source is looked for first when a line does not say
PREFERENCE = {k: n for n, k in enumerate(("ipd", "spare", "supply", "remedy", "repository"))}
_SERIAL = re.compile(r"serial|s/?n|заводск", re.I)


@dataclass
class LineIn:
    part_number: str
    quantity: float
    manufacturer_code: str = ""
    unit: str = ""
    note: str = ""
    source_module: str = ""
    source_kind: str = ""
    source_figure: str = ""
    source_item: str = ""


@dataclass
class OrderIn:
    product: str
    lines: list[LineIn]
    urgency: str = "routine"
    work_order: str = ""
    remark: str = ""
    language: str = ""

    def digest(self) -> str:
        """The submission's fingerprint: the same key sent again with another body is not a retry."""
        body = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass
class Problem:
    """One reason an order is refused: where in the order, and what, as a key of ietm.web.i18n with values."""

    where: str
    key: str
    values: dict = field(default_factory=dict)

    def message(self, language: str = "en") -> str:
        return i18n.t(self.key, language, **{k: i18n.localise(v, language) for k, v in self.values.items()})

    def to_dict(self, language: str = "en") -> dict:
        return {"where": self.where, "message": self.message(language)}


class OrderRefused(IetmError):
    """An order (or a decision on one) that breaks the rules; nothing of it is recorded."""

    exit_code = 6
    http_status = 422

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.said("en"), problems[0].where)

    def said(self, language: str) -> str:
        """The first problem, and how many more there are, in a reader's language."""
        more = len(self.problems) - 1
        return self.problems[0].message(language) + (i18n.t("orders_more_problems", language, n=more) if more else "")


@dataclass
class CheckedLine:
    line: LineIn
    source: Occurrence
    name: str
    unit: str


@dataclass
class CheckedOrder:
    order: OrderIn
    product: Product
    model: str
    serial: str
    lines: list[CheckedLine]


def product_names(product: Product, primary: str | None = None) -> tuple[str, str]:
    """(model, serial number) of a PCT product, for the desk and the statistics."""
    values = product.assignment
    model = next((v for k, v in values.items() if k.lower() == "model"), "")
    serial = values.get(primary or "") or next((v for k, v in values.items() if _SERIAL.search(k)), "")
    return model, serial or product.id


def find_product(index: PartsIndex, ident: str) -> Product:
    """The PCT product an order is for; refused when the PCTs have none, or several, of that id."""
    found = [p for p in index.applicability.products() if p.id == ident]
    if len(found) == 1:
        return found[0]
    if found:
        raise OrderRefused([Problem("product", "orders_ambiguous_product", {"product": ident, "n": len(found)})])
    known = list(dict.fromkeys(p.id for p in index.applicability.products()))
    shown = ", ".join(known[:20]) + (" …" if len(known) > 20 else "")
    raise OrderRefused([Problem("product", "orders_unknown_product", {"product": ident, "known": shown or "-"})])


def primary_attribute(index: PartsIndex, product: Product) -> str | None:
    for act in index.applicability.acts.values():
        pct = index.applicability.pcts.get(act.pct or "")
        if pct is not None and pct.path == product.path:
            return act.primary
    return None


def check(order: OrderIn, index: PartsIndex, max_quantity: float, cleared: Callable[[str], bool]) -> CheckedOrder:
    """The order with each line's source and unit resolved, or OrderRefused naming every problem."""
    language = order.language or "en"
    problems: list[Problem] = []
    if order.urgency not in URGENCIES:
        problems.append(Problem("urgency", "orders_bad_urgency", {"value": order.urgency, "known": ", ".join(URGENCIES)}))
    if not order.lines:
        problems.append(Problem("lines", "orders_no_lines"))
    if len(order.lines) > MAX_LINES:
        problems.append(Problem("lines", "orders_too_many_lines", {"n": len(order.lines), "max": MAX_LINES}))
    product = None
    if not order.product.strip():
        problems.append(Problem("product", "orders_no_product"))
    else:
        try:
            product = find_product(index, order.product.strip())
        except OrderRefused as exc:
            problems.extend(exc.problems)
    checked = []
    for n, line in enumerate(order.lines[:MAX_LINES], start=1):
        found = _check_line(line, n, order, product, index, max_quantity, cleared, problems, language)
        if found is not None:
            checked.append(found)
    if problems:
        raise OrderRefused(problems)
    assert product is not None
    model, serial = product_names(product, primary_attribute(index, product))
    return CheckedOrder(order, product, model, serial, checked)


def _check_line(line: LineIn, n: int, order: OrderIn, product: Product | None, index: PartsIndex,
                max_quantity: float, cleared: Callable[[str], bool], problems: list[Problem],
                language: str) -> CheckedLine | None:
    where = f"lines[{n}]"
    pn = line.part_number.strip()
    before = len(problems)
    quantity = line.quantity
    if not isinstance(quantity, (int, float)) or not math.isfinite(quantity) or quantity <= 0:
        problems.append(Problem(f"{where}.quantity", "orders_bad_quantity", {"n": n, "value": quantity}))
    elif quantity > max_quantity:
        problems.append(Problem(f"{where}.quantity", "orders_absurd_quantity", {"n": n, "value": number(quantity),
                                                                                 "max": number(max_quantity)}))
    if line.source_kind and line.source_kind not in KINDS:
        problems.append(Problem(f"{where}.source.kind", "orders_bad_kind", {"n": n, "value": line.source_kind}))
    if not pn:
        problems.append(Problem(f"{where}.part_number", "orders_no_part", {"n": n}))
        return None
    listed = [o for o in index.find(pn) if cleared(o.module)]
    everywhere = listed  # for the unit of issue, when the place the line came from does not say it
    if not listed:
        problems.append(Problem(f"{where}.part_number", "orders_unknown_part", {"n": n, "pn": pn}))
        return None
    if line.manufacturer_code:
        same = [o for o in listed if not o.cage or norm(o.cage) == norm(line.manufacturer_code)]
        if not same:
            problems.append(Problem(f"{where}.manufacturer_code", "orders_wrong_cage", {
                "n": n, "pn": pn, "cage": line.manufacturer_code, "known": ", ".join(sorted({o.cage for o in listed}))}))
            return None
        listed = same
    if line.source_module:
        there = [o for o in listed if o.module == _module_key(line.source_module)
                 and (not line.source_item or o.item == line.source_item)
                 and (not line.source_figure or o.figure == line.source_figure)]
        if not there:
            place = " ".join(x for x in (_module_key(line.source_module), line.source_figure, line.source_item) if x)
            problems.append(Problem(f"{where}.source", "orders_not_there", {"n": n, "pn": pn, "where": place}))
            return None
        listed = there
    if product is not None:
        # where a part is fitted (IPD, procedures, remedies) says where it applies; a repository entry only
        # says that the part exists, so it decides only for a part listed nowhere else
        listed = [o for o in listed if o.kind != "repository"] or listed
        applying = [o for o in listed if o.applies_to(product, index.applicability) is not False]
        if not applying:
            o = min(listed, key=lambda o: PREFERENCE.get(o.kind, 9))
            problems.append(Problem(f"{where}.part_number", "orders_not_applicable", {
                "n": n, "pn": pn, "product": product.id, "where": o.where(), "says": o.applic_text(language)}))
            return None
        listed = applying
    unit = line.unit.strip()
    units = {norm(o.unit): o.unit for o in listed if o.unit}
    if unit and units:
        if norm(unit) not in units:
            problems.append(Problem(f"{where}.unit", "orders_wrong_unit", {
                "n": n, "pn": pn, "unit": unit, "known": ", ".join(sorted(units.values()))}))
            return None
        listed = [o for o in listed if not o.unit or norm(o.unit) == norm(unit)]
    source = min(listed, key=lambda o: (o.kind != line.source_kind, PREFERENCE.get(o.kind, 9)))
    unit = unit or source.unit or next((o.unit for o in listed if o.unit), "") or next(
        (o.unit for o in everywhere if o.unit and o.kind == "ipd"), "")
    per = source.per_assembly_number()
    if len(problems) > before:
        pass  # the quantity is already wrong: more about it would only repeat that
    elif norm(unit) in PIECES and float(quantity) != int(quantity):
        problems.append(Problem(f"{where}.quantity", "orders_whole_pieces", {"n": n, "pn": pn, "unit": unit}))
    elif per is not None and quantity > per and not (line.note.strip() or order.remark.strip()):
        # an IPD gives how many are fitted per assembly; a procedure, a remedy, how much the work needs
        problems.append(Problem(f"{where}.quantity", "orders_over_assembly" if source.kind == "ipd" else
                                "orders_over_needed", {"n": n, "pn": pn, "value": number(quantity),
                                                       "unit": f" {unit}" if unit else "",
                                                       "per": number(per), "where": source.where()}))
    name = source.name(language) or next((o.name(language) for o in listed if o.name(language)), "")
    return CheckedLine(line, source, name, unit)


def alternatives(index: PartsIndex, product: Product | None, part_number: str, cage: str,
                 module: str = "") -> tuple[set[tuple[str, str]], list[Occurrence]]:
    """The IPD's alternatives to a part (other items of its catalogue sequence number, its partRefGroup): all
    of them as (part number, code), and those that apply to the product, one occurrence each."""
    keys: set[tuple[str, str]] = set()
    for occ in index.find(part_number, cage):
        if not module or occ.module == module or occ.kind == "ipd":
            keys |= {(norm(p), norm(c)) for p, c in occ.alternates}
    applying = []
    for pn, code in sorted(keys):
        listed = index.find(pn, code)
        listed = [o for o in listed if o.kind != "repository"] or listed
        ok = [o for o in listed if product is None or o.applies_to(product, index.applicability) is not False]
        if ok:
            applying.append(min(ok, key=lambda o: PREFERENCE.get(o.kind, 9)))
    return keys, applying


def check_substitute(index: PartsIndex, product: Product | None, part_number: str, cage: str, module: str,
                     substitute: str, substitute_cage: str = "") -> Occurrence:
    """The IPD's own alternative to a line's part that applies to the order's product, or OrderRefused."""
    keys, applying = alternatives(index, product, part_number, cage, module)
    match = [o for o in applying if norm(o.part_number) == norm(substitute)
             and (not substitute_cage or not o.cage or norm(o.cage) == norm(substitute_cage))]
    if match:
        return match[0]
    if any(p == norm(substitute) for p, _ in keys):
        raise OrderRefused([Problem("substitute", "orders_sub_not_applicable", {
            "sub": substitute, "product": product.id if product else "-"})])
    raise OrderRefused([Problem("substitute", "orders_not_alternate", {
        "pn": part_number, "sub": substitute, "known": ", ".join(sorted(p for p, _ in keys)) or "-"})])


def _module_key(code: str) -> str:
    try:
        return normalise_key(code)
    except IetmError:
        return code.strip().upper()


def number(value: float) -> str:
    """A quantity as people and xs:decimal write it: 2, 2.5, 1000000 (never 1e+06)."""
    return f"{value:.6f}".rstrip("0").rstrip(".")
