"""The register of signing-key holders and the ESKD approval route, through the real `ietm` command.

A copy of the sample manual with the demo PKI, one holder per ESKD role and an official keeping the register
(tests/register_support.py); every test works on its own copy.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clirun import ietm
from ietm.parse import read_object
from ietm.sign.commands import audit_log_for
from register_support import HOLDERS, Setup, make_setup

MODULE = "DMC-DGEN-A-D00-00-00-00A-040A-A_001-00_ru-RU.XML"
ORDER = ["razrab", "prov", "tkontr", "nkontr", "utv"]


@pytest.fixture(scope="module")
def template(tmp_path_factory, content) -> Setup:
    return make_setup(tmp_path_factory.mktemp("register"), content)


@pytest.fixture
def setup(template: Setup, tmp_path: Path) -> Setup:
    """A copy of the template, so each test may change and break its register at will."""
    base = template.csdb.parent
    shutil.copytree(base, tmp_path / "w", symlinks=True)
    copy = Setup(tmp_path / "w" / "csdb", template.pki)
    (copy.csdb / "ietm.toml").write_text((template.csdb / "ietm.toml").read_text(encoding="utf-8"), encoding="utf-8")
    return copy


def listing(s: Setup, *extra) -> tuple[int, dict | None, str]:
    r = ietm("register", "list", s.csdb, "--format", "json", *extra)
    return r.code, json.loads(r.out) if r.code == 0 else None, r.err


def sign(s: Setup, who: str, target: Path | None = None, *extra):
    return ietm("sign", target or s.csdb / MODULE, *s.signer(who), *extra)


def verify(s: Setup, target: Path | None = None):
    r = ietm("verify", target or s.csdb / MODULE, "--format", "json")
    return r.code, json.loads(r.out)["results"][0]


def test_register_lists_appointments_signed_and_logged(setup: Setup, template: Setup):
    code, out, err = listing(setup)
    assert code == 0, err
    people = {a["name"]: a for a in out["appointments"]}
    assert people["Петров Пётр Петрович"]["kind"] == "official"
    for code_, (name, position) in HOLDERS.items():
        a = people[name]
        assert a["kind"] == "holder" and a["position"] == position and a["state"] == "current"
        assert a["appointed_by"] == "Петров Пётр Петрович"
        assert len(a["certificate"]["sha256"]) == 64
    assert [a["roles"][0] for a in out["appointments"] if a["kind"] == "holder"] == \
        ["Разработал", "Проверил", "Т. контр.", "Н. контр.", "Утвердил"]
    changes = sorted((setup.csdb / "register" / "changes").glob("*.change"))
    assert len(changes) == 6 and all(c.with_name(c.name + ".xsig").is_file() for c in changes)
    # the appointments were logged where they were made: the template's server database (a folder copied
    # takes its SQLite database along, not a PostgreSQL one)
    log = audit_log_for(template.csdb).entries()
    assert [e["event"] for e in log].count("register-appoint") == 6
    r = ietm("audit", "verify", template.csdb)
    assert r.code == 0, r.out
    r = ietm("register", "show", "3", "--csdb", setup.csdb, "--format", "json")
    assert r.code == 0 and json.loads(r.out)["roles"] == ["Проверил"]


def test_a_changed_or_removed_change_breaks_the_register(setup: Setup):
    changes = setup.csdb / "register" / "changes"
    third = changes / "000003.change"
    original = third.read_bytes()
    third.write_bytes(original.replace("Ведущий инженер".encode(), "Главный инженер".encode()))
    code, _, err = listing(setup)
    assert code == 4 and "000003.change" in err and "signature does not hold" in err
    assert len(err.strip().splitlines()) == 1
    # signing relies on the register, so a broken one stops it with the same line
    r = sign(setup, "razrab")
    assert r.code == 4 and "signing register broken" in r.err
    third.write_bytes(original)
    (changes / "000003.change").unlink()
    (changes / "000003.change.xsig").unlink()
    code, _, err = listing(setup)
    assert code == 4 and "change 000003 is missing" in err


def test_only_a_current_official_changes_the_register(setup: Setup):
    r = ietm("register", "appoint", setup.csdb, "--name", "Самозванец", "--position", "Инженер", "--role", "utv",
             "--holder-cert", setup.pki.cert("razrab"), *setup.signer("razrab"))
    assert r.code == 6 and "not an official" in r.err
    code, out, _ = listing(setup)
    assert code == 0 and len(out["appointments"]) == 6  # nothing written


def test_signing_follows_the_route_and_the_register(setup: Setup):
    module = setup.csdb / MODULE
    # out of turn: Проверил before Разработал
    r = sign(setup, "prov")
    assert r.code == 6 and "may not sign as Разработал" in r.err and len(r.err.strip().splitlines()) == 1
    # a certificate in no appointment: the official's own is not a holder's
    r = sign(setup, "qa")
    assert r.code == 6 and "is not in the signing register" in r.err
    # the QA status comes from the route, not from the signer
    r = sign(setup, "razrab", None, "--verification", "second")
    assert r.code == 2 and "approval route sets the QA status" in r.err
    for who in ORDER:
        r = sign(setup, who)
        assert r.code == 0, r.err
        qa = read_object(module).qa
        if who == "prov":
            assert qa == "first"
        if who == "tkontr":
            assert qa == "second"
        code, res = verify(setup)
        assert code == 0 and res["status"] == "valid", res
    assert "route 5/5" in res["reason"] and "complete" in res["reason"]
    r = sign(setup, "utv")
    assert r.code == 6 and "route is complete" in r.err
    # every step is logged and the log still chains
    log = audit_log_for(setup.csdb).entries()
    steps = [e for e in log if e["event"] == "route-step"]
    assert [e["role"] for e in steps] == ["Разработал", "Проверил", "Т. контр.", "Н. контр.", "Утвердил"]
    assert ietm("audit", "verify", setup.csdb).code == 0


def test_ended_appointment_refuses_signing_and_verify_reports_it(setup: Setup):
    for who in ORDER[:4]:
        assert sign(setup, who).code == 0
    r = ietm("register", "end", setup.csdb, "6", "--reason", "уволен", *setup.official)
    assert r.code == 0, r.err
    r = sign(setup, "utv")
    assert r.code == 6 and "was ended on" in r.err and "уволен" in r.err
    # an appointment ended back to a time before the step was signed: the step's signer had none then
    r = ietm("register", "end", setup.csdb, "5", "--reason", "ключ скомпрометирован", "--at", "2000-01-01",
             *setup.official)
    assert r.code == 0, r.err
    code, res = verify(setup)
    assert code == 16 and res["status"] == "appointment", res
    assert "Н. контр." in res["reason"] and "ключ скомпрометирован" in res["reason"]
    r = ietm("verify", setup.csdb / MODULE)
    assert r.code == 16 and r.out.startswith("APPOINTMENT:")


def test_changed_module_or_step_is_invalid(setup: Setup):
    for who in ORDER[:3]:
        assert sign(setup, who).code == 0
    steps = sorted((setup.csdb / "register" / "approvals" / f"{MODULE}.route").glob("*/*.step"))
    assert len(steps) == 3
    original = steps[1].read_bytes()
    steps[1].write_bytes(original.replace(b'role="', b'role="').replace(b"n=\"2\"", b"n=\"2\" "))
    code, res = verify(setup)
    assert code == 10 and res["status"] == "invalid" and "route step 2" in res["reason"]
    steps[1].write_bytes(original)
    assert verify(setup)[0] == 0


def test_no_register_no_route(tmp_path: Path, content: Path):
    """Without [register] folder, `ietm sign` works as before, and `ietm register` says how to keep one."""
    s = make_setup(tmp_path, content, appoint=False)
    (s.csdb / "ietm.toml").write_text(f'[sign]\ntrust = ["{s.pki.ca}"]\n', encoding="utf-8")
    r = ietm("register", "list", s.csdb)
    assert r.code == 4 and "[register] folder" in r.err
    r = sign(s, "qa", None, "--role", "Утвердил")
    assert r.code == 2 and "no signing register" in r.err
    r = sign(s, "qa")
    assert r.code == 0, r.err


def test_qa_in_the_browser_signs_the_next_step_with_a_pem_key(setup: Setup):
    """QA approves in the browser with a PEM key file and its certificate; the route and register hold there too."""
    import re

    import httpx

    from ietm.accounts import open_accounts
    from liveserver import serving

    password = "correct horse battery"
    open_accounts(setup.csdb).add("inspector", "qa", password, "02")
    key = MODULE.split("_")[0]
    with serving(setup.csdb) as server:
        client = httpx.Client(base_url=server.url, timeout=120)
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        assert client.post("/login", data={"name": "inspector", "password": password, "csrf": token}).status_code == 303
        review = client.get(f"/qa/review/{key[4:]}?lang=ru-RU")
        assert review.status_code == 200 and 'data-route-next="Разработал"' in review.text
        token = re.search(r'name="csrf" value="([^"]+)"', review.text).group(1)

        def approve(who: str):
            return client.post("/qa/approve", data={"key": key[4:], "issue": "001-00", "language": "ru-RU",
                                                    "vtype": "onobject", "passphrase": "correct horse battery staple",
                                                    "csrf": token},
                               files={"keyfile": (f"{who}.key.pem", setup.pki.key(who).read_bytes()),
                                      "certfile": (f"{who}.pem", setup.pki.cert(who).read_bytes())})

        assert approve("razrab").status_code == 200
        again = approve("razrab")
        refusal = re.search(r"<p class=\"notice[^>]*>(.*?)</p>", again.text, re.S).group(1)
        assert again.status_code == 403 and "нельзя подписать как" in refusal and "Разработал" in refusal, refusal
        done = approve("prov")
        notice = re.search(r"<p class=\"notice[^>]*>(.*?)</p>", done.text, re.S).group(1)
        assert done.status_code == 200 and "Проверил" in notice and "выпуск 001-00" in notice, notice
    assert read_object(setup.csdb / MODULE).qa == "first"
    code, res = verify(setup)
    assert code == 0 and "route 2/5" in res["reason"]


def test_bad_input_is_one_line_and_changes_nothing(setup: Setup, tmp_path: Path):
    not_a_cert = tmp_path / "junk.pem"
    not_a_cert.write_text("hello")
    cases = [
        (["register", "appoint", setup.csdb, "--name", "X", "--position", "Y", "--role", "utv",
          "--holder-cert", not_a_cert, *setup.official], 3, "not a PEM or DER"),
        (["register", "appoint", setup.csdb, "--name", "X", "--position", "Y", "--role", "главный",
          "--holder-cert", setup.pki.cert("writer"), *setup.official], 3, "not an ESKD signing role"),
        (["register", "appoint", setup.csdb, "--name", "X", "--position", "Y", "--role", "utv", "--from", "вчера",
          "--holder-cert", setup.pki.cert("writer"), *setup.official], 3, "is not a date"),
        (["register", "appoint", setup.csdb, "--name", "X", "--position", "Y", "--role", "utv",
          "--holder-cert", setup.pki.cert("stranger"), *setup.official], 6, "not acceptable"),
        (["register", "show", "99", "--csdb", setup.csdb], 5, "no appointment 99"),
        (["register", "end", setup.csdb, "99", "--reason", "x", *setup.official], 5, "no appointment 99"),
    ]
    for args, code, words in cases:
        r = ietm(*args)
        assert r.code == code and words in r.err and len(r.err.strip().splitlines()) == 1, (args, r.err)
    assert len(list((setup.csdb / "register" / "changes").glob("*.change"))) == 6
    # a change that is not XML at all
    (setup.csdb / "register" / "changes" / "000007.change").write_bytes(b"\x00garbage")
    (setup.csdb / "register" / "changes" / "000007.change.xsig").write_bytes(b"<x/>")
    code, _, err = listing(setup)
    assert code == 4 and "000007.change" in err and "not well-formed" in err


def test_pki_init_register_makes_the_csdb_keep_one(tmp_path: Path, content: Path):
    """`ietm pki init --gost --csdb CSDB --register`: the CSDB's ietm.toml gains [register] folder (its other settings
    and comments kept), the holders are appointed in the new register, and it says what it did."""
    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm", "*.xsig", "*.sig", "release.manifest"))
    before = (csdb / "ietm.toml").read_text(encoding="utf-8")
    passfile = tmp_path / "pass"
    passfile.write_text("register passphrase\n")
    r = ietm("pki", "init", tmp_path / "ecdsa", "--csdb", csdb, "--register", "--passphrase-file", passfile)
    assert r.code == 2 and "--gost and --csdb" in r.err and not (tmp_path / "ecdsa").exists()
    r = ietm("pki", "init", "--gost", tmp_path / "holders", "--csdb", csdb, "--register", "--passphrase-file", passfile)
    assert r.code == 0, r.err
    assert 'REGISTER: ' in r.err and '[register] folder = "register"' in r.err and "APPOINTED: 6 entries" in r.err
    after = (csdb / "ietm.toml").read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n")) and "[register]" in after, after
    listed = json.loads(ietm("register", "list", csdb, "--format", "json").out)
    assert listed["register"] == str(csdb / "register") and len(listed["appointments"]) == 6


def test_gost_holders_from_pki_init_sign_in_the_browser(tmp_path: Path, content: Path, brex42: Path):
    """`ietm pki init --gost --csdb` appoints its holders in the register; QA signs route steps in the browser with
    their GOST key files (PEM, PKCS#8 encrypted) and certificates, as CAdES signatures."""
    import re

    import httpx

    from ietm.accounts import open_accounts
    from liveserver import serving

    csdb = tmp_path / "csdb"
    shutil.copytree(content, csdb, ignore=shutil.ignore_patterns(".ietm", "*.xsig", "*.sig", "release.manifest"))
    (csdb / "ietm.toml").write_text(f'[brex]\ndefault = ["{brex42}"]\n\n[register]\nfolder = "register"\n', encoding="utf-8")
    passfile = tmp_path / "pass"
    passfile.write_text("gost holders passphrase\n")
    r = ietm("pki", "init", "--gost", tmp_path / "holders", "--csdb", csdb, "--passphrase-file", passfile)
    assert r.code == 0 and "APPOINTED: 6" in r.err, r.err
    listed = json.loads(ietm("register", "list", csdb, "--format", "json").out)["appointments"]
    assert [a["roles"] for a in listed if a["kind"] == "holder"] == [["Разработал"], ["Проверил"], ["Т. контр."],
                                                                       ["Н. контр."], ["Утвердил"]]
    assert [a["kind"] for a in listed].count("official") == 1
    password = "correct horse battery"
    open_accounts(csdb).add("inspector", "qa", password, "02")
    key = MODULE.split("_")[0][4:]
    with serving(csdb) as server:
        client = httpx.Client(base_url=server.url, timeout=120)
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        assert client.post("/login", data={"name": "inspector", "password": password, "csrf": token}).status_code == 303
        token = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/qa/review/{key}?lang=ru-RU").text).group(1)
        for who in ("writer", "checker"):
            done = client.post("/qa/approve", data={"key": key, "issue": "001-00", "language": "ru-RU",
                                                    "vtype": "tabtop", "passphrase": "gost holders passphrase",
                                                    "csrf": token},
                               files={"keyfile": (f"{who}.key.pem", (tmp_path / "holders" / f"{who}.key.pem").read_bytes()),
                                      "certfile": (f"{who}.pem", (tmp_path / "holders" / f"{who}.pem").read_bytes())})
            assert done.status_code == 200, done.text[-1500:]
    module = csdb / MODULE
    assert module.with_name(MODULE + ".sig").is_file() and read_object(module).qa == "first"
    r = ietm("verify", module, "--format", "json")
    res = json.loads(r.out)["results"][0]
    assert r.code == 0 and res["format"] == "cades" and "gost" in res["algorithm"] and "route 2/5" in res["reason"]
