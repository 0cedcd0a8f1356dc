"""The register of signing-key holders: who may sign in which ESKD role, appointed by whom, from when to when.

The register lives in the CSDB, in the folder `[register] folder` of ietm.toml names (e.g. `register/`), so it
travels with the manual it governs and outlives the `.ietm/` caches. Each change is one file,
`changes/NNNNNN.change` (schemas/register/register.xsd), that names the SHA-256 of the change before it and
has a detached signature beside it by the official who made it. The current state is the replay of the
changes in order; reading the register verifies every link and signature, so an edited, removed or
reordered change, or one signed by someone who was not an official at the time, stops every command that
relies on the register with one line naming the change. Every change is also written to the audit log.

Two kinds of appointment: holders (a person, a position, the ESKD roles they sign in, their certificate by
its SHA-256 fingerprint, a period) and officials responsible for the security of the signing means (who
keep the register: from the first official on, only a current official may sign a change; until there is
one, any certificate the trust store trusts may, so that a new register can start).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from lxml import etree

from ietm.atomic import write_new
from ietm.errors import ConfigError, IetmError, InputError, NotFound, Refused
from ietm.i18n import message, words
from ietm.sign import statement
from ietm.sign.statement import q, utc
from ietm.sign.trust import TrustStore, fingerprint, subject_name

if TYPE_CHECKING:
    from ietm.sign.audit import AuditLog

GENESIS = "0" * 64
#: ESKD signing roles (GOST 2.104) in route order, with short Latin codes for command lines
ROLES = ("Разработал", "Проверил", "Т. контр.", "Н. контр.", "Утвердил")
ROLE_CODES = {"razrab": "Разработал", "prov": "Проверил", "tkontr": "Т. контр.", "nkontr": "Н. контр.", "utv": "Утвердил"}
ROLES_EN = {"Разработал": "Developed", "Проверил": "Checked", "Т. контр.": "Technical control",
            "Н. контр.": "Standards control", "Утвердил": "Approved"}
KINDS = ("holder", "official")
_NAME = re.compile(r"^(\d{6})\.change$")

words({  # what a signer is told when the register refuses them (key -> (English, Russian))
    "reg_not_in": ("{who} (certificate {fp}…) is not in the signing register",
                   "{who} (сертификат {fp}…) не внесён в реестр владельцев ключей ЭП"),
    "reg_other_roles": ("{who} is appointed to sign as {held}, not as {role}",
                        "{who} назначен подписывать как «{held}», а не как «{role}»"),
    "reg_ended": ("{who}'s appointment {n} as {role} was ended on {when} ({reason})",
                  "назначение № {n} ({who}, «{role}») прекращено {when} ({reason})"),
    "reg_expired": ("{who}'s appointment {n} as {role} expired on {when}",
                    "срок назначения № {n} ({who}, «{role}») истёк {when}"),
    "reg_pending": ("{who}'s appointment {n} as {role} begins on {when}",
                    "назначение № {n} ({who}, «{role}») начинается {when}"),
    "reg_may_not_sign": ("may not sign as {role}: {why}", "нельзя подписать как «{role}»: {why}"),
    "reg_not_official": ("signed by {who}, who was not an official responsible for the signing means at {when}",
                         "подписано лицом {who}, которое на {when} не было ответственным за безопасность средств ЭП"),
})


def role_name(text: str) -> str:
    """The ESKD role meant by `text`: its Russian name (any case, spacing and dots) or its Latin code."""
    key = re.sub(r"[\s.]", "", text).lower()
    for code, role in ROLE_CODES.items():
        if key in (code, re.sub(r"[\s.]", "", role).lower()):
            return role
    raise InputError(f"'{text}' is not an ESKD signing role: {', '.join(ROLES)} (or {', '.join(ROLE_CODES)})")


def role_code(role: str) -> str:
    return next(c for c, r in ROLE_CODES.items() if r == role)


def certificate_fields(cert: x509.Certificate) -> dict[str, str]:
    return {"sha256": fingerprint(cert), "serial": f"{cert.serial_number:x}", "subject": cert.subject.rfc4514_string(),
            "issuer": cert.issuer.rfc4514_string()}


@dataclass
class Appointment:
    """One appointment as the replay of the changes leaves it (`number` is the change that made it)."""

    number: int
    kind: str
    name: str
    position: str
    roles: tuple[str, ...]
    certificate: dict[str, str]
    start: dt.datetime
    until: dt.datetime | None
    basis: str | None
    appointed_by: str
    appointed_at: dt.datetime
    ended_at: dt.datetime | None = None
    ended_by: str | None = None
    end_reason: str | None = None

    @property
    def fingerprint(self) -> str:
        return self.certificate["sha256"]

    def current(self, when: dt.datetime) -> bool:
        return (self.start <= when and (self.until is None or when < self.until)
                and (self.ended_at is None or when < self.ended_at))

    def state(self, when: dt.datetime) -> str:
        """current, ended (by a change), expired (its period is over) or pending (its period has not begun)."""
        if self.ended_at is not None and when >= self.ended_at:
            return "ended"
        if when < self.start:
            return "pending"
        if self.until is not None and when >= self.until:
            return "expired"
        return "current"

    def to_dict(self, when: dt.datetime | None = None) -> dict:
        when = when or dt.datetime.now(dt.timezone.utc)
        return {"number": self.number, "kind": self.kind, "name": self.name, "position": self.position,
                "roles": list(self.roles), "certificate": dict(self.certificate), "from": utc(self.start),
                "until": utc(self.until) if self.until else None, "basis": self.basis,
                "appointed_by": self.appointed_by, "appointed_at": utc(self.appointed_at),
                "ended_at": utc(self.ended_at) if self.ended_at else None, "ended_by": self.ended_by,
                "end_reason": self.end_reason, "state": self.state(when)}


@dataclass
class Change:
    number: int
    action: str  # appoint or end
    time: dt.datetime
    signer: str
    sha256: str
    appointment: int


@dataclass
class Register:
    """The register's state after replaying (and verifying) every change in its folder."""

    folder: Path
    appointments: dict[int, Appointment] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)

    @property
    def changes_dir(self) -> Path:
        return self.folder / "changes"

    @property
    def last_hash(self) -> str:
        return self.changes[-1].sha256 if self.changes else GENESIS

    @classmethod
    def load(cls, folder: Path, store: TrustStore) -> Register:
        """Replay every change, verifying chain, schema, signature, trust and the signer's authority."""
        reg = cls(folder)
        if not reg.changes_dir.is_dir():
            return reg
        numbered = sorted((int(m.group(1)), p) for p in reg.changes_dir.iterdir() if (m := _NAME.match(p.name)))
        for expected, (number, path) in enumerate(numbered, 1):
            if number != expected:
                raise ConfigError(f"signing register broken: change {expected:06d} is missing before this one", str(path))
            try:
                reg._apply(statement.read(path, store))
            except InputError as exc:
                raise ConfigError(f"signing register broken: {exc.message}", exc.path or str(path), exc.line) from None
        return reg

    def _apply(self, s: statement.Signed) -> None:
        root, number = s.root, len(self.changes) + 1
        if root.tag != q("change"):
            raise InputError(f"is a {etree.QName(root).localname}, not a change", str(s.path))
        if int(root.get("seq")) != number:
            raise InputError(f"says it is change {root.get('seq')}, but it is number {number}", str(s.path))
        if root.get("prev") != self.last_hash:
            raise InputError("chain broken: the change before it was altered, removed or replaced", str(s.path))
        if self.changes and s.time < self.changes[-1].time:
            raise InputError(f"dated {root.get('time')}, before the change preceding it", str(s.path))
        officials = [a for a in self.appointments.values() if a.kind == "official"]
        if officials and not any(a.current(s.time) and a.fingerprint == s.fingerprint for a in officials):
            raise InputError(message("reg_not_official", who=s.signer, when=root.get("time")), str(s.path))
        by = root.find(q("by"))
        if by.get("certificate") != s.fingerprint:
            raise InputError("names another certificate as its author than the one that signed it", str(s.path))
        appoint, end = root.find(q("appoint")), root.find(q("end"))
        if appoint is not None:
            cert = appoint.find(q("certificate"))
            self.appointments[number] = Appointment(
                number, appoint.get("kind"), appoint.findtext(q("name")), appoint.findtext(q("position")),
                tuple(r.text for r in appoint.findall(q("role"))), dict(cert.attrib),
                statement.parse_utc(appoint.get("from")),
                statement.parse_utc(appoint.get("until")) if appoint.get("until") else None,
                appoint.findtext(q("basis")), by.get("name"), s.time)
            if appoint.get("kind") == "holder" and not self.appointments[number].roles:
                raise InputError("appoints a holder with no signing role", str(s.path))
            target = number
        else:
            target = int(end.get("appointment"))
            a = self.appointments.get(target)
            if a is None:
                raise InputError(f"ends appointment {target}, which no earlier change made", str(s.path))
            if a.ended_at is not None:
                raise InputError(f"ends appointment {target}, which change ended already", str(s.path))
            a.ended_at, a.ended_by, a.end_reason = statement.parse_utc(end.get("at")), by.get("name"), end.findtext(q("reason"))
        self.changes.append(Change(number, "appoint" if appoint is not None else "end", s.time, s.signer,
                                   hashlib.sha256(s.data).hexdigest(), target))

    # ----- questions the signing and verifying code asks

    def appointment(self, cert_fingerprint: str, role: str, when: dt.datetime) -> Appointment | None:
        return next((a for a in self.appointments.values() if a.kind == "holder" and a.fingerprint == cert_fingerprint
                     and role in a.roles and a.current(when)), None)

    def why_not(self, cert: x509.Certificate, role: str, when: dt.datetime) -> str:
        """One line saying why `cert` had no appointment for `role` at `when`."""
        fp = fingerprint(cert)
        mine = [a for a in self.appointments.values() if a.kind == "holder" and a.fingerprint == fp]
        who = subject_name(cert)
        if not mine:
            return message("reg_not_in", who=who, fp=fp[:16])
        for_role = [a for a in mine if role in a.roles]
        if not for_role:
            held = sorted({r for a in mine for r in a.roles}, key=ROLES.index)
            return message("reg_other_roles", who=who, held=", ".join(held), role=role)
        a = max(for_role, key=lambda a: a.start)
        state = a.state(when)
        if state == "ended":
            return message("reg_ended", who=who, n=a.number, role=role, when=utc(a.ended_at), reason=a.end_reason)
        if state == "expired":
            return message("reg_expired", who=who, n=a.number, role=role, when=utc(a.until))
        return message("reg_pending", who=who, n=a.number, role=role, when=utc(a.start))

    def holders(self) -> list[Appointment]:
        return [a for a in self.appointments.values() if a.kind == "holder"]

    def officials(self) -> list[Appointment]:
        return [a for a in self.appointments.values() if a.kind == "official"]

    def get(self, number: int) -> Appointment:
        try:
            return self.appointments[number]
        except KeyError:
            raise NotFound(f"no appointment {number} in the signing register", str(self.folder)) from None

    # ----- changing the register

    def appoint(self, creds, kind: str, name: str, position: str, roles: list[str], cert: x509.Certificate,
                start: dt.datetime | None, until: dt.datetime | None, basis: str | None, store: TrustStore,
                log: AuditLog | None, fmt: str | None = None) -> Appointment:
        """Appoint a holder (with roles) or an official; signed by `creds`, written, and logged."""
        if kind not in KINDS:
            raise InputError(f"kind '{kind}' is not one of {', '.join(KINDS)}")
        roles = list(dict.fromkeys(role_name(r) for r in roles))
        if kind == "holder" and not roles:
            raise InputError("a holder needs at least one signing role (--role)")
        if kind == "official" and roles:
            raise InputError("an official responsible for the signing means has no signing role; appoint a holder for that")
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        start = start or now
        if until is not None and until <= start:
            raise InputError(f"the appointment would end ({utc(until)}) before it begins ({utc(start)})")
        verdict = store.evaluate(cert, [cert], "register", start)
        if verdict.status not in ("valid", "role"):
            raise Refused(f"the holder's certificate is not acceptable: {verdict.reason}", subject_name(cert))
        el = etree.Element(q("appoint"), kind=kind, **{"from": utc(start)})
        if until is not None:
            el.set("until", utc(until))
        etree.SubElement(el, q("name")).text = name
        etree.SubElement(el, q("position")).text = position
        for r in roles:
            etree.SubElement(el, q("role")).text = r
        etree.SubElement(el, q("certificate"), **certificate_fields(cert))
        if basis:
            etree.SubElement(el, q("basis")).text = basis
        number = self._append(creds, el, store, log, "register-appoint",
                              {"kind": kind, "name": name, "roles": roles, "certificate": fingerprint(cert)}, fmt)
        return self.appointments[number]

    def end(self, creds, number: int, reason: str, at: dt.datetime | None, store: TrustStore, log: AuditLog | None,
            fmt: str | None = None) -> Appointment:
        """End appointment `number` (revoked, left, certificate replaced ...) from `at` (default now)."""
        a = self.get(number)
        if a.ended_at is not None:
            raise Refused(f"appointment {number} ({a.name}) was ended already on {utc(a.ended_at)}")
        at = at or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        el = etree.Element(q("end"), appointment=str(number), at=utc(at))
        etree.SubElement(el, q("reason")).text = reason
        self._append(creds, el, store, log, "register-end", {"appointment": number, "name": a.name, "reason": reason}, fmt)
        return self.appointments[number]

    def _append(self, creds, action: etree._Element, store: TrustStore, log: AuditLog | None, event: str, fields: dict,
                fmt: str | None = None) -> int:
        """Sign and write one change (`fmt`: cades or xml; None: the key's default), then log it."""
        from ietm.sign import audit

        self.changes_dir.mkdir(parents=True, exist_ok=True)
        with open(self.changes_dir / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one writer at a time; the others wait and chain after it
            fresh = Register.load(self.folder, store)
            self.appointments, self.changes = fresh.appointments, fresh.changes
            number = len(self.changes) + 1
            now = dt.datetime.now(dt.timezone.utc)
            root = etree.Element(q("change"), seq=str(number), prev=self.last_hash, time=utc(now), nsmap={None: statement.NS})
            root.append(action)
            official = next((a for a in self.officials() if a.current(now) and a.fingerprint == fingerprint(creds.cert)), None)
            etree.SubElement(root, q("by"), name=official.name if official else subject_name(creds.cert),
                             certificate=fingerprint(creds.cert))
            data = statement.serialize(root)
            path = self.changes_dir / f"{number:06d}.change"
            try:
                self._apply(statement.Signed(path, root, data, creds.cert, creds.chain))
            except InputError as exc:
                raise Refused(exc.message, str(self.folder)) from None
            verdict = statement.trusted_at(store, creds.cert, creds.chain, now)
            if verdict.status != "valid":
                raise Refused(f"{subject_name(creds.cert)} may not sign the register: {verdict.reason}", str(self.folder))
            sig_path, sig = statement.sign(creds, path, data, "register", fmt)
            write_new(sig_path, sig, mode=0o644)  # the signature first: a reader never sees a change without its signature
            try:
                write_new(path, data, mode=0o644)
            except IetmError:
                sig_path.unlink(missing_ok=True)
                raise
        if log is not None:
            audit.append(log, event, register=str(self.folder), change=number, sha256=hashlib.sha256(data).hexdigest(),
                         signer=creds.cert.subject.rfc4514_string(), **fields)
        return number


def folder_of(start: Path) -> Path | None:
    """The register folder `[register] folder` in ietm.toml names (relative to that file), or None if none is kept."""
    from ietm.config import load_config

    config = load_config(start)
    configured = config.get("register.folder")
    if not configured:
        return None
    return (config.source.parent / configured) if config.source else Path(configured)


def kept(start: Path, store: TrustStore | None = None) -> Register | None:
    """The register of the CSDB at `start`, verified, or None where no register is kept."""
    from ietm.sign.verify import load_store

    folder = folder_of(start)
    if folder is None:
        return None
    return Register.load(folder, store or load_store(start))


def required(start: Path, store: TrustStore | None = None) -> Register:
    reg = kept(start, store)
    if reg is None:
        raise ConfigError("no signing register is kept here: set [register] folder = \"register\" in ietm.toml",
                          str(start))
    return reg


def check_signer(reg: Register, cert: x509.Certificate, role: str, when: dt.datetime | None = None) -> Appointment:
    """The signer's current appointment for `role`, or Refused with the one-line reason."""
    when = when or dt.datetime.now(dt.timezone.utc)
    found = reg.appointment(fingerprint(cert), role, when)
    if found is None:
        raise Refused(message("reg_may_not_sign", role=role, why=reg.why_not(cert, role, when)))
    return found


def appoint_demo(csdb: Path, appointer, holders: list[tuple[str, str, list[str], x509.Certificate]],
                 official: tuple[str, str] | None = None, log: AuditLog | None = None) -> list[Appointment]:
    """For `ietm pki init --gost --csdb`: appoint `appointer` (Credentials) as the official responsible for the
    signing means (`official`: name and position; default the certificate's name), then each holder (name,
    position, ESKD roles, certificate), in the register of `csdb`."""
    from ietm.sign.commands import audit_log_for
    from ietm.sign.verify import load_store

    store = load_store(csdb)
    reg = required(csdb, store)
    log = log or audit_log_for(csdb)
    official = official or (subject_name(appointer.cert), "Ответственный за обеспечение безопасности средств ЭП")
    made = [reg.appoint(appointer, "official", official[0], official[1], [], appointer.cert, None, None,
                        "демонстрационный реестр", store, log)]
    for name, position, roles, cert in holders:
        made.append(reg.appoint(appointer, "holder", name, position, roles, cert, None, None, None, store, log))
    return made
