"""The form of a qualified certificate (квалифицированный сертификат ключа проверки электронной подписи).

Fields and OIDs are those of the Requirements for the form of a qualified certificate, FSB order No. 795 of
27.12.2011, as amended (order No. 31 of 29.01.2021 split ИНН into INN and INNLE), and of Federal Law 63-FZ
art. 17 (what the certificate must name); signing/README.md cites them field by field. The check digits are
the published rules of each register (ОГРН, ОГРНИП, ИНН, СНИЛС).

`read(cert)` reports every field found and what the form lacks; it never raises for a certificate that
merely is not qualified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from cryptography import x509
from cryptography.x509.oid import NameOID

from ietm.i18n import Message, t, words

#: name attributes of the subject and issuer: key -> (OID, label, digits)
ATTRIBUTES = {
    "ogrn": ("1.2.643.100.1", "ОГРН", 13),
    "ogrnip": ("1.2.643.100.5", "ОГРНИП", 15),
    "inn": ("1.2.643.3.131.1.1", "ИНН", 12),
    "innle": ("1.2.643.100.4", "ИНН ЮЛ", 10),
    "snils": ("1.2.643.100.3", "СНИЛС", 11),
}
SUBJECT_SIGN_TOOL = "1.2.643.100.111"
ISSUER_SIGN_TOOL = "1.2.643.100.112"
IDENTIFICATION_KIND = "1.2.643.100.114"
#: certificate policies naming the class of the owner's signature tool (СКЗИ), weakest first
CIPF_CLASSES = {"1.2.643.100.113.1": "КС1", "1.2.643.100.113.2": "КС2", "1.2.643.100.113.3": "КС3",
                "1.2.643.100.113.4": "КВ1", "1.2.643.100.113.5": "КВ2", "1.2.643.100.113.6": "КА1"}
CLASS_ORDER = list(CIPF_CLASSES.values())
#: how a policy may name a class: the order's names, without the digit for КВ/КА, or in Latin letters
CLASS_ALIASES = {**{c: c for c in CLASS_ORDER}, "КВ": "КВ1", "КА": "КА1",
                 **{c.translate(str.maketrans("КСВА", "KSVA")): c for c in CLASS_ORDER}, "KV": "КВ1", "KA": "КА1",
                 **{c.translate(str.maketrans("КСВА", "KCBA")): c for c in CLASS_ORDER}}
IDENTIFICATION_KINDS = {0: "in person", 1: "remotely, with a qualified signature",
                        2: "remotely, with a biometric passport", 3: "remotely, through the unified biometric system"}
GOST_KEYS = ("1.2.643.7.1.1.1.1", "1.2.643.7.1.1.1.2")

#: what a certificate may lack of the qualified form (`missing`), as a reader names it (the badge, `ietm cert show`)
FORM_ITEMS = {item: f"sig_form_{n}" for n, item in enumerate((
    "commonName", "countryName", "issuer ОГРН", "issuer ИНН ЮЛ", "subjectSignTool", "issuerSignTool",
    "CIPF class policy (КС1…КА1)", "keyUsage digitalSignature", "GOST R 34.10-2012 key"))}
words({f"sig_form_{n}": pair for n, pair in enumerate((
    ("the owner's name (commonName)", "имя владельца"),
    ("the country (countryName)", "страна"),
    ("the issuer's ОГРН", "ОГРН издателя"),
    ("the issuer's ИНН ЮЛ", "ИНН ЮЛ издателя"),
    ("the owner's signature tool (subjectSignTool)", "сведения о средстве ЭП владельца"),
    ("the issuer's signature and CA tools (issuerSignTool)", "сведения о средствах ЭП и УЦ издателя"),
    ("a CIPF class policy (КС1…КА1)", "класс СКЗИ в политиках сертификата (КС1…КА1)"),
    ("key usage digitalSignature", "назначение ключа «электронная подпись»"),
    ("a GOST R 34.10-2012 key", "ключ ГОСТ Р 34.10-2012"),
))})

words({
    "q_verdict_yes": ("qualified form: yes", "квалифицированная форма: да"),
    "q_verdict_no": ("qualified form: no ({why})", "квалифицированная форма: нет ({why})"),
    "q_missing": ("missing {items}", "нет: {items}"),
    "q_malformed": ("malformed {items}", "с ошибкой: {items}"),
    "q_issuer_attr": ("issuer {label}", "{label} издателя"),
})


class FormVerdict(Message):
    """Whether a certificate has the qualified form, or what it lacks: English as `ietm cert show --format json`
    and the audit log keep it, Russian on a page or a Russian terminal (what it lacks named as the badge names it)."""

    def __new__(cls, text: str) -> FormVerdict:
        made = str.__new__(cls, text)
        made.key, made.values = "q_verdict", {"missing": [], "malformed": []}
        return made

    @classmethod
    def of(cls, missing: list[str], malformed: list[str]) -> FormVerdict:
        made = cls(cls.words(missing, malformed, "en"))
        made.values = {"missing": list(missing), "malformed": list(malformed)}
        return made

    @staticmethod
    def words(missing: list[str], malformed: list[str], language: str) -> str:
        if not missing and not malformed:
            return t("q_verdict_yes", language)
        why = []
        if missing:
            named = [t(FORM_ITEMS[m], language) if language != "en" and m in FORM_ITEMS else m for m in missing]
            why.append(t("q_missing", language, items=", ".join(named)))
        if malformed:
            named = []
            for m in malformed:  # "ОГРН 1027…" of the subject, "issuer ОГРН 1027…"
                label, _, value = m.removeprefix("issuer ").rpartition(" ")
                named.append(f"{t('q_issuer_attr', language, label=label)} {value}" if m.startswith("issuer ") else m)
            why.append(t("q_malformed", language, items=", ".join(named)))
        return t("q_verdict_no", language, why="; ".join(why))

    def in_language(self, language: str) -> str:
        return self.words(self.values["missing"], self.values["malformed"], language)


def class_name(value: str) -> str | None:
    """The order's name of a CIPF class given as КС2, КВ, KS2 ... (None if it is none)."""
    return CLASS_ALIASES.get(value.strip().upper())


def class_rank(name: str) -> int:
    return CLASS_ORDER.index(name)


# -- check digits ---------------------------------------------------------------------------------------------

def _weighted(digits: str, weights: list[int]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10


def check_digits_ok(kind: str, value: str) -> bool:
    """Whether `value` is a well-formed ОГРН, ОГРНИП, ИНН (12), ИНН ЮЛ (10) or СНИЛС, check digits included."""
    size = ATTRIBUTES[kind][2]
    if len(value) != size or not value.isdigit():
        return False
    if kind == "ogrn":
        return int(value[:12]) % 11 % 10 == int(value[12])
    if kind == "ogrnip":
        return int(value[:14]) % 13 % 10 == int(value[14])
    if kind == "innle":
        return _weighted(value, [2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(value[9])
    if kind == "inn":
        return (_weighted(value, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(value[10])
                and _weighted(value, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(value[11]))
    # СНИЛС: the check number is the weighted sum (9..1) of the first nine digits, modulo 101, 100 written 00
    total = sum(int(d) * w for d, w in zip(value[:9], range(9, 0, -1)))
    check = total % 101 if total > 101 else total
    return (0 if check == 100 else check) == int(value[9:])


def with_check_digits(kind: str, stem: str) -> str:
    """`stem` (all but the check digits) completed with valid check digits: test values for the demo PKI."""
    size = ATTRIBUTES[kind][2]
    tail = 2 if kind in ("inn", "snils") else 1
    for n in range(10 ** tail):
        candidate = stem + str(n).zfill(tail)
        if len(candidate) == size and check_digits_ok(kind, candidate):
            return candidate
    raise ValueError(f"no check digits complete {stem} as {kind}")


# -- reading ----------------------------------------------------------------------------------------------------

@dataclass
class QualifiedForm:
    """What a certificate shows of the qualified form, and what it lacks (`missing`, for people)."""

    subject: dict[str, str] = field(default_factory=dict)   # ogrn, ogrnip, inn, innle, snils -> value
    issuer: dict[str, str] = field(default_factory=dict)
    owner: str = "natural person"                             # natural person, legal entity, individual entrepreneur
    subject_sign_tool: str | None = None
    issuer_sign_tool: dict[str, str] = field(default_factory=dict)
    classes: list[str] = field(default_factory=list)         # КС1 ... КА1
    private_key_usage: tuple[str | None, str | None] | None = None  # (not before, not after), ISO 8601
    key_usage: list[str] = field(default_factory=list)
    identification: str | None = None
    gost_key: bool = False
    missing: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)

    @property
    def qualified(self) -> bool:
        return not self.missing and not self.malformed

    @property
    def cipf_class(self) -> str | None:
        """The highest class the certificate names (a tool of class КС2 meets КС1 too)."""
        return max(self.classes, key=class_rank) if self.classes else None

    def verdict(self) -> FormVerdict:
        return FormVerdict.of(self.missing, self.malformed)

    def to_dict(self) -> dict:
        out = asdict(self)
        out.update(qualified=self.qualified, cipf_class=self.cipf_class, verdict=self.verdict())
        return out


def _attrs(name: x509.Name) -> dict[str, str]:
    out = {}
    for key, (oid, _, _) in ATTRIBUTES.items():
        found = name.get_attributes_for_oid(x509.ObjectIdentifier(oid))
        if found:
            out[key] = str(found[0].value).strip()
    return out


def _raw_extension(cert: x509.Certificate, oid: str):
    from asn1crypto import core

    try:
        ext = cert.extensions.get_extension_for_oid(x509.ObjectIdentifier(oid))
    except x509.ExtensionNotFound:
        return None
    value = ext.value
    raw = value.value if isinstance(value, x509.UnrecognizedExtension) else value.public_bytes()
    try:
        return core.load(raw)
    except ValueError:
        return None


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def private_key_usage_period(cert: x509.Certificate) -> tuple[dt.datetime | None, dt.datetime | None] | None:
    """The certificate's privateKeyUsagePeriod (RFC 5280 4.2.1 of 1999 / X.509), in UTC; None without one."""
    try:
        period = cert.extensions.get_extension_for_class(x509.PrivateKeyUsagePeriod).value
    except x509.ExtensionNotFound:
        return None

    def utc(v: dt.datetime | None) -> dt.datetime | None:
        return None if v is None else (v.replace(tzinfo=dt.timezone.utc) if v.tzinfo is None else v)

    return utc(period.not_before), utc(period.not_after)


def read(cert: x509.Certificate) -> QualifiedForm:
    """Every field of the qualified form the certificate has, with what is missing or malformed."""
    form = QualifiedForm(subject=_attrs(cert.subject), issuer=_attrs(cert.issuer))
    label = {k: v[1] for k, v in ATTRIBUTES.items()}
    for where, values in (("", form.subject), ("issuer ", form.issuer)):
        for key, value in values.items():
            if not check_digits_ok(key, value):
                form.malformed.append(f"{where}{label[key]} {value}")
    s = form.subject
    if "ogrnip" in s:
        form.owner, needed = "individual entrepreneur", ["ogrnip", "inn", "snils"]
    elif "snils" in s or not ({"ogrn", "innle"} & set(s)):
        form.owner, needed = "natural person", ["snils", "inn"]
    else:
        form.owner, needed = "legal entity", ["ogrn", "innle"]
    form.missing += [label[k] for k in needed if k not in s]
    if not cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
        form.missing.append("commonName")
    if not cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME):
        form.missing.append("countryName")
    if "ogrn" not in form.issuer:
        form.missing.append("issuer ОГРН")
    if "innle" not in form.issuer and "inn" not in form.issuer:
        form.missing.append("issuer ИНН ЮЛ")

    tool = _raw_extension(cert, SUBJECT_SIGN_TOOL)
    form.subject_sign_tool = str(tool.native) if tool is not None and isinstance(tool.native, str) else None
    if form.subject_sign_tool is None:
        form.missing.append("subjectSignTool")
    tools = _raw_extension(cert, ISSUER_SIGN_TOOL)
    try:
        names = ("signTool", "cATool", "signToolCert", "cAToolCert")
        form.issuer_sign_tool = {n: str(tools[i].native) for i, n in enumerate(names)} \
            if tools is not None and len(tools) == 4 else {}
    except (TypeError, ValueError):
        form.issuer_sign_tool = {}
    if len(form.issuer_sign_tool) != 4:
        form.missing.append("issuerSignTool")
    kind = _raw_extension(cert, IDENTIFICATION_KIND)
    if kind is not None and isinstance(kind.native, int):
        form.identification = IDENTIFICATION_KINDS.get(kind.native, str(kind.native))

    try:
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
        form.classes = sorted({CIPF_CLASSES[p.policy_identifier.dotted_string] for p in policies
                               if p.policy_identifier.dotted_string in CIPF_CLASSES}, key=class_rank)
    except x509.ExtensionNotFound:
        pass
    if not form.classes:
        form.missing.append("CIPF class policy (КС1…КА1)")
    period = private_key_usage_period(cert)
    if period is not None:
        form.private_key_usage = (_iso(period[0]), _iso(period[1]))
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        form.key_usage = [name for name, on in (("digitalSignature", ku.digital_signature),
                                                ("nonRepudiation", ku.content_commitment),
                                                ("keyEncipherment", ku.key_encipherment),
                                                ("dataEncipherment", ku.data_encipherment),
                                                ("keyAgreement", ku.key_agreement)) if on]
    except x509.ExtensionNotFound:
        pass
    if "digitalSignature" not in form.key_usage:
        form.missing.append("keyUsage digitalSignature")
    form.gost_key = cert.public_key_algorithm_oid.dotted_string in GOST_KEYS
    if not form.gost_key:
        form.missing.append("GOST R 34.10-2012 key")
    return form
