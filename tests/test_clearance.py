"""A reader below a module's security class learns nothing of it: no title, code or count of it appears in the
contents of a publication, search facets and totals, suggestions and corrections, breadcrumbs, previous/next,
the rendered text of modules that refer to it, the JSON API, remarks, the QA queue or live preview.

Over a real server on the Bike set, one module (DA1-00-00-00AA-041A-A, renamed to carry the unique word
"quasarflange" and classified 03) and one publication (BRAKE, classified 03) above a technician's clearance.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest

from ietm.accounts import open_accounts
from liveserver import serving

PASSWORD = "correct horse battery"
SECRET = "S1000DBIKE-AAA-DA1-00-00-00AA-041A-A"  # classified 03
SECRET_FILE = f"DMC-{SECRET}_008-00_en-US.XML"
SECRET_TITLE = "quasarflange assembly"
REFERRER = "S1000DBIKE-AAA-D00-00-00-00AA-042A-A"  # refers to SECRET without writing its title
BEFORE, AFTER = "S1000DBIKE-AAA-DA0-30-00-00AA-720A-A", "S1000DBIKE-AAA-DA1-00-00-00AA-341A-A"  # its neighbours
SECRET_PM = "BRAKE-B6865-EPWG1-00"  # classified 03; the only publication of BRAKE-AAA-DA1-10-00-00AA-251A-A
IN_SECRET_PM = "BRAKE-AAA-DA1-10-00-00AA-251A-A"


def _insert_in_content(xml: str, words: str) -> str:
    content = xml.index("<content>")
    para = xml.index("<para>", content) + len("<para>")
    return xml[:para] + words + " " + xml[para:]


@pytest.fixture(scope="module")
def csdb(tmp_path_factory, bike, schemas42, brex42, module_db_url) -> Path:
    root = tmp_path_factory.mktemp("clearance") / "csdb"
    shutil.copytree(bike, root, ignore=shutil.ignore_patterns(".*"))
    for p in [root, *root.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    secret = root / SECRET_FILE
    xml = secret.read_text(encoding="utf-8")
    xml = xml.replace('securityClassification="01"', 'securityClassification="03"', 1)
    xml = xml.replace("<infoName>Description of how it is made</infoName>", f"<infoName>{SECRET_TITLE}</infoName>", 1)
    xml = xml.replace('<firstVerification verificationType="tabtop"/>', "<unverified/>", 1)  # in the QA queue
    secret.write_text(_insert_in_content(xml, "zirconiumwidget quasarflange"), encoding="utf-8")
    referrer = next(root.glob(f"DMC-{REFERRER}_*.XML"))
    referrer.write_text(_insert_in_content(referrer.read_text(encoding="utf-8"), "zirconiumwidget"), encoding="utf-8")
    pm = next(root.glob(f"PMC-{SECRET_PM}_*.XML"))
    pm.write_text(pm.read_text(encoding="utf-8").replace('securityClassification="01"', 'securityClassification="03"', 1),
                  encoding="utf-8")
    # the Bike rules allow class 01 only: here that rule (brsl01) warns, so a classified upload goes in, with a
    # problem that live preview would report on its page
    (root / "ietm.toml").write_text(f'[schemas]\ndirs = ["{schemas42}"]\n[brex]\ndefault = ["{brex42}"]\n'
                                    'nonfailing = ["brsl01", "brsl02", "brsl03"]\n'
                                    f'[server]\ndatabase = "{module_db_url}"\n')
    accounts = open_accounts(root)
    for name, role, clearance in (("tech", "technician", "01"), ("writer", "writer", "01"), ("qa_low", "qa", "01"),
                                  ("qa", "qa", "03"), ("writer_high", "writer", "03"), ("admin", "admin", "05")):
        accounts.add(name, role, PASSWORD, clearance)
    accounts.db.dispose()
    return root


@pytest.fixture(scope="module")
def server(csdb):
    with serving(csdb) as s:
        yield s


@pytest.fixture(scope="module")
def clients(server) -> dict[str, httpx.Client]:
    out = {"anonymous": httpx.Client(base_url=server.url, timeout=120)}
    for name in ("tech", "writer", "qa_low", "qa", "writer_high", "admin"):
        client = httpx.Client(base_url=server.url, timeout=120)
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}).status_code == 303
        out[name] = client
    yield out
    for client in out.values():
        client.close()


def _csrf(client: httpx.Client) -> str:
    return client.get("/api/me").json()["csrf"]


@pytest.mark.parametrize("reader", ["anonymous", "tech"])
def test_publication_contents_and_api_leave_it_out(clients, reader):
    below, cleared = clients[reader], clients["qa"]
    listed = "Brake system - Description of how it is made"  # the title the publication itself gives it
    assert listed in cleared.get("/pm/S1000DBIKE-B6865-EPWG1-00").text
    page = below.get("/pm/S1000DBIKE-B6865-EPWG1-00")
    assert page.status_code == 200 and listed not in page.text and SECRET not in page.text
    toc = below.get("/api/pm/S1000DBIKE-B6865-EPWG1-00").json()
    assert SECRET not in str(toc) and SECRET_TITLE not in str(toc)
    assert SECRET in str(cleared.get("/api/pm/S1000DBIKE-B6865-EPWG1-00").json())
    assert below.get(f"/api/pm/{SECRET_PM}").status_code == 404 and below.get(f"/pm/{SECRET_PM}").status_code == 404
    assert {o["key"] for o in below.get("/api/objects").json()}.isdisjoint({f"DMC-{SECRET}", f"PMC-{SECRET_PM}"})


def test_home_page_counts_and_lists_only_what_the_reader_may_see(clients):
    def rows(client) -> int:
        return client.get("/dm").text.split("<tbody", 1)[1].count("<tr")

    def numbers(client) -> int:
        return sum(int(n) for n in re.findall(r"\d+", re.sub(r"<[^>]+>", " ", client.get("/").text)))

    tech, qa = clients["tech"], clients["qa"]
    assert f"/pm/{SECRET_PM}" in qa.get("/").text and f"/pm/{SECRET_PM}" not in tech.get("/").text
    assert numbers(tech) < numbers(qa)  # the count of modules, and of the publication that holds it, drop
    assert rows(tech) == rows(qa) - 1


def test_breadcrumbs_and_neighbours_skip_it(clients):
    tech, qa = clients["tech"], clients["qa"]
    before = tech.get(f"/dm/{BEFORE}").text
    assert SECRET not in before and SECRET_TITLE not in before and f"/dm/{AFTER}" in before
    assert f"/dm/{SECRET}" in qa.get(f"/dm/{BEFORE}").text
    after = tech.get(f"/dm/{AFTER}").text
    assert SECRET not in after and f"/dm/{BEFORE}" in after
    # a module whose only publication is above the reader's clearance shows no publication in its trail
    assert f"/pm/{SECRET_PM}" in qa.get(f"/dm/{IN_SECRET_PM}").text
    assert f"/pm/{SECRET_PM}" not in tech.get(f"/dm/{IN_SECRET_PM}").text


def test_modules_that_refer_to_it_do_not_show_its_title(clients):
    assert SECRET_TITLE in clients["qa"].get(f"/dm/{REFERRER}").text
    page = clients["tech"].get(f"/dm/{REFERRER}").text
    assert SECRET_TITLE not in page and f'href="/dm/{SECRET}' not in page


@pytest.mark.parametrize("reader", ["anonymous", "tech"])
def test_search_totals_facets_suggestions_and_corrections(clients, reader):
    below, cleared = clients[reader], clients["qa"]
    seen = cleared.get("/api/search", params={"q": "zirconiumwidget"}).json()
    hidden = below.get("/api/search", params={"q": "zirconiumwidget"}).json()
    assert seen["total"] == 2 and "DA1" in seen["facets"]["system"]
    assert hidden["total"] == 1 and "DA1" not in hidden["facets"]["system"] and sum(hidden["facets"]["system"].values()) == 1
    assert below.get("/api/search", params={"q": "quasarflange"}).json()["total"] == 0
    assert "quasarflange" not in below.get("/search", params={"q": "quasarflange"}).text.replace('value="quasarflange"', "")
    # search as you type: neither the word nor the module
    assert "quasarflange" in str(cleared.get("/api/suggest", params={"q": "quasarfl"}).json())
    assert "quasarflange" not in str(below.get("/api/suggest", params={"q": "quasarfl"}).json()).replace("'quasarfl'", "")
    assert SECRET not in str(below.get("/api/suggest", params={"q": "brake system"}).json())
    # did you mean: a misspelling is not corrected to a word only the classified module holds
    assert cleared.get("/api/search", params={"q": "quasarflanje"}).json()["corrected_from"] == "quasarflanje"
    typo = below.get("/api/search", params={"q": "quasarflanje"}).json()
    assert "quasarflange" not in (typo["did_you_mean"] or "") and typo["total"] == 0


def test_remarks_on_it_are_neither_sent_nor_read_below_its_class(clients, csdb):
    body = {"module": SECRET, "text": "The quasarflange torque is missing.", "priority": "safety"}
    tech = clients["tech"]
    refused = tech.post("/api/remarks", json=body, headers={"X-CSRF-Token": _csrf(tech)})
    assert refused.status_code == 404
    unknown = tech.post("/api/remarks", json={**body, "module": "S1000DBIKE-AAA-DA9-99-99-99AA-041A-A"},
                        headers={"X-CSRF-Token": _csrf(tech)})
    assert unknown.json()["error"]["message"].replace("DA9-99-99-99AA", "X") == \
        refused.json()["error"]["message"].replace("DA1-00-00-00AA", "X")  # as unknown as a missing module
    qa = clients["qa"]
    sent = qa.post("/api/remarks", json=body, headers={"X-CSRF-Token": _csrf(qa)})
    assert sent.status_code == 201
    assert 'securityClassification="03"' in (csdb / sent.json()["file"]).read_text(encoding="utf-8")
    assert "quasarflange torque" in clients["admin"].get("/remarks").text
    queue = clients["writer"].get("/remarks")
    assert queue.status_code == 200 and "quasarflange" not in queue.text and SECRET not in queue.text


def test_qa_queue_and_review(clients):
    assert SECRET in clients["qa"].get("/qa").text
    low = clients["qa_low"]
    assert SECRET not in low.get("/qa").text and SECRET_TITLE not in low.get("/qa").text
    assert clients["qa"].get(f"/qa/review/DMC-{SECRET}").status_code == 200
    review = low.get(f"/qa/review/DMC-{SECRET}")
    assert review.status_code == 404 and SECRET_TITLE not in review.text


def test_live_preview_does_not_name_it(clients, csdb):
    writer = clients["writer_high"]
    token = re.search(r'name="csrf" value="([^"]+)"', writer.get("/upload").text).group(1)
    data = (csdb / SECRET_FILE).read_bytes().replace(b'issueNumber="008"', b'issueNumber="009"', 1)
    data = data.replace(b'issueType="new"', b'issueType="changed"', 1)
    r = writer.post("/upload", files={"files": (SECRET_FILE.replace("008-00", "009-00"), data)}, data={"csrf": token})
    assert r.status_code == 200, r.text
    seen = writer.get("/api/changes", params={"since": -1, "timeout": 1}).json()
    assert f"DMC-{SECRET}" in seen["changed"] and any(SECRET in a for a in seen["problems"])
    below = clients["writer"].get("/api/changes", params={"since": -1, "timeout": 1}).json()
    assert f"DMC-{SECRET}" not in below["changed"] and not any(SECRET in a for a in below["problems"])
