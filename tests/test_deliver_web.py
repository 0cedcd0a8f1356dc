"""The register of deliveries and the usage page on a real server: what admins and QA see, what a delivered
bundle may send with its key (receipts, usage events, each taken once), and what nobody else may."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import httpx
import pytest

from deliver_support import NORTH, SOUTH, make_supplier
from ietm.accounts import open_accounts
from liveserver import serving

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def site(tmp_path_factory, content):
    supplier = make_supplier(tmp_path_factory.mktemp("web"), content, "[usage]\nreport = true\n")
    accounts = open_accounts(supplier.csdb)
    for name, role in (("anna", "admin"), ("quinn", "qa"), ("tom", "technician")):
        accounts.add(name, role, PASSWORD)
    with serving(supplier.csdb) as server:
        with open(supplier.csdb / "ietm.toml", "a", encoding="utf-8") as f:
            f.write(f'\n[bundle]\nserver = "{server.url}"\n')
        north = supplier.deliver(NORTH, ["P-001"], supplier.root / "north")
        south = supplier.deliver(SOUTH, ["P-002", "P-003"], supplier.root / "south")
        yield server, supplier, north, south


def _login(server, name: str) -> httpx.Client:
    """A client logged in as `name` whose browser asks for English, the language of the words read here."""
    client = httpx.Client(base_url=server.url, timeout=60, headers={"Accept-Language": "en"})
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}).status_code == 303
    return client


def _key(folder: Path) -> tuple[str, str]:
    record = json.loads((folder / "delivery.json").read_text(encoding="utf-8"))
    return record["id"], f"Bearer {record['id']}.{record['token']}"


def _event(kind: str, module: str, **extra) -> dict:
    return {"key": uuid.uuid4().hex, "kind": kind, "module": module, "release": "Выпуск 1", "model": "DG-5M",
            "at": "2026-12-06T10:00:00Z", **extra}


def test_the_register_is_for_admins(site) -> None:
    server, supplier, north, south = site
    assert httpx.get(server.url + "/admin/deliveries").status_code == 401
    assert _login(server, "quinn").get("/admin/deliveries").status_code == 403
    page = _login(server, "anna").get("/admin/deliveries?lang=ru")
    assert page.status_code == 200 and "Поставки ИЭТР заказчикам" in page.text
    assert f'data-customer="{SOUTH}" data-product="P-003"' in page.text and north["id"] in page.text
    assert "ожидается подтверждение получения" in page.text
    csv_text = _login(server, "anna").get("/admin/deliveries.csv").text
    assert csv_text.startswith("customer,product,model,serial") and f"{NORTH},P-001,DG-5M,0450" in csv_text
    needs = _login(server, "anna").get("/admin/deliveries/needs?lang=ru")
    assert needs.status_code == 200 and 'data-gap="unconfirmed"' in needs.text


def test_a_bundle_acknowledges_receipt_with_its_key(site) -> None:
    server, supplier, north, _ = site
    ident, bearer = _key(supplier.root / "north")
    receipt = {"id": uuid.uuid4().hex, "verdict": "complete", "checkedAt": "2026-12-06T10:00:00Z", "findings": []}
    # any origin may send (the bundle lives wherever the customer serves it), the key decides
    preflight = httpx.options(f"{server.url}/api/deliveries/{ident}/receipts", headers={
        "Origin": "http://tablet.example:8080", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    assert "authorization" in preflight.headers["access-control-allow-headers"]
    wrong = httpx.post(f"{server.url}/api/deliveries/{ident}/receipts", json=receipt,
                       headers={"Authorization": f"Bearer {ident}.not-the-key", "Origin": "http://tablet.example:8080"})
    assert wrong.status_code == 404
    sent = httpx.post(f"{server.url}/api/deliveries/{ident}/receipts", json=receipt,
                      headers={"Authorization": bearer, "Origin": "http://tablet.example:8080"})
    assert sent.status_code == 201 and sent.json() == {"delivery": ident, "recorded": True}
    assert sent.headers["access-control-allow-origin"] == "*"
    again = httpx.post(f"{server.url}/api/deliveries/{ident}/receipts", json=receipt, headers={"Authorization": bearer})
    assert again.json()["recorded"] is False  # the outbox may send it twice; it counts once
    # without a key nothing may be posted, as ever (no session)
    assert httpx.post(f"{server.url}/api/deliveries/{ident}/receipts", json=receipt).status_code == 401
    page = _login(server, "anna").get("/admin/deliveries")
    assert f'data-delivery="{ident}" data-receipt="complete"' in page.text


def test_usage_events_count_once_and_only_admins_see_who(site) -> None:
    server, supplier, _, _ = site
    ident, bearer = _key(supplier.root / "north")
    module = "DMC-DGEN-A-D10-00-00-00A-040A-A"
    events = [_event("open", module), _event("open", module), _event("remark", module),
              _event("procedure", "DMC-DGEN-A-D30-00-00-00A-340A-A", detail={"technician": "Петров И. И.", "steps": 7})]
    r = httpx.post(server.url + "/api/usage", json={"items": events}, headers={"Authorization": bearer})
    assert r.status_code == 200 and r.json() == {"received": 4, "new": 4}
    r = httpx.post(server.url + "/api/usage", json={"items": events}, headers={"Authorization": bearer})
    assert r.json()["new"] == 0  # sent again after a lost answer: not counted again
    assert httpx.post(server.url + "/api/usage", json={"items": events}).status_code == 401
    bad = httpx.post(server.url + "/api/usage", json={"items": [_event("open", "<script>")]}, headers={"Authorization": bearer})
    assert bad.status_code == 422
    # a logged-in reader of the server reports as themself
    tom = _login(server, "tom")
    csrf = tom.get("/api/me").json()["csrf"]
    r = tom.post("/api/usage", json={"items": [_event("fault", "DMC-DGEN-A-D20-00-00-00A-421A-A", model="", release="")]},
                 headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["new"] == 1
    qa = _login(server, "quinn").get("/usage?lang=ru")
    assert qa.status_code == 200 and "Как используется руководство" in qa.text
    assert 'data-kind="open" data-count="2"' in qa.text and 'data-kind="procedure" data-count="1"' in qa.text
    assert 'data-kind="fault" data-count="1"' in qa.text and 'data-kind="remark" data-count="1"' in qa.text
    assert "<svg" in qa.text and 'data-chart="remarked"' in qa.text
    assert "Петров" not in qa.text and "tom" not in re.sub(r"<[^>]+>", " ", qa.text).split()  # no names for QA
    assert 'data-never-done' in qa.text and 'data-key="DMC-DGEN-A-D30-00-00-00A-340A-A"' not in qa.text.split("data-never-done")[1].split("</ul>")[0]
    admin = _login(server, "anna").get("/usage")
    assert 'data-who="Петров И. И."' in admin.text and 'data-who="tom"' in admin.text
    qa_csv = _login(server, "quinn").get("/usage.csv").text.splitlines()
    admin_csv = _login(server, "anna").get("/usage.csv").text.splitlines()
    assert qa_csv[0].endswith(",source") and admin_csv[0].endswith(",who")
    assert len(qa_csv) == 6 and not any("Петров" in line for line in qa_csv)
    assert any(line.endswith(",Петров И. И.") for line in admin_csv)
    filtered = _login(server, "quinn").get("/usage", params={"model": "DG-5M", "release": "Выпуск 1"})
    assert 'data-kind="open" data-count="2"' in filtered.text and 'data-kind="fault" data-count="0"' in filtered.text
    assert _login(server, "tom").get("/usage").status_code == 403


def test_a_receipt_file_recorded_on_the_admin_page(site, tmp_path) -> None:
    from clirun import ietm

    server, supplier, _, south = site
    receipt = tmp_path / "south-receipt.json"
    r = ietm("verify-delivery", supplier.root / "south", "--receipt", receipt, "--key", supplier.pki / "writer.key.pem",
             "--cert", supplier.pki / "writer.pem", "--passphrase-file", supplier.passfile)
    assert r.code == 0, r.err
    anna = _login(server, "anna")
    csrf = re.search(r'name="csrf" value="([^"]+)"', anna.get("/admin/deliveries").text).group(1)
    cert = (supplier.pki / "writer.pem").read_bytes()
    saved = anna.post("/admin/deliveries/customer", data={"customer": SOUTH, "csrf": csrf},
                      files={"cert_file": ("south.pem", cert)})
    assert saved.status_code == 200 and 'data-deliveries-outcome="ok"' in saved.text
    sig = next(tmp_path.glob("south-receipt.json.*sig"))
    done = anna.post("/admin/deliveries/receipt", data={"csrf": csrf},
                     files={"receipt_file": (receipt.name, receipt.read_bytes()), "signature_file": (sig.name, sig.read_bytes())})
    assert done.status_code == 200, done.text[:3000]
    assert "signature valid" in done.text, re.search(r"data-deliveries-outcome[^<]*", done.text).group(0)
    assert f'data-delivery="{south["id"]}" data-receipt="complete"' in done.text
    forged = anna.post("/admin/deliveries/receipt", data={"csrf": csrf},
                       files={"receipt_file": ("r.json", b'{"kind": "receipt"}')})
    assert forged.status_code == 422 and 'data-deliveries-outcome="error"' in forged.text
