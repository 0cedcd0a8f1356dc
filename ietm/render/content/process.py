"""Process data modules (S1000D chapter 7.6): the flow is rendered as nested blocks readable without
scripts, and every expression, variable and assignment is carried as JSON in data attributes so that
viewer/static/js/process.js can run the process: one dmNode at a time, branching and looping on the
variables the technician's answers set."""

from __future__ import annotations

import json

from lxml import etree
from markupsafe import Markup

from ietm.render.content.base import EMPTY, STATEMENT_READERS, Html, handles, text_of
from ietm.render.content.procedural import module_state_attrs, steps_and_blocks
from ietm.render.content.records import register
from ietm.render.content.fastmarkup import FastMarkup

OPERATORS = ("booleanOperator", "numberOperator", "setOperator", "stringOperator")
FUNCTIONS = ("booleanFunction", "numberFunction", "setFunction", "stringFunction")
_OPERATION_ATTR = {"booleanOperator": "booleanOperation", "numberOperator": "numberOperation",
                   "setOperator": "setOperation", "stringOperator": "stringOperation",
                   "booleanFunction": "booleanAction", "numberFunction": "numberAction",
                   "setFunction": "setAction", "stringFunction": "stringAction"}


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- expressions to JSON ---------------------------------------------------------------------------------


def expression(r: Html, el: etree._Element) -> dict:
    """An S1000D expression as a small JSON tree the browser evaluates (see process.js `evaluate`)."""
    r.consume(el)
    kids = [c for c in el if isinstance(c.tag, str)]
    if el.tag != "expression":
        return value(el)
    if not kids:
        return {"lit": None}
    tags = [k.tag for k in kids]
    for i, tag in enumerate(tags):
        if tag in OPERATORS:
            left = [expression(r, k) for k in kids[:i]]
            right = [expression(r, k) for k in kids[i + 1:]]
            return {"op": kids[i].get(_OPERATION_ATTR[tag]), "kind": tag[: -len("Operator")],
                    "args": [left[0] if left else {"lit": None}, right[0] if right else {"lit": None}]}
        if tag in FUNCTIONS:
            return {"fn": kids[i].get(_OPERATION_ATTR[tag]), "kind": tag[: -len("Function")],
                    "args": [expression(r, k) for k in kids[i + 1:]]}
    if len(kids) == 1:
        return expression(r, kids[0])
    return {"unsupported": " ".join(tags)}


def value(el: etree._Element) -> dict:
    tag = el.tag
    if tag == "variableRef":
        return {"var": el.get("variableName", "")}
    if tag == "globalPropertyRef":
        return {"prop": el.get("applicPropertyIdent", "")}
    if tag == "assert":
        if el.get("applicPropertyIdent"):
            return {"assert": el.get("applicPropertyIdent"), "values": el.get("applicPropertyValues", "")}
        return {"lit": True}
    if tag == "booleanValue":
        return {"lit": el.find("trueValue") is not None}
    if tag == "integerValue":
        try:
            return {"lit": int(text_of(el))}
        except ValueError:
            return {"lit": None}
    if tag == "realValue":
        try:
            return {"lit": float(text_of(el))}
        except ValueError:
            return {"lit": None}
    if tag == "stringValue":
        return {"lit": text_of(el)}
    if tag == "setValue":
        return {"lit": [text_of(c) for c in el if isinstance(c.tag, str)]}
    if tag == "noValue":
        return {"lit": None}
    if tag == "evaluate":
        args = [value(c) for c in el if isinstance(c.tag, str)]
        return {"op": "or" if el.get("andOr") == "or" else "and", "kind": "boolean", "args": args}
    if tag == "expression":
        return {"unsupported": "nested"}
    return {"unsupported": tag}


def applic_expression(r: Html, applic: etree._Element) -> dict:
    """The condition of an applic used inside a process (an expression, or asserts of properties)."""
    for child in applic:
        if child.tag == "expression":
            return expression(r, child)
        if child.tag in ("assert", "evaluate"):
            r.consume(child)
            return value(child)
    return {"lit": True}


def assertions(r: Html, el: etree._Element | None) -> list[dict]:
    """The assertions directly inside a variablePreSet/variablePostSet/menuChoice/dmLoop, in order."""
    return [assertion(r, a) for a in el.findall("assertion")] if el is not None else []


def assertion(r: Html, a: etree._Element) -> dict:
    """One assignment: {target: {var|prop}, expr}."""
    r.consume(a)
    target = a.find("variableRef")
    target = target if target is not None else a.find("globalPropertyRef")
    expr = a.find("expression")
    return {"target": value(target) if target is not None else {"unsupported": "target"},
            "expr": expression(r, expr) if expr is not None else {"lit": None}}


# -- the flow ------------------------------------------------------------------------------------------------


@handles("process")
def process(r: Html, el: etree._Element) -> Markup:
    r.scripts.add("process.js")
    decls = el.find("variableDeclarations")
    variables = []
    asks: list[Markup] = []  # dialogs declared with a variable: how the value may be asked for
    if decls is not None:
        r.seen.add(decls)
        for v in decls.findall("variable"):
            r.seen.add(v)
            init = v.find("initialize/expression")
            if v.find("initialize") is not None:
                r.seen.add(v.find("initialize"))
            variables.append({"name": v.get("variableName", ""), "type": v.get("valueType", "string"),
                              "init": expression(r, init) if init is not None else None})
            asks.extend(r.render(other) for other in v if other.tag != "initialize")
    pre = [c for c in el if c.tag == "variablePreSet"]
    post = [c for c in el if c.tag == "variablePostSet"]
    for c in pre + post:
        r.seen.add(c)
    body = FastMarkup("").join(r.render(c) for c in el if c.tag not in ("variableDeclarations", "variablePreSet",
                                                                      "variablePostSet"))
    changes: dict[str, list[str]] = {}  # what sets each variable, spelled out, for a writer checking the logic
    for a in el.iter("assertion"):
        target = a.find("variableRef")
        expr = a.find("expression")
        if target is not None and expr is not None:
            changes.setdefault(target.get("variableName", ""), []).append(_readable(r, expr))
    inits = {v.get("variableName", ""): _readable(r, v.find("initialize/expression"))
             for v in (decls.findall("variable") if decls is not None else []) if v.find("initialize/expression") is not None}
    declared = {v["name"] for v in variables}
    shown = variables + [{"name": n, "type": ""} for n in changes if n not in declared]  # a misnamed one too
    var_rows = FastMarkup("").join(FastMarkup(
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td data-var-value="{}">–</td></tr>').format(
        v["name"], r.name("datatype", v["type"]), inits.get(v["name"], ""), "; ".join(changes.get(v["name"], [])), v["name"])
        for v in shown)
    var_head = FastMarkup("").join(FastMarkup('<th scope="col">{}</th>').format(r.t(k)) for k in (
        "name", "xref_type", "var_initial", "var_set_to", "var_now"))
    engine = FastMarkup(
        '<div class="pe" data-pe-engine hidden><div class="pe-stage" data-pe-stage aria-live="polite"></div>'
        '<p class="pe-error" data-pe-error role="alert"></p>'
        '<div class="pe-nav"><button type="button" data-pe-back class="secondary">{}</button>'
        '<button type="button" data-pe-next>{}</button>'
        '<button type="button" data-pe-restart class="secondary">{}</button></div>'
        '<details class="pe-vars"><summary>{}</summary><table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>{}</details></div>'
    ).format(r.t("back"), r.t("next"), r.t("reset"), r.t("variables"), var_head, var_rows, FastMarkup("").join(asks))
    return FastMarkup('<section{} data-vars="{}" data-pre="{}" data-post="{}"><h2>{}</h2>{}<div class="pe-flow">{}</div>'
                  '</section>').format(
        r.attrs(el, "process", **module_state_attrs(r, "data-process")), dumps(variables),
        dumps([a for c in pre for a in assertions(r, c)]), dumps([a for c in post for a in assertions(r, c)]),
        r.t("process"), engine, body)


def condition(r: Html, el: etree._Element) -> dict[str, str]:
    """An alternative's applicability as the condition the engine tests to choose it (dmSeqAlts, dmNodeAlts)."""
    ref = el.get("applicRefId")
    if ref and ref in r.ids:
        return {"data_cond": dumps(applic_expression(r, r.ids[ref]))}
    return {}


@handles("dmSeq", "dmThenSeq", "dmElseSeq")
def seq(r: Html, el: etree._Element) -> Markup:
    extra = condition(r, el)
    role = {"dmThenSeq": "then", "dmElseSeq": "else"}.get(el.tag, "seq")
    return FastMarkup('<div{} data-pe="{}">{}</div>').format(r.attrs(el, f"pe-seq pe-{role}", **extra), role, r.children(el))


@handles("dmNode")
def node(r: Html, el: etree._Element) -> Markup:
    pre = el.find("variablePreSet")
    post = el.find("variablePostSet")
    title = el.find("title")
    for x in (pre, post, title):
        if x is not None:
            r.seen.add(x)
    head = FastMarkup('<h3{}>{}</h3>').format(r.attrs(title, "pe-title"), r.inner(title)) if title is not None else EMPTY
    body = steps_and_blocks(r, el, ("title", "variablePreSet", "variablePostSet"))
    return FastMarkup('<div{} data-pe="node" data-pre="{}" data-post="{}">{}{}</div>').format(
        r.attrs(el, "pe-node", **condition(r, el)), dumps(assertions(r, pre)), dumps(assertions(r, post)), head, body)


@handles("dmNodeAlts")
def node_alts(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<div{} data-pe="nodealts">{}</div>').format(r.attrs(el, "pe-alts"), r.children(el))


@handles("dmIf")
def dm_if(r: Html, el: etree._Element) -> Markup:
    cond = el.find("expression")
    return FastMarkup('<div{} data-pe="if" data-cond="{}"><div class="pe-cond">{}</div>{}</div>').format(
        r.attrs(el, "pe-if"), dumps(expression(r, cond) if cond is not None else {"lit": False}),
        describe(r, cond), r.children(el, "dmThenSeq", "dmElseSeq"))


@handles("dmLoop")
def dm_loop(r: Html, el: etree._Element) -> Markup:
    cond = el.find("expression")
    pre = el.find("variablePreSet")
    if pre is not None:
        r.seen.add(pre)
    return FastMarkup('<div{} data-pe="loop" data-cond="{}" data-pre="{}" data-each="{}"><div class="pe-cond">{}</div>{}'
                  '</div>').format(
        r.attrs(el, "pe-loop"), dumps(expression(r, cond) if cond is not None else {"lit": False}),
        dumps(assertions(r, pre)), dumps(assertions(r, el)), describe(r, cond), r.children(el, "dmSeq"))


@handles("dmSeqAlts")
def seq_alts(r: Html, el: etree._Element) -> Markup:
    name = el.get("altsName")
    head = FastMarkup('<div class="pe-cond">{}</div>').format(name) if name else EMPTY
    return FastMarkup('<div{} data-pe="alts">{}{}</div>').format(r.attrs(el, "pe-alts"), head, r.children(el))


def describe(r: Html, cond: etree._Element | None) -> str:
    """A readable form of a condition for the no-script view (humanReadableForm if the author gave one)."""
    if cond is None:
        return ""
    readable = cond.get("humanReadableForm")
    if readable:
        return readable
    return _readable(r, cond)


_SYMBOLS = {"equal": "=", "notEqual": "≠", "greaterThan": ">", "greaterThanOrEqual": "≥", "lessThan": "<",
            "lessThanOrEqual": "≤", "plus": "+", "minus": "−", "times": "×", "divide": "÷"}
_WORDS = {"and": "applic_and", "or": "applic_or", True: "value_true", False: "value_false"}  # in the UI language


def _readable(r: Html, el: etree._Element) -> str:
    """An expression as a writer reads it: `tourMistakes + 1`, `oilOk = нет`."""
    kids = [c for c in el if isinstance(c.tag, str)]
    if el.tag == "expression":
        words = []
        for k in kids:
            if k.tag in OPERATORS or k.tag in FUNCTIONS:
                op = k.get(_OPERATION_ATTR[k.tag], "")
                words.append(r.t(_WORDS[op]) if op in ("and", "or") else _SYMBOLS.get(op, op))
            else:
                inner = _readable(r, k)
                words.append(f"({inner})" if k.tag == "expression" and len(k) > 1 else inner)
        return " ".join(words)
    v = value(el)
    if "var" in v:
        return v["var"]
    if "prop" in v:
        return v["prop"]
    if "assert" in v:
        return f"{v['assert']} = {v['values']}"
    if isinstance(v.get("lit"), bool):
        return r.t(_WORDS[v["lit"]])
    return json.dumps(v.get("lit"), ensure_ascii=False)


# -- dialogs -------------------------------------------------------------------------------------------------


@handles("dialog", "dialogGroup")
def dialog(r: Html, el: etree._Element) -> Markup:
    title = el.find("title")
    head = EMPTY
    if title is not None:
        r.seen.add(title)
        head = FastMarkup('<div class="pe-dialog-title">{}</div>').format(r.inner(title))
    return FastMarkup('<div{} data-pe-dialog>{}{}</div>').format(
        r.attrs(el, f"pe-{el.tag}"), head, r.children(el, *(t for t in DIALOG_PARTS)))


DIALOG_PARTS = ("userEntry", "menu", "pushButton", "message", "dialogGroup", "helpInfo")


def prompt(r: Html, el: etree._Element) -> Markup:
    return FastMarkup(" ").join(FastMarkup('<span class="pe-prompt">{}</span>').format(r.children(p))
                            for p in el.findall("prompt") if r.seen.add(p) is None)


def enabled(r: Html, el: etree._Element) -> dict[str, str]:
    """enabledState: the condition under which a dialog field can be used (the engine disables it otherwise)."""
    state = el.find("enabledState")
    if state is None:
        return {}
    r.seen.add(state)
    expr = state.find("expression")
    return {"data_enabled": dumps(expression(r, expr) if expr is not None else {"lit": True})}


@handles("userEntry")
def user_entry(r: Html, el: etree._Element) -> Markup:
    target = el.find("variableRef")
    target = target if target is not None else el.find("globalPropertyRef")
    r.consume(target)
    validate = el.find("validate")
    check = {}
    if validate is not None:
        r.seen.add(validate)
        expr = validate.find("expression")
        check = {"data_validate": dumps(expression(r, expr) if expr is not None else {"lit": True}),
                 "data_error": validate.get("errorMessage", "")}
    default = el.find("default")
    default_json = None
    if default is not None:
        r.seen.add(default)
        expr = default.find("expression")
        default_json = dumps(expression(r, expr)) if expr is not None else None
    size = el.get("dataEntryFieldLength")
    field = FastMarkup('<input type="text" data-pe-input data-target="{}"{}{}{}{}>').format(
        dumps(value(target) if target is not None else {"unsupported": "target"}),
        FastMarkup(' size="{0}" maxlength="{0}"').format(size) if size else EMPTY,
        FastMarkup(' required') if el.get("mandatory") == "1" else EMPTY,
        FastMarkup(' data-default="{}"').format(default_json) if default_json else EMPTY,
        FastMarkup("").join(FastMarkup(' {}="{}"').format(k.replace("_", "-"), v) for k, v in check.items()))
    buttons = r.children(el, "pushButton")
    return FastMarkup('<label{}>{} {}</label>{}').format(r.attrs(el, "pe-entry", **enabled(r, el)), prompt(r, el), field,
                                                      buttons)


@handles("menu")
def menu(r: Html, el: etree._Element) -> Markup:
    multiple = el.get("choiceSelection") == "multiple"
    name = r.next_id("menu")
    choices = []
    for choice in el.findall("menuChoice"):
        r.seen.add(choice)
        assigns = assertions(r, choice)
        for x in choice:
            if x.tag == "noAssertions":
                r.seen.add(x)
        choices.append(FastMarkup('<label class="pe-choice"><input type="{}" name="{}" data-assign="{}"{}> {}</label>').format(
            "checkbox" if multiple else "radio", name, dumps(assigns),
            FastMarkup(" required") if el.get("mandatory") == "1" and not multiple else EMPTY, prompt(r, choice)))
    return FastMarkup('<fieldset{} data-pe-menu><legend>{}</legend>{}</fieldset>').format(
        r.attrs(el, "pe-menu", **enabled(r, el)), prompt(r, el), FastMarkup("").join(choices))


@handles("pushButton")
def push_button(r: Html, el: etree._Element) -> Markup:
    inner = r.children(el, "dialog", "externalApplication")
    return FastMarkup('<details{}><summary class="button">{}</summary>{}</details>').format(
        r.attrs(el, "pe-push", **enabled(r, el)), prompt(r, el), inner)


@handles("message")
def message(r: Html, el: etree._Element) -> Markup:
    title = el.find("title")
    head = EMPTY
    if title is not None:
        r.seen.add(title)
        head = FastMarkup("<strong>{}</strong> ").format(r.inner(title))
    return FastMarkup('<div{} role="status">{}{}</div>').format(r.attrs(el, "pe-message"), head, prompt(r, el))


@handles("prompt")
def prompt_alone(r: Html, el: etree._Element) -> Markup:
    return FastMarkup('<span class="pe-prompt">{}</span>').format(r.children(el))


@handles("variableRef")
def variable_ref(r: Html, el: etree._Element) -> Markup:
    """A variable in text: the engine writes its current value here."""
    name = el.get("variableName", "")
    return FastMarkup('<span class="pe-var" data-var="{0}">{0}</span>').format(name)


@handles("globalPropertyRef")
def global_property(r: Html, el: etree._Element) -> Markup:
    name = el.get("applicPropertyIdent", "")
    return FastMarkup('<span class="pe-var" data-prop="{0}">{0}</span>').format(name)


register("externalApplication", "helpInfo", "variableDescr", "dialogAlts", "trigger")


STATEMENT_READERS["expression"] = _readable  # an applicability given as a process expression
