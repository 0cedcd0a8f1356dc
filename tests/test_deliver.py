"""Deliveries of the sample manual to two customers with different products, checked on receipt, updated.

The supplier releases a copy of content/ and delivers it to North (P-001, a DG-5M) and South (P-002 and P-003,
DG-5E): each bundle holds only what applies to its products and verifies complete; a file deleted, added or
changed is named and judged; receipts come back and are recorded; a second release becomes an update package
of only what changed, which applies to North's folder and moves the register on.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from clirun import ietm
from deliver_support import NORTH, SOUTH, Supplier, make_supplier

BATTERY = "DGEN-A-D40-10-00-00A-520A-A"  # battery removal: DG-5E only
PROCESS = "dm/DGEN-A-D00-00-00-00A-130A-A_ru-RU.html"  # the engine start process, with a DG-5E battery branch


@pytest.fixture(scope="module")
def supplier(tmp_path_factory, content: Path) -> Supplier:
    return make_supplier(tmp_path_factory.mktemp("supplier"), content)


@pytest.fixture(scope="module")
def delivered(supplier: Supplier) -> dict[str, tuple[dict, Path]]:
    out = {}
    for name, products in ((NORTH, ["P-001"]), (SOUTH, ["P-002", "P-003"])):
        folder = supplier.root / ("north" if name == NORTH else "south")
        out[name] = (supplier.deliver(name, products, folder), folder)
    return out


def _verify(path: Path, *extra) -> tuple[int, dict]:
    r = ietm("verify-delivery", path, "--format", "json", *extra)
    assert r.code in (0, 21, 22), r.out + r.err
    return r.code, json.loads(r.out)


def _copy(folder: Path, tmp_path: Path) -> Path:
    dest = tmp_path / folder.name
    shutil.copytree(folder, dest)
    return dest


def test_each_customer_gets_only_what_applies_to_their_products(delivered) -> None:
    north_out, north = delivered[NORTH]
    south_out, south = delivered[SOUTH]
    assert north_out["products"] == ["P-001"] and south_out["products"] == ["P-002", "P-003"]
    # the battery procedures apply to the DG-5E only: South has them, North has neither page nor source
    assert (south / f"dm/{BATTERY}_ru-RU.html").is_file()
    assert not list(north.glob(f"dm/{BATTERY}*")) and not list(north.glob(f"csdb/DMC-{BATTERY}*"))
    assert {o["key"] for o in north_out["leftOut"]} == {f"DMC-{BATTERY}", "DMC-DGEN-A-D40-10-00-00A-720A-A"}
    assert south_out["leftOut"] == []
    # inside a module, the DG-5E branch of the start process is gone for North
    assert "Starter battery" not in (north / PROCESS.replace("ru-RU", "en-US")).read_text(encoding="utf-8")
    assert "Starter battery" in (south / PROCESS.replace("ru-RU", "en-US")).read_text(encoding="utf-8")
    # the product picker (the PCT of the bundle) offers exactly the delivered products, no other customer's serial
    north_pct = next(north.glob("csdb/DMC-DGEN-A-D00-00-00-00A-00PA-D_*_ru-RU.XML")).read_text(encoding="utf-8")
    south_pct = next(south.glob("csdb/DMC-DGEN-A-D00-00-00-00A-00PA-D_*_ru-RU.XML")).read_text(encoding="utf-8")
    assert "0450" in north_pct and "0870" not in north_pct and "1240" not in north_pct
    assert "0870" in south_pct and "1240" in south_pct and "0450" not in south_pct
    # the bundle is the manual in Russian, for its products
    record = json.loads((north / "delivery.json").read_text(encoding="utf-8"))
    assert record["customer"] == NORTH and record["release"]["name"] == "Выпуск 1"
    assert record["products"][0] == {"id": "P-001", "model": "DG-5M", "serial": "0450",
                                     "assignment": {"model": "DG-5M", "serialno": "0450"}}
    assert 'lang="ru"' in (north / "index.html").read_text(encoding="utf-8")


def test_both_deliveries_verify_complete(delivered, supplier: Supplier) -> None:
    for name, (_, folder) in delivered.items():
        code, result = _verify(folder, "--trust", supplier.pki / "ca.pem")
        assert (code, result["verdict"]) == (0, "complete"), result["findings"][:5]
        assert result["customer"] == name and result["signature"]["status"] == "valid"
        assert result["trust"] == "configured" and result["files"] > 200
    # without a trust store of their own, the customer is checked against what the delivery carries, and told so
    r = ietm("verify-delivery", delivered[NORTH][1])
    assert r.code == 0 and "COMPLETE" in r.out and "certificates the delivery itself carries" in r.out


@pytest.mark.parametrize("change, state, code", [("delete", "missing", 21), ("add", "extra", 22),
                                                  ("change", "changed", 22)])
def test_a_deleted_added_or_changed_file_is_named(delivered, supplier, tmp_path, change, state, code) -> None:
    folder = _copy(delivered[SOUTH][1], tmp_path)
    page = f"dm/{BATTERY}_ru-RU.html"
    if change == "delete":
        (folder / page).unlink()
    elif change == "add":
        (folder / "dm" / "slipped-in.html").write_text("<p>not from the supplier</p>", encoding="utf-8")
        page = "dm/slipped-in.html"
    else:
        with open(folder / page, "ab") as f:
            f.write(b"<!-- edited -->")
    got, result = _verify(folder, "--trust", supplier.pki / "ca.pem")
    assert got == code and result["verdict"] == ("incomplete" if state == "missing" else "tampered")
    assert [(f["state"], f["path"]) for f in result["findings"]] == [(state, page)]
    text = ietm("verify-delivery", folder, "--trust", supplier.pki / "ca.pem").out
    assert f"{state.upper()}: {page}" in text


def test_an_unsigned_or_forged_record_is_tampered(delivered, supplier, tmp_path) -> None:
    folder = _copy(delivered[NORTH][1], tmp_path)
    next(folder.glob("delivery.json.*sig")).unlink()
    code, result = _verify(folder, "--trust", supplier.pki / "ca.pem")
    assert code == 22 and result["signature"]["status"] == "unsigned"
    assert result["counts"]["unsigned"] == result["files"]  # nothing vouches for any file, each is named
    # a record rewritten to hide a change: its signature no longer holds
    folder = _copy(delivered[NORTH][1], tmp_path / "forged")
    record = json.loads((folder / "delivery.json").read_text(encoding="utf-8"))
    with open(folder / "index.html", "ab") as f:
        f.write(b"<!-- edited -->")
    import hashlib

    data = (folder / "index.html").read_bytes()
    record["files"]["index.html"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    (folder / "delivery.json").write_text(json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    code, result = _verify(folder, "--trust", supplier.pki / "ca.pem")
    assert code == 22 and result["signature"]["status"] == "invalid"
    assert ("changed", "delivery.json") in [(f["state"], f["path"]) for f in result["findings"]]


def test_a_delivery_is_checked_against_the_dml(supplier: Supplier, tmp_path: Path, content: Path) -> None:
    """A module the DML requires for the customer's product but the release lacks: the delivery says so, and
    the customer's check calls it incomplete, naming the module."""
    other = make_supplier(tmp_path / "gap", content)
    for f in other.csdb.glob("DMC-DGEN-A-D50-00-00-00A-040A-A_*"):
        f.unlink()
    for pm in other.csdb.glob("PMC-*.XML"):  # the publications no longer list it either
        text = pm.read_text(encoding="utf-8")
        if 'systemCode="D50"' in text:
            start = text.rindex("<dmRef>", 0, text.index('systemCode="D50"'))
            pm.write_text(text[:start] + text[text.index("</dmRef>", start) + len("</dmRef>"):], encoding="utf-8")
    other.release("Выпуск без D50")
    r = ietm("deliver", other.csdb, "--customer", NORTH, "-p", "P-001", "-o", tmp_path / "north-gap",
             *other.signer())
    assert r.code == 0, r.err
    assert "DMC-DGEN-A-D50-00-00-00A-040A-A (ru-RU): the DML requires it" in r.err
    code, result = _verify(tmp_path / "north-gap", "--trust", other.pki / "ca.pem")
    assert code == 21 and result["verdict"] == "incomplete"
    assert {f["path"] for f in result["findings"]} == {"DMC-DGEN-A-D50-00-00-00A-040A-A (ru-RU)",
                                                      "DMC-DGEN-A-D50-00-00-00A-040A-A (en-US)"}


def test_only_a_signed_release_is_delivered(supplier: Supplier, tmp_path: Path) -> None:
    changed = supplier.root / "changed"  # beside the supplier's PKI, which its settings name by a relative path
    shutil.copytree(supplier.csdb, changed, ignore=shutil.ignore_patterns(".*"))
    module = next(changed.glob("DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_ru-RU.XML"))
    module.write_text(module.read_text(encoding="utf-8").replace("</para>", " </para>", 1), encoding="utf-8")
    r = ietm("deliver", changed, "--customer", NORTH, "-p", "P-001", "-o", tmp_path / "out", *supplier.signer())
    assert r.code == 6 and "no longer matches its release" in r.err and module.name in r.err
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out.*"))  # nothing half written
    r = ietm("deliver", supplier.csdb, "--customer", NORTH, "-p", "P-404", "-o", tmp_path / "out", *supplier.signer())
    assert r.code == 5 and "no product 'P-404'" in r.err
    r = ietm("deliver", supplier.csdb, "--customer", NORTH, "-p", "P-001", "-o", tmp_path / "out",
             *supplier.signer("writer"))
    assert r.code == 6 and "may not sign this delivery" in r.err


def test_the_register_and_receipts(delivered, supplier: Supplier, tmp_path: Path) -> None:
    listing = json.loads(ietm("deliveries", "list", supplier.csdb, "--format", "json").out)
    holdings = {(h["customer"], h["product"]): h for h in listing["holdings"]}
    assert set(holdings) == {(NORTH, "P-001"), (SOUTH, "P-002"), (SOUTH, "P-003")}
    assert holdings[(SOUTH, "P-003")]["serial"] == "1240" and holdings[(SOUTH, "P-003")]["sent"]["release"] == "Выпуск 1"
    assert all(h["awaiting"] and not h["behind"] for h in holdings.values())
    # South acknowledges with its own key (registered with the supplier); an unregistered signer is recorded as such
    receipt = tmp_path / "receipt.json"
    r = ietm("verify-delivery", delivered[SOUTH][1], "--trust", supplier.pki / "ca.pem", "--receipt", receipt,
             "--key", supplier.pki / "writer.key.pem", "--cert", supplier.pki / "writer.pem",
             "--passphrase-file", supplier.passfile)
    assert r.code == 0 and "receipt written" in r.out, r.err
    r = ietm("deliveries", "receipt", supplier.csdb, receipt, "--format", "json")
    assert r.code == 0 and json.loads(r.out)["signature"] == "untrusted"
    ietm("deliveries", "customer", supplier.csdb, SOUTH, "--cert", supplier.pki / "writer.pem")
    r = ietm("deliveries", "receipt", supplier.csdb, receipt, "--format", "json")
    assert json.loads(r.out)["recorded"] is False  # a receipt is recorded once
    again = tmp_path / "again.json"
    ietm("verify-delivery", delivered[SOUTH][1], "--receipt", again, "--key", supplier.pki / "writer.key.pem",
         "--cert", supplier.pki / "writer.pem", "--passphrase-file", supplier.passfile)
    r = ietm("deliveries", "receipt", supplier.csdb, again, "--format", "json")
    assert json.loads(r.out)["signature"] == "valid" and json.loads(r.out)["recorded"]
    listing = json.loads(ietm("deliveries", "list", supplier.csdb, "--format", "json").out)
    south = [h for h in listing["holdings"] if h["customer"] == SOUTH]
    assert all(h["held"]["release"] == "Выпуск 1" and not h["awaiting"] for h in south)
    csv_text = ietm("deliveries", "list", supplier.csdb, "--format", "csv").out
    assert csv_text.splitlines()[0].startswith("customer,product,model,serial")
    assert f'{SOUTH},P-003,DG-5E,1240,Выпуск 1,' in csv_text


def test_an_update_carries_only_what_changed_and_moves_the_register(delivered, supplier: Supplier, tmp_path) -> None:
    north_out, north = delivered[NORTH]
    supplier.change_module("DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_ru-RU.XML", "Изменено во втором выпуске.")
    supplier.release("Выпуск 2")
    listing = json.loads(ietm("deliveries", "list", supplier.csdb, "--behind", "--format", "json").out)
    assert {(h["customer"], h["product"]) for h in listing["holdings"]} == {(NORTH, "P-001"), (SOUTH, "P-002"),
                                                                            (SOUTH, "P-003")}
    package = tmp_path / "north-2.zip"
    update = supplier.deliver(NORTH, ["P-001"], package, "--update")
    assert update["kind"] == "update" and update["base"] == north_out["id"]
    names = set(zipfile.ZipFile(package).namelist())
    assert "dm/DGEN-A-D10-00-00-00A-040A-A_ru-RU.html" in names and "csdb/DMC-DGEN-A-D10-00-00-00A-040A-A_002-00_ru-RU.XML" in names
    assert not any(n.startswith("dm/DGEN-A-D50") or n.startswith("icn/") for n in names)  # untouched: not carried
    old = "csdb/DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_ru-RU.XML"  # and its .gz and .br forms (for web servers)
    assert sorted(update["deleted"]) == [old, old + ".br", old + ".gz"]
    assert len([n for n in names if not n.endswith((".gz", ".br"))]) < 20
    code, checked = _verify(package, "--trust", supplier.pki / "ca.pem")
    assert code == 0 and checked["kind"] == "update" and checked["base"]["id"] == north_out["id"]
    # a package altered on its way is tampered, and is not applied
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data + b"<!-- -->" if info.filename.endswith("_ru-RU.html") else data)
    code, checked = _verify(bad, "--trust", supplier.pki / "ca.pem")
    assert code == 22 and checked["findings"][0]["state"] == "changed"
    folder = _copy(north, tmp_path)
    r = ietm("apply-update", folder, bad, "--trust", supplier.pki / "ca.pem")
    assert r.code == 6 and "tampered" in r.err
    # not for South's folder; for North's, and the folder then checks complete against its new record
    r = ietm("apply-update", _copy(delivered[SOUTH][1], tmp_path), package, "--trust", supplier.pki / "ca.pem")
    assert r.code == 6 and f"applies to delivery {north_out['id']}" in r.err
    r = ietm("apply-update", folder, package, "--trust", supplier.pki / "ca.pem", "--format", "json")
    assert r.code == 0, r.out + r.err
    assert json.loads(r.out)["verdict"] == "complete" and json.loads(r.out)["id"] == update["id"]
    assert "Изменено во втором выпуске." in (folder / "dm/DGEN-A-D10-00-00-00A-040A-A_ru-RU.html").read_text("utf-8")
    assert not (folder / "csdb/DMC-DGEN-A-D10-00-00-00A-040A-A_001-00_ru-RU.XML").exists()
    # the register: North was sent release 2; once the applied update is acknowledged it holds it; South is behind
    receipt = tmp_path / "applied.json"
    ietm("verify-delivery", folder, "--receipt", receipt)
    assert json.loads(receipt.read_text(encoding="utf-8"))["applied"] is True
    ietm("deliveries", "receipt", supplier.csdb, receipt)
    listing = json.loads(ietm("deliveries", "list", supplier.csdb, "--format", "json").out)
    holdings = {(h["customer"], h["product"]): h for h in listing["holdings"]}
    assert holdings[(NORTH, "P-001")]["held"]["release"] == "Выпуск 2" and not holdings[(NORTH, "P-001")]["behind"]
    assert holdings[(SOUTH, "P-002")]["behind"] and holdings[(SOUTH, "P-002")]["sent"]["release"] == "Выпуск 1"
    # the needs: North has all it should; South's products hold the first issue of the changed module
    r = ietm("deliveries", "needs", supplier.csdb, "--customer", NORTH, "--format", "json")
    assert r.code == 0 and [n["gaps"] for n in json.loads(r.out)] == [[]], r.out
    r = ietm("deliveries", "needs", supplier.csdb, "--customer", SOUTH, "--format", "json")
    assert r.code == 1, r.err
    south = {n["product"]: n for n in json.loads(r.out)}
    assert set(south) == {"P-002", "P-003"} and all(n["required"] > 40 for n in south.values())
    for n in south.values():
        assert [(g["kind"], g["key"], g["language"], g["held"], g["current"]) for g in n["gaps"]] == [
            ("outdated", "DMC-DGEN-A-D10-00-00-00A-040A-A", "ru-RU", "001-00", "002-00")]
    text = ietm("deliveries", "needs", supplier.csdb, "--customer", SOUTH).out
    assert "OUTDATED: DMC-DGEN-A-D10-00-00-00A-040A-A (ru-RU) holds 001-00, latest 002-00" in text


def test_a_hostile_package_is_refused(tmp_path: Path) -> None:
    package = tmp_path / "evil.zip"
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("update.json", "{}")
        z.writestr("../../outside.html", "<p>")
    r = ietm("verify-delivery", package)
    assert r.code == 3 and "not a plain path inside a bundle" in r.err
    assert not (tmp_path.parent / "outside.html").exists()
    r = ietm("verify-delivery", tmp_path)
    assert r.code == 5 and "no delivery.json here" in r.err


@pytest.mark.parametrize("command", [("needs",), ("list",), ("customer", "{csdb}", "North", "--forget-cert"),
                                     ("receipt", "{csdb}", "receipt.json")])
def test_the_register_of_a_folder_that_is_not_a_csdb_is_refused(tmp_path: Path, command) -> None:
    """A wrong folder named by mistake is told as such, not answered with an empty register (nor given one)."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text("not a manual", encoding="utf-8")
    (folder / "receipt.json").write_text("{}", encoding="utf-8")
    args = [a.format(csdb=folder) if a != "receipt.json" else str(folder / a) for a in command]
    if len(args) == 1:
        args.append(str(folder))
    r = ietm("deliveries", *args)
    assert r.code == 5 and r.out == ""
    assert r.err.splitlines() == [f"ERROR: {folder}: not a CSDB (no data module, publication module or DML in it), "
                                  "so no register of deliveries: give the CSDB's folder"]
    assert sorted(p.name for p in folder.iterdir()) == ["readme.txt", "receipt.json"]


def test_a_wrong_folder_is_told_in_russian_and_a_missing_one_as_missing(tmp_path: Path) -> None:
    r = ietm("deliveries", "needs", tmp_path, env={**os.environ, "LC_ALL": "ru_RU.UTF-8"})
    assert r.code == 5 and r.err.splitlines() == [
        f"ERROR: {tmp_path}: это не база данных CSDB (в папке нет ни модулей данных, ни публикаций, ни DML), "
        "значит, и реестра поставок нет: укажите папку базы данных"]
    r = ietm("deliveries", "needs", tmp_path / "missing")
    assert r.code == 5 and r.err.strip() == f"ERROR: {tmp_path / 'missing'}: no such CSDB folder"
