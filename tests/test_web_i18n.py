"""The interface strings: every key the templates and scripts use exists, in English and in Russian."""

from __future__ import annotations

import re

from ietm.paths import STATIC, TEMPLATES
from ietm.web.i18n import STRINGS, t


def test_every_string_has_both_languages() -> None:
    for key, (en, ru) in STRINGS.items():
        assert en.strip() and ru.strip(), key
        assert set(re.findall(r"\{(\w+)\}", en)) == set(re.findall(r"\{(\w+)\}", ru)), key
        assert re.search("[а-яё]", ru, re.IGNORECASE), f"{key}: Russian text expected, got {ru!r}"


def test_templates_and_scripts_use_only_known_keys() -> None:
    used: set[str] = set()
    for f in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*['"](\w+)['"]""", f.read_text(encoding="utf-8")))
    for name in ("app.js", "applic.js"):  # scripts read the table as S.key (app.js) and s.key (applic.js)
        text = (STATIC / "js" / name).read_text(encoding="utf-8")
        used |= {a or b for a, b in re.findall(r"\bS\.(\w+)|\bs\.(\w+)\b(?!\()", text)}
    assert len(used) > 30
    missing = sorted(k for k in used if k not in STRINGS)
    assert not missing, missing


def test_placeholders_are_filled() -> None:
    assert t("product_selected", "ru", name="1B070701") == "Показано для изделия: 1B070701"
    assert t("modules_count", "en", n=3) == "3 data modules"
    assert t("home", "de") == "Manuals"  # an unknown language falls back to English
