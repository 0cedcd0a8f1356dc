"""The ESKD approval route: the roles that sign an object, in order, each by a holder the register appoints.

Where a signing register is kept, `ietm sign` (and QA in the browser) signs an object as the next step of
its route ([route] in ietm.toml; default Разработал → Проверил → Т. контр. → Н. контр. → Утвердил). A step:
  - is refused, with one line, unless the signer's certificate has a current appointment for the step's role
    (the register, not the policy's role EKUs, says who may sign where a register is kept);
  - sets the module's S1000D QA status when the route says so ([route] qa, e.g. first verification at
    Проверил, second at Т. контр.), then signs the module's exact bytes as `ietm sign` always does
    (OBJECT.sig or OBJECT.xsig, naming the role and step in its approval statement);
  - records itself in the register: `approvals/FILE.route/KEY/NN.step` (schemas/register/register.xsd) with the
    SHA-256 of the bytes it signed, chained to the step before, signed detached by the same key.
A release manifest follows the route of kind `release` the same way (its bytes never change).

Verifying a route re-reads every step: its signature, its place and role in the route, the chain, the
bytes it signed (today's bytes with the QA status of that step, `qa.rewind`), and that its signer held an
appointment for the role when signing (else the status is "appointment").
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ietm.errors import ConfigError, IetmError, InputError, Refused
from ietm.i18n import message, words
from ietm.sign import statement
from ietm.sign.register import ROLES, Register, check_signer, role_name
from ietm.sign.statement import q, utc
from ietm.sign.reasons import joined, reason
from ietm.sign.trust import TrustStore, fingerprint
from ietm.sign.verify import signed_by

if TYPE_CHECKING:
    from ietm.sign.audit import AuditLog

GENESIS = "0" * 64
APPROVALS = "approvals"
QA_LEVELS = ("first", "second")
_STEP = re.compile(r"^(\d{2})\.step$")

words({  # what a signer is told when the route refuses a step (key -> (English, Russian))
    "route_broken": ("its approval route does not hold, so it cannot be signed further: {reason}",
                     "маршрут согласования нарушен, подписывать дальше нельзя: {reason}"),
    "route_complete": ("its approval route is complete ({roles}); upissue it to approve a new issue",
                       "маршрут согласования пройден ({roles}); для нового согласования выпустите новую редакцию"),
    "route_turn": ("the route is at step {n} ({next}); {role} signs {when}",
                   "маршрут на шаге {n} («{next}»); «{role}» подписывает {when}"),
    "route_earlier": ("earlier", "раньше"),
    "route_later": ("later", "позже"),
    "route_nowhere": ("at no step of this route", "ни на одном шаге этого маршрута"),
})


@dataclass(frozen=True)
class Routes:
    """The configured routes: a default, some kinds of their own, and the QA status given at some roles."""

    default: tuple[str, ...]
    kinds: dict[str, tuple[str, ...]]
    qa: dict[str, str]

    @classmethod
    def from_config(cls, config) -> Routes:
        def roles(value, name: str) -> tuple[str, ...]:
            if not isinstance(value, list) or not value:
                raise ConfigError(f"route.{name} must be a list of ESKD roles", str(config.source or "ietm.toml"))
            try:
                out = tuple(role_name(str(r)) for r in value)
            except InputError as exc:
                raise ConfigError(f"route.{name}: {exc.message}", str(config.source or "ietm.toml")) from None
            if len(set(out)) != len(out):
                raise ConfigError(f"route.{name} names a role twice", str(config.source or "ietm.toml"))
            return out

        qa = {}
        for role, level in config.get("route.qa").items():
            if level not in QA_LEVELS:
                raise ConfigError(f"route.qa: '{level}' is not one of {', '.join(QA_LEVELS)}", str(config.source or "ietm.toml"))
            try:
                qa[role_name(role)] = level
            except InputError as exc:
                raise ConfigError(f"route.qa: {exc.message}", str(config.source or "ietm.toml")) from None
        return cls(roles(config.get("route.default"), "default"),
                   {k: roles(v, f"kinds.{k}") for k, v in config.get("route.kinds").items()}, qa)

    def of(self, kind: str) -> tuple[str, ...]:
        return self.kinds.get(kind, self.default)

    def level_at(self, kind: str, n: int) -> str | None:
        """The QA status the route has given a module by its step `n` (1-based), if any."""
        levels = [self.qa[r] for r in self.of(kind)[:n] if r in self.qa]
        return max(levels, key=QA_LEVELS.index) if levels else None


@dataclass
class Step:
    """One verified step of a route."""

    n: int
    role: str
    time: dt.datetime
    name: str  # the holder's name as the register has it
    appointment: int
    certificate: dict[str, str]  # sha256, serial, subject, issuer of the signing certificate
    sha256: str  # of the object's bytes the step signed
    qa: str | None
    path: Path
    status: str = "valid"  # valid, invalid or appointment
    reason: str = ""

    def to_dict(self) -> dict:
        return {"n": self.n, "role": self.role, "time": utc(self.time), "name": self.name, "appointment": self.appointment,
                "certificate": dict(self.certificate), "sha256": self.sha256, "qa": self.qa, "status": self.status,
                "reason": self.reason, "step": str(self.path)}


@dataclass
class RouteState:
    """Where an object stands on its route, and whether every step so far holds."""

    file: str
    kind: str
    roles: tuple[str, ...]
    steps: list[Step] = field(default_factory=list)
    status: str = "valid"  # valid, invalid, appointment, or why a step's signer was not trusted (revoked,
    # expired ...): the first bad step decides
    reason: str = ""

    @property
    def next_role(self) -> str | None:
        return self.roles[len(self.steps)] if len(self.steps) < len(self.roles) else None

    @property
    def complete(self) -> bool:
        return len(self.steps) == len(self.roles)

    def summary(self) -> str:
        done = ", ".join(f"{s.role} {s.name}" for s in self.steps) or reason("route_no_step")
        left = reason("route_next", role=self.next_role) if self.next_role else reason("route_complete")
        return reason("route", done=len(self.steps), total=len(self.roles), steps=done, left=left)

    def to_dict(self) -> dict:
        return {"file": self.file, "kind": self.kind, "roles": list(self.roles), "complete": self.complete,
                "next": self.next_role, "status": self.status, "reason": self.reason,
                "steps": [s.to_dict() for s in self.steps]}


def _signed_bytes(kind: str, data: bytes, display: str, qa: str | None) -> bytes:
    """The object's bytes as the step signed them: today's bytes, with the QA status of that step for modules."""
    from ietm.sign.qa import rewind

    return rewind(data, display, qa) if kind in ("dm", "pm") else data


def steps_folder(reg: Register, target: Path, data: bytes, kind: str) -> Path:
    """`approvals/FILE/KEY/`: KEY is the SHA-256 (16 digits) of the content the route approves, its QA status
    aside, so a changed object (or a new release manifest) starts a route of its own, and the old one stays."""
    key = hashlib.sha256(_signed_bytes(kind, data, target.name, "unverified")).hexdigest()[:16]
    return reg.folder / APPROVALS / f"{target.name}.route" / key


def read_route(reg: Register, target: Path, data: bytes, kind: str, routes: Routes, store: TrustStore) -> RouteState:
    """Every recorded step of `target` (whose bytes today are `data`), checked; the first bad step stops the reading."""
    state = RouteState(target.name, kind, routes.of(kind))
    folder = steps_folder(reg, target, data, kind)
    if not folder.is_dir():
        return state
    numbered = sorted((int(m.group(1)), p) for p in folder.iterdir() if (m := _STEP.match(p.name)))
    prev = GENESIS
    for expected, (n, path) in enumerate(numbered, 1):
        bad = _check_step(reg, state, path, n, expected, prev, data, kind, store)
        if isinstance(bad, tuple):
            state.status, state.reason = bad
            return state
        state.steps.append(bad)
        prev = hashlib.sha256(path.read_bytes()).hexdigest()
        if bad.status != "valid":
            state.status, state.reason = bad.status, bad.reason
            return state
    if numbered:
        state.reason = state.summary()
    return state


def _check_step(reg, state: RouteState, path: Path, n: int, expected: int, prev: str, data: bytes, kind: str,
                store: TrustStore) -> Step | tuple[str, str]:
    if n != expected:
        return "invalid", reason("step_missing", folder=path.parent.name, n=f"{expected:02d}")
    try:
        s = statement.read(path, store)
    except statement.SignerNotTrusted as exc:
        return exc.status, reason("step", n=n, detail=exc.message)
    except InputError as exc:
        return "invalid", reason("step", n=n, detail=exc.message)
    root = s.root
    if root.tag != q("step") or int(root.get("n")) != n or root.get("prev") != prev:
        return "invalid", reason("step_out_of_place", n=n)
    role = root.get("role")
    if n > len(state.roles) or state.roles[n - 1] != role:
        return "invalid", reason("step_role", n=n, role=role,
                                 expected=state.roles[n - 1] if n <= len(state.roles) else reason("step_no_such"))
    obj, by = root.find(q("object")), root.find(q("by"))
    if obj.get("file") != state.file:
        return "invalid", reason("step_file", n=n, file=obj.get("file"), expected=state.file)
    if hashlib.sha256(_signed_bytes(kind, data, state.file, obj.get("qa"))).hexdigest() != obj.get("sha256"):
        return "invalid", reason("step_changed", file=state.file, n=n, role=role)
    number = int(by.get("appointment"))
    cert = {"sha256": s.fingerprint, "serial": f"{s.cert.serial_number:x}", "subject": s.cert.subject.rfc4514_string(),
            "issuer": s.cert.issuer.rfc4514_string()}
    step = Step(n, role, s.time, by.get("name"), number, cert, obj.get("sha256"), obj.get("qa"), path)
    a = reg.appointments.get(number)
    if a is None or a.kind != "holder" or a.fingerprint != s.fingerprint or role not in a.roles or not a.current(s.time):
        step.status = "appointment"
        step.reason = reason("step_appointment", n=n, role=role, when=utc(s.time), why=reg.why_not(s.cert, role, s.time))
    return step


def load(start: Path, store: TrustStore | None = None) -> tuple[Register, Routes] | None:
    """The register and routes where a register is kept at `start`, else None (signing as without a route)."""
    from ietm.config import load_config
    from ietm.sign.register import kept

    reg = kept(start, store)
    return (reg, Routes.from_config(load_config(start))) if reg is not None else None


@dataclass
class Prepared:
    """A route step made in memory: the files to write together (object, its signature, the step and its signature)."""

    target: Path
    files: list[tuple[Path, bytes | None]]
    read_digest: str | None  # SHA-256 of the object as read (None: a manifest being made)
    role: str
    n: int
    qa: str | None
    sha256: str
    lock: Path
    signature: Path  # the object's own signature the step writes (OBJECT.sig or OBJECT.xsig)
    obj: object = None


def prepare(reg: Register, routes: Routes, target: Path, kind: str, creds, store: TrustStore, role: str | None,
            examined=None, manifest: bytes | None = None, new_manifest: bool = False, fmt: str | None = None) -> Prepared:
    """The next step of `target`'s route by `creds`: refused unless it is the signer's turn and appointment.

    Either `examined` (an object, detached.examine) or `manifest` (a release manifest's bytes; `new_manifest`
    when they are still to be written, by `ietm release`).
    """
    from ietm.sign.detached import sign_examined
    from ietm.sign.formats import sign_bytes

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    display = str(target)
    current = manifest if manifest is not None else target.read_bytes()
    state = read_route(reg, target, current, kind, routes, store)
    if state.status != "valid":
        raise Refused(message("route_broken", reason=state.reason), display)
    if state.next_role is None:
        raise Refused(message("route_complete", roles=", ".join(state.roles)), display)
    wanted = role_name(role) if role else state.next_role
    if wanted != state.next_role:
        when = ("route_earlier" if wanted in state.roles[:len(state.steps)] else "route_later" if wanted in state.roles
                else "route_nowhere")
        raise Refused(message("route_turn", n=len(state.steps) + 1, next=state.next_role, role=wanted,
                              when=message(when)), display)
    try:
        appointment = check_signer(reg, creds.cert, wanted, now)
    except Refused as exc:
        raise Refused(exc.message, display) from None
    verdict = statement.trusted_at(store, creds.cert, creds.chain, now)
    if verdict.status != "valid":
        raise Refused(reason("cert_refused", why=verdict.reason), display)
    n = len(state.steps) + 1
    step_tag = {"eskdRole": wanted, "step": str(n)}
    if examined is not None:
        signed = sign_examined(examined, creds, store, fmt, route_step=step_tag)
        data, files = examined.data, [(target, signed.data), (signed.signature, signed.signature_data)]
        signature = signed.signature
        qa, qa_type, obj = examined.obj.qa, examined.obj.qa_type, examined.obj
        code, issue, language = obj.key, obj.issue, obj.language
    else:
        data = manifest
        suffix, sig = sign_bytes(creds, target.name, data, {
            "kind": kind, "object": target.parent.resolve().name, "file": target.name,
            "sha256": hashlib.sha256(data).hexdigest(), "signer": creds.cert.subject.rfc4514_string(), **step_tag}, fmt)
        signature = target.with_name(target.name + suffix)
        files = ([(target, data)] if new_manifest else []) + [(signature, sig)]
        qa = qa_type = obj = None
        code, issue, language = target.parent.resolve().name, None, None
    digest = hashlib.sha256(data).hexdigest()
    folder = steps_folder(reg, target, current, kind)
    prev = hashlib.sha256((folder / f"{n - 1:02d}.step").read_bytes()).hexdigest() if n > 1 else GENESIS
    root = etree.Element(q("step"), n=str(n), role=wanted, prev=prev, time=utc(now), nsmap={None: statement.NS})
    o = etree.SubElement(root, q("object"), file=target.name, kind=kind, code=code, sha256=digest)
    for name, value in (("issue", issue), ("language", language), ("qa", qa), ("qaType", qa_type)):
        if value:
            o.set(name, value)
    etree.SubElement(root, q("by"), name=appointment.name, certificate=fingerprint(creds.cert),
                     appointment=str(appointment.number))
    step_data = statement.serialize(root)
    step_path = folder / f"{n:02d}.step"
    sig_file, sig_data = statement.sign(creds, step_path, step_data, "route-step", fmt)
    files += [(step_path, step_data), (sig_file, sig_data)]
    read = None if new_manifest else hashlib.sha256(current).hexdigest()
    return Prepared(target, files, read, wanted, n, qa, digest, folder.parent / ".lock", signature, obj)


def write(p: Prepared) -> None:
    """Write the step's files together, unless the object or its route changed since the step was prepared."""
    from ietm.sign.detached import write_together
    from ietm.sign.formats import SUFFIXES

    p.lock.parent.mkdir(parents=True, exist_ok=True)
    with open(p.lock, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if p.read_digest is not None and hashlib.sha256(p.target.read_bytes()).hexdigest() != p.read_digest:
            raise Refused("changed on disk while it was being signed; nothing written, sign it again", str(p.target))
        step_path = next(path for path, _ in p.files if path.name.endswith(".step"))
        if step_path.exists():
            raise Refused(f"someone signed step {p.n} of its route meanwhile; nothing written, sign it again", str(p.target))
        step_path.parent.mkdir(parents=True, exist_ok=True)
        write_together(p.files)
        for suffix in SUFFIXES:  # a signature of the other format, left from an earlier step, no longer holds
            other = p.target.with_name(p.target.name + suffix)
            if other != p.signature:
                other.unlink(missing_ok=True)


def sign_objects(objects: list[Path], creds, store: TrustStore, reg: Register, routes: Routes, role: str | None,
                 vtype: str, check, log: AuditLog, fmt: str | None = None) -> list[Prepared]:
    """`ietm sign` where a register is kept: the next route step of each object; every refusal before any write."""
    from ietm.parse.loader import load
    from ietm.parse.model import describe
    from ietm.sign import audit
    from ietm.sign.detached import examine
    from ietm.sign.manifest import MANIFEST_NAME
    from ietm.sign.qa import canonical

    signer = creds.cert.subject.rfc4514_string()
    prepared = []
    try:
        for path in objects:
            if path.name == MANIFEST_NAME:
                prepared.append(prepare(reg, routes, path, "release", creds, store, role, manifest=path.read_bytes(),
                                        fmt=fmt))
                continue
            obj = describe(load(path))
            state = read_route(reg, path, path.read_bytes(), obj.kind, routes, store)
            level = routes.level_at(obj.kind, len(state.steps) + 1) if obj.kind in ("dm", "pm") else None
            have = QA_LEVELS.index(obj.qa) if obj.qa in QA_LEVELS else -1
            if level is not None and QA_LEVELS.index(level) <= have:
                level = None  # the module has that status already; a status is never lowered
            e = examine(path, level, vtype if level else None, check, unverified_ok=True)
            if e.obj.qa in (None, "unverified"):
                e.data = canonical(e.data, str(path))
                e.changed = e.data != path.read_bytes()
            prepared.append(prepare(reg, routes, path, obj.kind, creds, store, role, examined=e, fmt=fmt))
    except IetmError as exc:
        audit.append(log, "sign-refused", path=exc.path or str(objects[0]), signer=signer, reason=exc.message)
        raise
    for p in prepared:
        write(p)
        audit.append(log, "route-step", path=str(p.target), role=p.role, step=p.n, qa=p.qa, sha256=p.sha256, signer=signer)
    return prepared


def judge(outcome, reg: Register, routes: Routes, store: TrustStore, state: RouteState | None = None) -> None:
    """`ietm verify` where a register is kept: the register, not the policy, judges the signer, and the object's
    route must hold. Changes `outcome` in place: "role" becomes valid for an appointed signer; a signer with no
    appointment at the signing time, or a route step whose signer had none, becomes "appointment".
    `state`: the object's route, if the caller has read it already."""
    from ietm.sign.manifest import MANIFEST_NAME

    if outcome.status not in ("valid", "role") or not outcome.signature:
        return
    path = Path(outcome.path)
    if path.is_dir() or not path.is_file():
        return
    kind = "release" if path.name == MANIFEST_NAME else outcome.kind or "dm"
    state = state or read_route(reg, path, path.read_bytes(), kind, routes, store)
    if state.status != "valid":
        outcome.status, outcome.reason = state.status, state.reason
        return
    cert = outcome.cert
    when = statement.parse_utc(outcome.signed_at) if outcome.signed_at else dt.datetime.now(dt.timezone.utc)
    roles = [s.role for s in state.steps] or list(ROLES)
    held = next((r for r in roles if reg.appointment(fingerprint(cert), r, when)), None) if cert is not None else None
    if held is None:
        outcome.status = "appointment"
        outcome.reason = reason("no_appointment", when=outcome.signed_at or "?",
                                why=reg.why_not(cert, roles[-1], when) if cert is not None else reason("no_certificate"))
        return
    if outcome.status == "role":
        outcome.status = "valid"
        outcome.reason = signed_by(outcome)
    appointed = reason("appointed", role=held)
    outcome.reason = joined([outcome.reason, appointed, state.summary()] if state.steps else [outcome.reason, appointed])


def report(done: list[Prepared], fmt: str) -> None:
    """What `ietm sign` prints for route steps: one line each, or JSON."""
    import json
    import sys

    import click

    results = [{"path": str(p.target), "role": p.role, "step": p.n, "qa": p.qa, "sha256": p.sha256,
                "files": [str(f) for f, data in p.files if data is not None]} for p in done]
    if fmt == "json":
        json.dump({"signed": results}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for p in done:
        qa = f", {p.qa} verification" if p.qa not in (None, "unverified") else ""
        click.echo(f"SIGNED: {p.target} as {p.role} (route step {p.n}{qa})")


def judge_all(outcomes: list, start: Path, store: TrustStore) -> None:
    """`judge` every outcome where a register is kept at `start`; nothing changes where none is."""
    routed = load(start, store)
    if routed is not None:
        for o in outcomes:
            judge(o, *routed, store)


def pending(csdb: Path):
    """Where a register is kept: a cheap test (no signature verified) of whether an object's route is not
    complete, for listings such as the QA queue; None where no register is kept."""
    from ietm.config import load_config
    from ietm.sign.register import folder_of

    folder = folder_of(csdb)
    if folder is None:
        return None
    routes = Routes.from_config(load_config(csdb))

    def incomplete(path: Path, kind: str) -> bool:
        try:
            steps = steps_folder(Register(folder), path, path.read_bytes(), kind)
        except (OSError, IetmError):
            return False
        done = len(list(steps.glob("*.step"))) if steps.is_dir() else 0
        return done < len(routes.of(kind))

    return incomplete
