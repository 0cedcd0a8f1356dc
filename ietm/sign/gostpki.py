"""A GOST demonstration PKI: a CA and holders whose certificates have the qualified form, with test values.

It is a demonstration and says so everywhere a person looks: the CA's name, its organisation and the
signing-tool extensions state that it is not an accredited CA and the tools are not certified CIPF, and
every ОГРН, ИНН and СНИЛС has region or number 00, which no register issues (their check digits are right,
so that the form can be checked). Certificates are built with asn1crypto (`cryptography` cannot sign with
GOST keys) and signed by OpenSSL's GOST engine (ietm.sign.gost); RFC 9215 identifiers throughout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from asn1crypto import core
from asn1crypto import crl as acrl
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ietm.sign import gost
from ietm.sign.gost import GostPrivateKey
from ietm.sign.qualified import ATTRIBUTES, ISSUER_SIGN_TOOL, SUBJECT_SIGN_TOOL, with_check_digits
from ietm.sign.trust import ROLE_EKU

CA_NAME = "Демо-УЦ ietm — НЕ АККРЕДИТОВАН"               # X.520 caps names at 64 characters
CA_ORG = "ietm demonstration CA — NOT ACCREDITED"
ORG = "ООО «Демонстрация ietm» (тестовые данные / test data)"
SIGN_TOOL = "OpenSSL GOST engine (демонстрация, не сертифицированное СКЗИ / not a certified CIPF)"
CA_TOOL = "ietm pki init --gost (демонстрация, не аккредитованный УЦ / not an accredited CA)"
NO_CERTIFICATE = "сертификат соответствия отсутствует (демонстрация) / no conformity certificate (demonstration)"
#: test identifiers: region 00 (ОГРН, ИНН) and number 000-000-… (СНИЛС) are never issued
CA_IDS = {"ogrn": with_check_digits("ogrn", "100000000001"), "innle": with_check_digits("innle", "000000001")}
ORG_IDS = {"ogrn": with_check_digits("ogrn", "100000000002"), "innle": with_check_digits("innle", "000000002")}


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc).replace(microsecond=0)


def _time(value: dt.datetime) -> ax509.Time:
    value = _utc(value)
    return ax509.Time({"utc_time": value} if value.year < 2050 else {"general_time": value})


def build_name(attrs: dict[str, str], ids: dict[str, str] | None = None) -> ax509.Name:
    """A Name from asn1crypto's attribute keys (common_name, surname, ...) and the qualified-form numbers
    (ogrn, innle, inn, snils, ogrnip: NumericString, as order No. 795 has them)."""
    rdns = list(ax509.Name.build(attrs).chosen)
    for key, value in (ids or {}).items():
        rdns.append(ax509.RelativeDistinguishedName([ax509.NameTypeAndValue(
            {"type": ATTRIBUTES[key][0], "value": core.NumericString(value)})]))
    return ax509.Name(name="", value=ax509.RDNSequence(rdns))


def _utf8(text: str) -> bytes:
    return core.UTF8String(text).dump()


class IssuerSignTool(core.Sequence):
    """issuerSignTool (1.2.643.100.112) of order No. 795: the CA's signing tool and CA tool, and their certificates."""

    _fields = [("signTool", core.UTF8String), ("cATool", core.UTF8String), ("signToolCert", core.UTF8String),
               ("cAToolCert", core.UTF8String)]


def _ext(oid: str, value, critical: bool = False) -> ax509.Extension:
    return ax509.Extension({"extn_id": oid, "critical": critical, "extn_value": value})


def _key_id(spki_der: bytes) -> bytes:
    """RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (an identifier, not a security measure)."""
    bits = core.load(spki_der)[1].cast(core.OctetBitString).native
    return hashlib.sha1(bits).digest()  # noqa: S324


@dataclass
class CertSpec:
    """What a certificate says: subject, validity, CA or not, and the qualified-form extensions."""

    subject: ax509.Name
    spki: bytes
    not_before: dt.datetime
    not_after: dt.datetime
    ca: bool = False
    role: str | None = None                          # ietm role EKU: qa or writer
    classes: tuple[str, ...] = ("1.2.643.100.113.1", "1.2.643.100.113.2")   # КС1, КС2
    key_usage_period: tuple[dt.datetime, dt.datetime] | None = None
    qualified: bool = True                           # subject/issuer sign tool extensions


def issue(issuer_key: GostPrivateKey, issuer: x509.Certificate | None, spec: CertSpec) -> x509.Certificate:
    """A certificate for `spec`, signed with `issuer_key` (self-signed when `issuer` is None)."""
    issuer_name = ax509.Certificate.load(issuer.public_bytes(serialization.Encoding.DER)).subject if issuer else spec.subject
    issuer_spki = gost.GostPublicKey(issuer_key.public.der).der
    exts = [
        _ext("basic_constraints", {"ca": spec.ca, "path_len_constraint": 0 if spec.ca else None}, critical=True),
        _ext("key_usage", {"key_cert_sign", "crl_sign", "digital_signature", "non_repudiation"} if spec.ca
             else {"digital_signature", "non_repudiation"}, critical=True),
        _ext("key_identifier", _key_id(spec.spki)),
        _ext("authority_key_identifier", {"key_identifier": _key_id(issuer_spki)}),
    ]
    if spec.role:  # ietm's role, and the usual purposes of a qualified certificate (e-mail protection, client auth)
        exts.append(_ext("extended_key_usage", [ROLE_EKU[spec.role], "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.2"]))
    if spec.classes:
        exts.append(_ext("certificate_policies", [{"policy_identifier": oid} for oid in spec.classes]))
    if spec.key_usage_period:
        start, end = spec.key_usage_period
        exts.append(_ext("private_key_usage_period", {"not_before": _utc(start), "not_after": _utc(end)}))
    if spec.qualified:
        exts.append(_ext(SUBJECT_SIGN_TOOL, _utf8(SIGN_TOOL)))
        exts.append(_ext(ISSUER_SIGN_TOOL, IssuerSignTool({"signTool": SIGN_TOOL, "cATool": CA_TOOL,
                                                           "signToolCert": NO_CERTIFICATE,
                                                           "cAToolCert": NO_CERTIFICATE}).dump()))
    tbs = ax509.TbsCertificate({
        "version": "v3",
        "serial_number": x509.random_serial_number(),
        "signature": {"algorithm": gost.SIGNATURE[issuer_key.bits]},
        "issuer": issuer_name,
        "validity": {"not_before": _time(spec.not_before), "not_after": _time(spec.not_after)},
        "subject": spec.subject,
        "subject_public_key_info": ax509.PublicKeyInfo.load(spec.spki),
        "extensions": exts,
    })
    cert = ax509.Certificate({
        "tbs_certificate": tbs,
        "signature_algorithm": {"algorithm": gost.SIGNATURE[issuer_key.bits]},
        "signature_value": issuer_key.sign(tbs.dump()),
    })
    return x509.load_der_x509_certificate(cert.dump())


def make_crl(ca_key: GostPrivateKey, ca: x509.Certificate, revoked: list[x509.Certificate], days: int = 30,
             kept: Sequence[x509.RevokedCertificate] = ()) -> x509.CertificateRevocationList:
    """As ietm.sign.pki.make_crl, signed with the GOST CA's key."""
    at = _utc(dt.datetime.now(dt.timezone.utc))
    now = at - dt.timedelta(minutes=5)  # this update: allows for a verifier's clock a little behind
    entries = [*((e.serial_number, e.revocation_date_utc) for e in kept), *((c.serial_number, at) for c in revoked)]
    tbs = acrl.TbsCertList({
        "version": "v2",
        "signature": {"algorithm": gost.SIGNATURE[ca_key.bits]},
        "issuer": ax509.Certificate.load(ca.public_bytes(serialization.Encoding.DER)).subject,
        "this_update": _time(now),
        "next_update": _time(now + dt.timedelta(days=days)),
        "revoked_certificates": [{"user_certificate": serial, "revocation_date": _time(when)} for serial, when in entries]
        or None,
    })
    crl = acrl.CertificateList({"tbs_cert_list": tbs, "signature_algorithm": {"algorithm": gost.SIGNATURE[ca_key.bits]},
                                "signature": ca_key.sign(tbs.dump())})
    return x509.load_der_x509_crl(crl.dump())


@dataclass(frozen=True)
class Person:
    """A demonstration holder: file stem, full name, position, ESKD signing role and ietm role."""

    stem: str
    surname: str
    given: str       # given name and patronymic
    position: str
    eskd_role: str   # Разработал, Проверил, Т. контр., Н. контр., Утвердил
    role: str        # ietm role EKU: qa or writer
    number: int      # makes each holder's test ИНН and СНИЛС differ

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.given}"


PEOPLE = (
    Person("writer", "Иванов", "Иван Иванович", "Инженер-конструктор", "Разработал", "writer", 1),
    Person("checker", "Петров", "Пётр Петрович", "Ведущий инженер", "Проверил", "qa", 2),
    Person("tcontrol", "Сидоров", "Сидор Сидорович", "Начальник бюро технического контроля", "Т. контр.", "qa", 3),
    Person("ncontrol", "Смирнова", "Анна Сергеевна", "Инженер по нормоконтролю", "Н. контр.", "qa", 4),
    Person("qa", "Кузнецова", "Мария Олеговна", "Главный инженер", "Утвердил", "qa", 5),
)
#: the head of the organisation: appoints the holders (register of signing-key holders)
HEAD = Person("head", "Орлов", "Олег Николаевич", "Генеральный директор", "Утвердил", "qa", 6)


def person_name(p: Person) -> ax509.Name:
    return build_name({"country_name": "RU", "state_or_province_name": "77 г. Москва", "locality_name": "Москва",
                       "street_address": "ул. Демонстрационная, д. 0", "organization_name": ORG,
                       "organizational_unit_name": "Демонстрация", "title": p.position, "surname": p.surname,
                       "given_name": p.given, "common_name": p.full_name},
                      {"snils": with_check_digits("snils", f"000000{p.number:03d}"),
                       "inn": with_check_digits("inn", f"00000000{p.number:02d}"), **ORG_IDS})


def ca_name() -> ax509.Name:
    return build_name({"country_name": "RU", "state_or_province_name": "77 г. Москва", "locality_name": "Москва",
                       "street_address": "ул. Демонстрационная, д. 0", "organization_name": CA_ORG,
                       "organizational_unit_name": "Не аккредитованный удостоверяющий центр",
                       "common_name": CA_NAME}, CA_IDS)


def make_ca(key: GostPrivateKey, years: int = 10) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    return issue(key, None, CertSpec(ca_name(), key.public.der, now, now + dt.timedelta(days=365 * years), ca=True,
                                     classes=()))


def make_holder(ca_key: GostPrivateKey, ca: x509.Certificate, key: GostPrivateKey, p: Person,
                not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
                key_usage_period: tuple[dt.datetime, dt.datetime] | None | str = "validity",
                **changes) -> x509.Certificate:
    """A holder's certificate: 15 months; its private key usage period is the same 15 months unless given
    (None: no such extension)."""
    start = not_before or dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    end = not_after or start + dt.timedelta(days=456)
    period = (start, end) if key_usage_period == "validity" else key_usage_period
    spec = CertSpec(person_name(p), key.public.der, start, end, role=p.role, key_usage_period=period)
    for name, value in changes.items():
        setattr(spec, name, value)
    return issue(ca_key, ca, spec)


def init_demo(folder: Path, passphrase: bytes, paramset: str = "256-B"):
    """CA (GOST-512), the demonstration holders and the head of the organisation (keys on `paramset`), and an
    empty CRL in `folder`; keys are PKCS#8 encrypted with `passphrase`."""
    from ietm.errors import Refused
    from ietm.sign.pki import DemoPki, cert_pem, write_files

    if not passphrase:
        raise Refused("a passphrase is required: ietm never writes an unencrypted private key")
    ca_key = GostPrivateKey.generate("512-A")
    ca = make_ca(ca_key)
    out: dict[str, bytes] = {"ca.pem": cert_pem(ca), "ca.key.pem": ca_key.to_pem(passphrase)}
    for p in (*PEOPLE, HEAD):
        key = GostPrivateKey.generate(paramset)
        out[f"{p.stem}.pem"] = cert_pem(make_holder(ca_key, ca, key, p))
        out[f"{p.stem}.key.pem"] = key.to_pem(passphrase)
    out["crl.pem"] = make_crl(ca_key, ca, []).public_bytes(serialization.Encoding.PEM)
    return DemoPki(folder, write_files(folder, out))
