"""The interface strings: every key the templates and scripts use exists, in English and in Russian."""

from __future__ import annotations

import re

import importlib
import pkgutil

import ietm
from ietm.paths import STATIC, TEMPLATES
from ietm.web.i18n import STRINGS, t

for _module in pkgutil.walk_packages(ietm.__path__, "ietm."):  # every module declares its words on import
    if not _module.name.endswith("__main__"):
        importlib.import_module(_module.name)


def test_every_string_has_both_languages() -> None:
    assert len(STRINGS) > 150
    for key, (en, ru) in STRINGS.items():
        assert en.strip() and ru.strip(), key
        # Russian may leave out a detail only English has (a validator's own words), never add one
        assert set(re.findall(r"\{(\w+)\}", ru)) <= set(re.findall(r"\{(\w+)\}", en)), key
        if re.sub(r"\{\w+\}", "", ru).strip(" .,:;()·-"):  # words, not only placeholders
            assert re.search("[а-яё]", ru, re.IGNORECASE), f"{key}: Russian text expected, got {ru!r}"


def test_templates_and_scripts_use_only_known_keys() -> None:
    used: set[str] = set()
    for f in TEMPLATES.rglob("*.html"):
        prefix = "pdf_" if f.parent.name == "paper" else ""  # the printed manual's t() adds its prefix (ietm.paper)
        used |= {prefix + k for k in re.findall(r"""\bt\(\s*['"](\w+)['"]""", f.read_text(encoding="utf-8"))}
    for name in ("app.js", "applic.js"):  # scripts read the table as S.key (app.js) and s.key (applic.js)
        text = (STATIC / "js" / name).read_text(encoding="utf-8")
        used |= {a or b for a, b in re.findall(r"\bS\.(\w+)|\bs\.(\w+)\b(?!\()", text)}
    assert len(used) > 30
    # t('orders_status_' ~ order.status): a family of keys named by a prefix; some key must carry it
    missing = sorted(k for k in used if k not in STRINGS and not (k.endswith("_") and any(s.startswith(k) for s in STRINGS)))
    assert not missing, missing


def test_placeholders_are_filled() -> None:
    assert t("product_selected", "ru", name="1B070701") == "Показано для изделия: 1B070701"
    assert t("modules_count", "en", n=3) == "3 data modules"
    assert t("home", "de") == "Manuals"  # an unknown language falls back to English


def test_the_browser_language_is_followed_until_the_reader_chooses() -> None:
    from ietm.web.i18n import negotiate

    assert negotiate("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7") == "ru"
    assert negotiate("en-GB,en;q=0.9,ru;q=0.8") == "en"
    assert negotiate("de-DE,de;q=0.9,ru;q=0.5,en;q=0.4") == "ru"  # the best of ours by quality, not by order
    assert negotiate("en;q=0.1, RU") == "ru"
    assert negotiate("de, fr") is None and negotiate("*") is None and negotiate("") is None and negotiate(None) is None
    assert negotiate("ru;q=0, en;q=0.2") == "en"  # q=0 means "not this one"
    assert negotiate("ru;q=abc, en") == "en"  # a malformed range is skipped, not fatal


def test_code_values_have_russian_names() -> None:
    from ietm.render.content.codelists import LISTS, code_name
    from ietm.render.content.infocodes import table

    for kind, values in LISTS.items():
        for value, (en, ru) in values.items():
            assert en and ru, (kind, value)
            if kind not in ("unit",):
                assert re.search("[а-яё]", ru, re.I), (kind, value, ru)
    assert code_name("issue_type", "changed", "ru") == "Изменён"
    assert code_name("qa", "first", "ru") == "Первичная верификация"
    assert code_name("skill", "sk02", "ru") == "Средняя"
    assert code_name("info_code", "520A", "ru") == "Порядок демонтажа"
    assert code_name("info_code", "05A", "ru") == code_name("info_code", "050", "ru")  # project code: its group
    assert code_name("skill", "sk63", "ru") == "sk63"  # a project's own code is shown as it is
    names = table()
    assert len(names) > 560 and all(re.search("[а-яё]", ru, re.I) for _, ru in names.values())


def test_messages_are_english_for_machines_and_localised_for_readers() -> None:
    from ietm.web.i18n import CodeName, localise, message

    m = message("no_issue", key="DMC-X", issue="009-00", known="001-00")
    assert str(m) == "DMC-X has no issue 009-00 (issues here: 001-00)" and isinstance(m, str)
    assert localise(m, "ru") == "у DMC-X нет выпуска 009-00 (есть выпуски: 001-00)"
    signed = message("qa_signed", key="K", issue="001-00", qa=CodeName("qa", "first"), qa_type=CodeName("qa_type", "tabtop"),
                     signature="K.xsig")
    assert "Первичная верификация (за столом)" in localise(signed, "ru")
    assert localise("plain words", "ru") == "plain words"
