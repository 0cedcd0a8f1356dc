"""The form of a qualified certificate (FSB order No. 795): each field read from certificates that have it and from
certificates that lack it, check digits by the registers' published rules, and `ietm cert show`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from clirun import ietm
from ietm.sign import gostpki, qualified
from ietm.sign.gost import GostPrivateKey
from ietm.sign.pki import cert_pem

NOW = dt.datetime.now(dt.timezone.utc)
PERSON = gostpki.PEOPLE[-1]


@pytest.fixture(scope="module")
def ca():
    key = GostPrivateKey.generate("256-B")
    return key, gostpki.make_ca(key)


@pytest.fixture(scope="module")
def holder_key():
    return GostPrivateKey.generate("256-B")


def person(**ids) -> object:
    """A natural person's name with the given identifiers (None drops one)."""
    base = {"snils": qualified.with_check_digits("snils", "000000001"),
            "inn": qualified.with_check_digits("inn", "0000000001")}
    base.update(ids)
    return gostpki.build_name({"country_name": "RU", "common_name": "Тестов Тест Тестович"},
                              {k: v for k, v in base.items() if v is not None})


def make(ca, key, subject=None, **changes):
    ca_key, ca_cert = ca
    spec = gostpki.CertSpec(subject or person(), key.public.der, NOW - dt.timedelta(minutes=5), NOW + dt.timedelta(days=30),
                            role="qa", key_usage_period=(NOW - dt.timedelta(minutes=5), NOW + dt.timedelta(days=30)))
    for name, value in changes.items():
        setattr(spec, name, value)
    return gostpki.issue(ca_key, ca_cert, spec)


def test_complete_certificate_has_the_form(ca, holder_key):
    form = qualified.read(make(ca, holder_key))
    assert form.qualified and form.verdict() == "qualified form: yes"
    assert form.owner == "natural person" and set(form.subject) == {"snils", "inn"}
    assert form.issuer == gostpki.CA_IDS and form.cipf_class == "КС2" and form.classes == ["КС1", "КС2"]
    assert form.subject_sign_tool == gostpki.SIGN_TOOL and form.issuer_sign_tool["cATool"] == gostpki.CA_TOOL
    assert form.private_key_usage[0].startswith(str(NOW.year)) and form.key_usage == ["digitalSignature", "nonRepudiation"]


@pytest.mark.parametrize("drop,label", [("snils", "СНИЛС"), ("inn", "ИНН")])
def test_natural_person_lacking_an_identifier(ca, holder_key, drop, label):
    form = qualified.read(make(ca, holder_key, person(**{drop: None})))
    assert not form.qualified and form.missing == [label]


def test_legal_entity_needs_ogrn_and_innle(ca, holder_key):
    ogrn, innle = gostpki.ORG_IDS["ogrn"], gostpki.ORG_IDS["innle"]
    name = gostpki.build_name({"country_name": "RU", "common_name": "ООО Тест"}, {"ogrn": ogrn, "innle": innle})
    form = qualified.read(make(ca, holder_key, name))
    assert form.qualified and form.owner == "legal entity"
    name = gostpki.build_name({"country_name": "RU", "common_name": "ООО Тест"}, {"ogrn": ogrn})
    form = qualified.read(make(ca, holder_key, name))
    assert form.owner == "legal entity" and form.missing == ["ИНН ЮЛ"]


def test_individual_entrepreneur_needs_ogrnip(ca, holder_key):
    ogrnip = qualified.with_check_digits("ogrnip", "30000000000000")
    form = qualified.read(make(ca, holder_key, person(ogrnip=ogrnip)))
    assert form.qualified and form.owner == "individual entrepreneur" and form.subject["ogrnip"] == ogrnip
    form = qualified.read(make(ca, holder_key, person(ogrnip=ogrnip, snils=None)))
    assert form.missing == ["СНИЛС"]


def test_signing_tools_and_class_policies(ca, holder_key):
    form = qualified.read(make(ca, holder_key, qualified=False))
    assert form.subject_sign_tool is None and form.issuer_sign_tool == {}
    assert form.missing == ["subjectSignTool", "issuerSignTool"]
    form = qualified.read(make(ca, holder_key, classes=()))
    assert form.classes == [] and form.missing == ["CIPF class policy (КС1…КА1)"]
    form = qualified.read(make(ca, holder_key, classes=("1.2.643.100.113.1", "1.2.643.100.113.6", "1.2.643.100.113.4")))
    assert form.classes == ["КС1", "КВ1", "КА1"] and form.cipf_class == "КА1"


def test_private_key_usage_period_present_or_not(ca, holder_key):
    assert qualified.read(make(ca, holder_key, key_usage_period=None)).private_key_usage is None
    start, end = NOW - dt.timedelta(days=3), NOW - dt.timedelta(days=1)
    form = qualified.read(make(ca, holder_key, key_usage_period=(start, end)))
    assert form.private_key_usage == (start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert form.qualified  # the period is reported; whether the key may be used now is the trust store's concern


def test_not_a_gost_key_is_not_qualified(tmp_path):
    from ietm.sign.pki import init_demo
    from ietm.sign.keys import load_certificates

    init_demo(tmp_path / "p", b"pw")
    form = qualified.read(load_certificates(tmp_path / "p" / "qa.pem")[0])
    assert not form.qualified and "GOST R 34.10-2012 key" in form.missing and "СНИЛС" in form.missing


def test_malformed_identifiers_are_named(ca, holder_key):
    bad_snils = qualified.with_check_digits("snils", "000000001")[:-1] + "9"
    form = qualified.read(make(ca, holder_key, person(snils=bad_snils, inn="12345")))
    assert not form.qualified and form.malformed == [f"ИНН 12345", f"СНИЛС {bad_snils}"]


@pytest.mark.parametrize("kind,value,ok", [
    ("ogrn", "1027700132195", True), ("ogrn", "1027700132194", False),      # published identifiers of a bank
    ("innle", "7707083893", True), ("innle", "7707083894", False),
    ("snils", "11223344595", True), ("snils", "11223344596", False),        # the example of the rules themselves
    ("inn", "500100732259", True), ("inn", "500100732258", False),
    ("ogrnip", "304500116000157", True), ("ogrnip", "304500116000158", False),
    ("ogrn", "10277001321", False),                                          # wrong length
])
def test_check_digits_follow_the_registers_rules(kind, value, ok):
    assert qualified.check_digits_ok(kind, value) is ok


def test_class_names_in_a_policy():
    assert [qualified.class_name(v) for v in ("КС2", "кс3", "KS1", "KC2", "КВ", "КА", "KV", "K9")] == \
        ["КС2", "КС3", "КС1", "КС2", "КВ1", "КА1", "КВ1", None]


def test_cert_show_reports_the_form(ca, holder_key, tmp_path):
    good = tmp_path / "good.pem"
    good.write_bytes(cert_pem(make(ca, holder_key)))
    bad = tmp_path / "bad.pem"
    bad.write_bytes(cert_pem(make(ca, holder_key, person(snils=None), classes=())))
    r = ietm("cert", "show", good)
    assert r.code == 0 and r.out.rstrip().endswith("qualified form: yes")
    for line in ("subject СНИЛС: ", "issuer ОГРН: ", "issuerSignTool cATool: ", "CIPF class: КС1, КС2",
                 "private key usage period: ", "key usage: digitalSignature, nonRepudiation", "roles (signing policy): qa"):
        assert line in r.out, line
    r = ietm("cert", "show", bad, "--format", "json")
    d = json.loads(r.out)[0]
    assert r.code == 0 and d["form"]["qualified"] is False
    assert d["form"]["verdict"] == "qualified form: no (missing СНИЛС, CIPF class policy (КС1…КА1))"
    assert d["key"] == "GOST R 34.10-2012 256 bit (TC26 256-B)"
    r = ietm("cert", "show", tmp_path / "none.pem")
    assert r.code == 5 and "no such file" in r.err


def test_cert_show_in_russian(ca, holder_key, tmp_path):
    """Under a Russian locale the labels and the verdict are Russian; the certificate's own values are not touched."""
    import os

    good = tmp_path / "good.pem"
    good.write_bytes(cert_pem(make(ca, holder_key)))
    bad = tmp_path / "bad.pem"
    bad.write_bytes(cert_pem(make(ca, holder_key, person(snils=None), classes=())))
    env = {**os.environ, "LC_ALL": "ru_RU.UTF-8"}
    r = ietm("cert", "show", good, bad, env=env)
    assert r.code == 0, r.err
    for line in ("  субъект:        ", "  издатель:       ", "  серийный номер: ", "(действителен сейчас)",
                 "; подписан: GOST R 34.10-2012", "  СНИЛС субъекта: ", "  ОГРН издателя: ", "  владелец:       физическое лицо",
                 "  issuerSignTool cATool: ", "  класс СКЗИ: КС1, КС2", "  срок действия закрытого ключа: ",
                 "  назначение ключа: digitalSignature, nonRepudiation", "  роли (политика подписи): qa",
                 "  квалифицированная форма: да\n"):
        assert line in r.out, line
    assert r.out.rstrip().endswith("  квалифицированная форма: нет (нет: СНИЛС, класс СКЗИ в политиках сертификата "
                                   "(КС1…КА1))")
    assert not any(word in r.out for word in ("subject:", "issuer:", "valid now", "qualified form", "roles ("))
    r = ietm("cert", "show", bad, "--format", "json", env=env)  # JSON is for machines: English, as before
    assert json.loads(r.out)[0]["form"]["verdict"] == "qualified form: no (missing СНИЛС, CIPF class policy (КС1…КА1))"


def test_the_verdict_a_refusal_gives_is_in_the_readers_language(ca, holder_key):
    """The reason a policy that requires the qualified form gives (ietm verify, ietm sign, the badge) says what the
    certificate lacks in Russian on a Russian page or terminal, and stays English where a machine reads it."""
    from ietm.i18n import localise
    from ietm.sign.reasons import reason

    form = qualified.read(make(ca, holder_key, person(snils=None), classes=()))
    why = reason("need_qualified", verdict=form.verdict())
    assert why == "the qualified form (qualified form: no (missing СНИЛС, CIPF class policy (КС1…КА1)))"
    assert localise(why, "ru") == ("квалифицированную форму (квалифицированная форма: нет (нет: СНИЛС, класс СКЗИ в "
                                   "политиках сертификата (КС1…КА1)))")
    assert qualified.read(make(ca, holder_key)).verdict().in_language("ru") == "квалифицированная форма: да"
    wrong = qualified.FormVerdict.of([], ["ИНН 12345", "issuer ИНН ЮЛ 123"])
    assert wrong == "qualified form: no (malformed ИНН 12345, issuer ИНН ЮЛ 123)"
    assert wrong.in_language("ru") == "квалифицированная форма: нет (с ошибкой: ИНН 12345, ИНН ЮЛ издателя 123)"
