"""Whom to believe: the trust store (CA and signer certificates), revocation lists and the signing policy.

A signer's role comes from its certificate: an extended key usage OID that ietm defines (the demo PKI
issues them), or a subject attribute the policy names (e.g. OU=Quality Assurance) for certificates
from a PKI that cannot add ietm's OIDs. The policy says which roles may approve which kinds of object.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from ietm.errors import ConfigError
from ietm.paths import SIGNING
from ietm.sign.reasons import joined, named, reason

#: ietm's own OID arc (a UUID OID, ITU-T X.667, so it needs no registration); roles are EKUs under it
IETM_ARC = "2.25.318559316513677154828397551058826772885"
ROLE_EKU = {"qa": f"{IETM_ARC}.1", "writer": f"{IETM_ARC}.2"}

#: verification outcomes, most serious first; the CLI exits with the code of the worst one it saw.
#: icn: an illustration the module declares (or its ICN entity declaration) changed; certificate: the
#: certificate carried is not the one that signed; key-period: signed outside the private key usage period;
#: qualified: the policy wants the qualified form (or a higher CIPF class) for the role; appointment: the signer
#: held no appointment for the role in the register of signing-key holders (ietm.sign.register)
STATUSES = ("invalid", "icn", "certificate", "revoked", "untrusted", "key-period", "expired", "qualified",
            "appointment", "role", "unsigned", "valid")
EXIT_CODES = {"valid": 0, "invalid": 10, "untrusted": 11, "expired": 12, "revoked": 13, "role": 14, "unsigned": 15,
              "appointment": 16, "icn": 17, "certificate": 18, "key-period": 19, "qualified": 20}


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def subject_name(cert: x509.Certificate) -> str:
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(cn[0].value) if cn else cert.subject.rfc4514_string()


@dataclass
class Policy:
    """Roles (how a certificate shows one) and approvals (object kind -> roles that may sign it)."""

    roles: dict[str, dict] = field(default_factory=dict)
    approve: dict[str, list[str]] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def read(cls, path: Path) -> Policy:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError("signing policy not found", str(path)) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"signing policy is not valid TOML: {exc}", str(path)) from None
        roles, approve = data.get("roles", {}), data.get("approve", {})
        if not isinstance(roles, dict) or not isinstance(approve, dict):
            raise ConfigError("signing policy needs [roles.NAME] tables and an [approve] table", str(path))
        for name, how in roles.items():
            if not isinstance(how, dict) or not set(how) <= {"eku", "ou", "title", "qualified", "cipf"}:
                raise ConfigError(f"role '{name}' may only have eku, ou, title, qualified and cipf", str(path))
            if not isinstance(how.get("qualified", False), bool):
                raise ConfigError(f"roles.{name}.qualified must be true or false", str(path))
            if "cipf" in how:
                from ietm.sign.qualified import CLASS_ORDER, class_name

                if not isinstance(how["cipf"], str) or class_name(how["cipf"]) is None:
                    raise ConfigError(f"roles.{name}.cipf must be a CIPF class, one of {', '.join(CLASS_ORDER)}",
                                      str(path))
        for kind, allowed in approve.items():
            unknown = [r for r in allowed if r not in roles] if isinstance(allowed, list) else ["?"]
            if unknown:
                raise ConfigError(f"approve.{kind} names unknown role(s) {', '.join(unknown)}", str(path))
        return cls(roles, approve, str(path))

    def roles_of(self, cert: x509.Certificate) -> list[str]:
        try:
            ekus = {u.dotted_string for u in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value}
        except x509.ExtensionNotFound:
            ekus = set()
        ous = {str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)}
        titles = {str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.TITLE)}
        found = []
        for name, how in self.roles.items():
            if ekus & set(how.get("eku", [])) or ous & set(how.get("ou", [])) or titles & set(how.get("title", [])):
                found.append(name)
        return found

    def may_approve(self, cert: x509.Certificate, kind: str) -> tuple[str, str]:
        """("valid" | "role" | "qualified", reason): may the certificate's roles approve `kind`, and does the
        certificate meet what those roles require of its form (qualified, minimum CIPF class)."""
        have = self.roles_of(cert)
        allowed = self.approve.get(kind, [])
        fitting = sorted(set(have) & set(allowed))
        if not fitting:
            return "role", reason("role", signer=subject_name(cert), have=joined([named("role", r) for r in have], "and")
                                  or reason("no_role"), allowed=joined([named("role", r) for r in allowed], "and")
                                  or reason("nobody"), kind=named("kind", kind))
        shortfalls = []
        for role in fitting:
            lacking = self.form_shortfall(cert, role)
            if not lacking:
                return "valid", reason("role_may", role=named("role", role), kind=named("kind", kind))
            shortfalls.append(reason("role_requires", role=named("role", role), lacking=lacking))
        return "qualified", reason("form", signer=subject_name(cert), shortfalls=joined(shortfalls))

    def form_shortfall(self, cert: x509.Certificate, role: str) -> str | None:
        """What the role's `qualified` / `cipf` requirements find lacking in the certificate (None: nothing)."""
        how = self.roles.get(role, {})
        if not how.get("qualified") and not how.get("cipf"):
            return None
        from ietm.sign.qualified import class_name, class_rank, read

        form = read(cert)
        if how.get("qualified") and not form.qualified:
            return reason("need_qualified", verdict=form.verdict())
        if how.get("cipf"):
            needed = class_name(how["cipf"])
            have = form.cipf_class
            if have is None or class_rank(have) < class_rank(needed):
                return reason("need_class", needed=needed, have=have or reason("no_role"))
        return None


@dataclass
class Verdict:
    """What the trust evaluation of one signing certificate concluded."""

    status: str  # one of STATUSES
    reason: str


@dataclass
class TrustStore:
    """Trusted CA certificates (anchors), directly trusted signer certificates, and CRLs."""

    anchors: list[x509.Certificate] = field(default_factory=list)
    pinned: list[x509.Certificate] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)
    policy: Policy = field(default_factory=Policy)

    @classmethod
    def load(cls, trust: list[Path], crls: list[Path], policy: Path) -> TrustStore:
        store = cls(policy=Policy.read(policy))
        for place in trust:
            files = sorted(place.glob("*.pem")) + sorted(place.glob("*.crt")) if place.is_dir() else [place]
            if not place.exists():
                raise ConfigError("trust store not found", str(place))
            for f in files:
                try:
                    certs = x509.load_pem_x509_certificates(f.read_bytes())
                except ValueError:
                    raise ConfigError("not a PEM certificate file", str(f)) from None
                for c in certs:
                    (store.anchors if _is_ca(c) else store.pinned).append(c)
        for f in crls:
            try:
                data = f.read_bytes()
                crl = (x509.load_pem_x509_crl(data) if b"-----BEGIN" in data else x509.load_der_x509_crl(data))
            except OSError as exc:
                raise ConfigError(f"cannot read the CRL: {exc.strerror}", str(f)) from None
            except ValueError:
                raise ConfigError("not a PEM or DER certificate revocation list", str(f)) from None
            store.crls.append(crl)
        if not store.anchors and not store.pinned:
            raise ConfigError("the trust store holds no certificate; add the CA's certificate (PEM) to it",
                              ", ".join(map(str, trust)))
        return store

    @classmethod
    def of(cls, certs: list[x509.Certificate], policy: Policy) -> TrustStore:
        """A store of the given certificates: CA certificates are anchors, any other a trusted signer."""
        return cls([c for c in certs if _is_ca(c)], [c for c in certs if not _is_ca(c)], [], policy)

    def issuer_of(self, cert: x509.Certificate, extra: list[x509.Certificate]) -> x509.Certificate | None:
        from ietm.sign.certs import issued_by

        for ca in [*self.anchors, *extra]:
            if ca is not cert and issued_by(cert, ca):
                return ca
        return None

    def evaluate(self, cert: x509.Certificate, chain: list[x509.Certificate], kind: str,
                 when: dt.datetime | None = None, signed_at: dt.datetime | None = None) -> Verdict:
        """Trust, time, revocation, key usage period and role of a signing certificate, each failure with its
        own status. `when` is the time validity is judged at (now); `signed_at` the time the key was used (the
        signature's signing time; now, when about to sign)."""
        when = when or dt.datetime.now(dt.timezone.utc)
        path = self._path(cert, chain)
        if path is None:
            return Verdict("untrusted", reason("untrusted", signer=subject_name(cert), issuer=cert.issuer.rfc4514_string()))
        for c in path:
            if when < c.not_valid_before_utc:
                return Verdict("expired", reason("not_before", subject=subject_name(c), when=_utc(c.not_valid_before_utc)))
            if when > c.not_valid_after_utc:
                return Verdict("expired", reason("expired", subject=subject_name(c), when=_utc(c.not_valid_after_utc)))
        for c, issuer in zip(path, path[1:]):
            revoked = self._revoked(c, issuer)
            if revoked:
                return Verdict("revoked", revoked)
        if not _has_digital_signature(cert):
            return Verdict("untrusted", reason("no_signing_usage", subject=subject_name(cert)))
        outside = key_period_violation(cert, signed_at or when)
        if outside:
            return Verdict("key-period", outside)
        return Verdict(*self.policy.may_approve(cert, kind))

    def _path(self, cert: x509.Certificate, chain: list[x509.Certificate]) -> list[x509.Certificate] | None:
        """Signer up to a trust anchor (or a pinned signer certificate); None when it reaches neither."""
        if any(fingerprint(cert) == fingerprint(p) for p in self.pinned):
            return [cert]
        path = [cert]
        anchors = {fingerprint(a) for a in self.anchors}
        while fingerprint(path[-1]) not in anchors:
            issuer = self.issuer_of(path[-1], [c for c in chain if _is_ca(c)])
            if issuer is None or issuer in path or len(path) > 8:
                return None
            path.append(issuer)
        return path

    def _revoked(self, cert: x509.Certificate, issuer: x509.Certificate) -> str | None:
        from ietm.sign.certs import crl_signed_by

        for crl in self.crls:
            if crl.issuer != issuer.subject or not crl_signed_by(crl, issuer):
                continue
            entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
            if entry is not None:
                return reason("revoked", subject=subject_name(cert), serial=f"{cert.serial_number:x}",
                              when=_utc(entry.revocation_date_utc), issuer=subject_name(issuer))
        return None


def key_period_violation(cert: x509.Certificate, used: dt.datetime) -> str | None:
    """Why using the certificate's private key at `used` falls outside its privateKeyUsagePeriod (None: it does not)."""
    from ietm.sign.qualified import private_key_usage_period

    period = private_key_usage_period(cert)
    if period is None:
        return None
    start, end = period
    if start is not None and used < start:
        return reason("key_before", subject=subject_name(cert), used=_utc(used), start=_utc(start))
    if end is not None and used > end:
        return reason("key_after", subject=subject_name(cert), used=_utc(used), end=_utc(end))
    return None


def _utc(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _is_ca(cert: x509.Certificate) -> bool:
    """A CA certificate that may sign certificates: basicConstraints CA, and keyCertSign if it has key usage."""
    try:
        if not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False
    try:
        return bool(cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign)
    except x509.ExtensionNotFound:
        return True


def _has_digital_signature(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature)
    except x509.ExtensionNotFound:
        return True


def default_places(config_values: dict, source_dir: Path | None) -> tuple[list[Path], list[Path], Path]:
    """Trust folders, CRLs and policy from ietm.toml [sign], else the project's signing/ folder."""
    trust = [Path(p) for p in config_values.get("sign.trust", [])] or [SIGNING / "trust"]
    crls = [Path(p) for p in config_values.get("sign.crl", [])]
    policy = config_values.get("sign.policy") or ""
    policy_path = (source_dir / policy) if (policy and source_dir) else Path(policy) if policy else SIGNING / "policy.toml"
    return trust, crls, policy_path

