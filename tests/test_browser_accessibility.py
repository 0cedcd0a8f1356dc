"""Every page type meets WCAG 2 AA (axe-core, the rules engine most audits use) in day and night modes, and
warnings and cautions meet AAA contrast (7:1), before and after they are acknowledged: one browser page walks
the sample manual (signed and released, with a writer and QA logged in for their pages) in Russian, and on the
same pages no English word of the interface is shown after the page's scripts have run.

axe-core is test tooling, vendored at a pinned version under tests/vendor/axe-core (see its README)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from badge_support import sign_and_release
from ietm.accounts import open_accounts
from russian_support import certificate_words, english_on, module_words, titles_named
from webserver import serving

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
PASSWORD = "correct horse battery"
AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PROCEDURE = "/dm/DGEN-A-D10-10-00-00A-212A-A"  # warnings and cautions guard its steps
#: a page of every type: lists, each content type, the shell's own pages, an error
READER = ["/", "/dm", "/products", "/search?q=масло", "/release", "/login", "/no/such/page",
          "/pm/DGEN-DZM01-00001-00", PROCEDURE, "/dm/DGEN-A-D10-00-00-00A-421A-A", "/dm/DGEN-A-D10-00-00-00A-941A-D",
          "/dm/DGEN-A-D00-00-00-00A-00GA-D", "/dm/DGEN-A-D00-00-00-00A-0A4A-D", "/dm/DGEN-A-D00-00-00-00A-00WA-D",
          "/dm/DGEN-A-D00-00-00-00A-00PA-D", "/dm/DGEN-A-D00-00-00-00A-130A-A", "/dm/DGEN-A-D00-00-00-00A-131A-A",
          "/dm/DGEN-A-D00-00-00-00A-040A-A", "/dm/DGEN-A-D00-00-00-00A-0B0A-A", "/dm/DGEN-A-D00-00-00-00A-001A-A",
          "/dm/DGEN-A-D00-00-00-00A-022A-D"]
WRITER = ["/upload", "/edit", "/edit/new", "/remarks"]
QA = ["/qa"]


@pytest.fixture(scope="module")
def base(tmp_path_factory, content: Path, schemas42: Path, brex42: Path):
    signed = sign_and_release(tmp_path_factory.mktemp("a11y"), content, schemas42, brex42)
    accounts = open_accounts(signed.csdb)
    accounts.add("writer", "writer", PASSWORD)
    accounts.add("inspector", "qa", PASSWORD, "02")
    with serving(signed.csdb) as url:
        yield url, signed.csdb, certificate_words(signed.pki / "qa.pem")


def audit(pg) -> list[str]:
    """axe-core over the page as it is now: WCAG 2 AA everywhere, AAA contrast inside warnings and cautions."""
    if not pg.evaluate("!!window.axe"):
        pg.add_script_tag(content=AXE)
    found = pg.evaluate("""async (aa) => {
        const out = [];
        const say = (v, n) => `${v.id}: ${n.target.join(' ')}: ${(n.any[0] || n.all[0] || n.none[0] || {message: v.help}).message}`;
        const all = await axe.run(document, {runOnly: {type: 'tag', values: aa}});
        all.violations.forEach(v => v.nodes.forEach(n => out.push(say(v, n))));
        if (document.querySelector('.adm.warning, .adm.caution')) {
          const safety = await axe.run({include: [['.adm.warning'], ['.adm.caution']]},
                                       {runOnly: {type: 'rule', values: ['color-contrast-enhanced']}});
          safety.violations.forEach(v => v.nodes.forEach(n => out.push(say(v, n))));
        }
        return out; }""", AA)
    return found


def _login(pg, who: str) -> None:
    pg.goto("/login")
    pg.fill("#login-name", who)
    pg.fill("#login-password", PASSWORD)
    pg.click(".login-form button[type=submit]")
    pg.wait_for_url(re.compile(r".*/$"))


def _russian(pg, csdb: Path, signer: set[str], path: str) -> set[str]:
    """English interface words on the page as its scripts left it (the module's, the titles' and the signer's
    own words allowed)."""
    m = re.match(r"/dm/([^?#]+)", path)
    page = pg.content()
    allowed = signer | titles_named(csdb, page)
    if m:
        for f in csdb.glob(f"DMC-{m.group(1)}_*_ru-RU.XML"):
            allowed |= module_words(f)
    return english_on(page, allowed)


def test_every_page_type_is_legible_in_day_and_night(browser, base) -> None:
    url, csdb, signer = base
    context = browser.new_context(viewport={"width": 1024, "height": 1366}, base_url=url, bypass_csp=True,
                                  locale="ru-RU", extra_http_headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    faults: list[str] = []
    english: dict[str, list[str]] = {}
    try:
        for mode in ("day", "night"):
            pg.goto("/")
            pg.evaluate("m => localStorage.setItem('ietm.settings', JSON.stringify({night: m === 'night'}))", mode)
            for who, paths in (("", READER), ("writer", WRITER), ("inspector", QA)):
                if who:
                    _login(pg, who)
                for path in paths:
                    pg.goto(path)
                    assert pg.evaluate("document.documentElement.dataset.theme || 'light'") == (
                        "dark" if mode == "night" else "light")
                    faults += [f"{mode} {path}: {f}" for f in audit(pg)]
                    if mode == "day":
                        words = _russian(pg, csdb, signer, path)
                        if words:
                            english[path] = sorted(words)
                    if path == PROCEDURE:  # the same page once its warnings are acknowledged
                        pg.evaluate("document.querySelectorAll('.ack-btn').forEach(b => b.disabled || b.click())")
                        assert pg.locator(".step.locked").count() == 0
                        faults += [f"{mode} {path} (acknowledged): {f}" for f in audit(pg)]
                if who:
                    pg.context.clear_cookies()
            pg.goto(PROCEDURE)  # what does not apply, shown on request, stays legible too
            pg.evaluate("localStorage.setItem('ietm.applic', JSON.stringify({id: 'P-001', assigns: {model: 'DG-5M'}}))")
            pg.reload()
            pg.check("[data-show-inapplicable]")
            assert pg.locator(".inapplicable").count() > 0
            faults += [f"{mode} {PROCEDURE} (inapplicable shown): {f}" for f in audit(pg)]
            pg.uncheck("[data-show-inapplicable]")
            pg.evaluate("localStorage.removeItem('ietm.applic'); localStorage.removeItem('ietm.steps')")
    finally:
        context.close()
    assert not errors, errors
    assert not faults, "\n".join(faults)
    assert not english, english
