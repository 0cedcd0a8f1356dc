"""The viewer shell's words (menus, panels, lists, forms, error pages) and the reader's interface language.

The words are kept by ietm.i18n (one table for every layer, imported here for the web's use): a page or a
feature declares its own words next to its code with `words({...})` (key -> (English, Russian)), and
templates, routes and browser scripts (which read `table()` from the page) look them up by key. Words a
content renderer adds around S1000D text live in ietm.render.content.labels, and the names of S1000D code
values (issue type, QA status, security class, skill level, info code...) in ietm.render.content.codelists.
An error a reader may see carries a `message(key, ...)`: English in the log and on the command line, in the
reader's language on the page (`localise`).
"""

from __future__ import annotations

import re

from ietm.i18n import (  # noqa: F401  (the web's one import of the mechanism)
    DEFAULT,
    LANGUAGES,
    STRINGS,
    CodeName,
    Message,
    localise,
    message,
    t,
    table,
    words,
)

words({  # key -> (English, Russian)  # key -> (English, Russian)
    "app_title": ("Technical manual", "Техническое руководство"),
    "skip": ("Skip to content", "Перейти к содержанию"),
    "home": ("Manuals", "Руководства"),
    "all_modules": ("All data modules", "Все модули данных"),
    "manuals": ("Publications", "Публикации"),
    "no_manuals": ("This CSDB has no publication modules.", "В этой базе нет публикационных модулей."),
    "modules_count": ("{n} data modules", "Модулей данных: {n}"),
    "contents": ("Contents", "Содержание"),
    "breadcrumbs": ("You are here", "Вы здесь"),
    "previous": ("Previous", "Назад"),
    "next": ("Next", "Далее"),
    "issue": ("Issue", "Выпуск"),
    "issues": ("Other issues", "Другие выпуски"),
    "language": ("Language", "Язык"),
    "languages": ("Content languages", "Языки содержания"),
    "latest": ("latest", "последний"),
    "old_issue": (
        "You are reading issue {issue}, not the latest ({latest}).",
        "Вы читаете выпуск {issue}, а не последний ({latest}).",
    ),
    "settings": ("Settings", "Настройки"),
    "night": ("Night mode", "Ночной режим"),
    "large_text": ("Large text", "Крупный текст"),
    "ui_language": ("Interface language", "Язык интерфейса"),
    "bookmarks": ("Bookmarks", "Закладки"),
    "bookmark_add": ("Bookmark this page", "Добавить в закладки"),
    "bookmark_remove": ("Remove bookmark", "Убрать из закладок"),
    "no_bookmarks": ("No bookmarks yet.", "Закладок пока нет."),
    "recent": ("Recently viewed", "Недавно просмотренные"),
    "no_recent": ("Nothing viewed yet.", "Вы ещё ничего не открывали."),
    "notes": ("My notes on this module", "Мои заметки к модулю"),
    "notes_help": (
        "Kept on this device only.",
        "Хранятся только на этом устройстве.",
    ),
    "notes_saved": ("Saved", "Сохранено"),
    "print": ("Print", "Печать"),
    "close": ("Close", "Закрыть"),
    "menu": ("Menu", "Меню"),
    "product": ("Product", "Изделие"),
    "product_none": ("All products", "Все изделия"),
    "product_pick": ("Choose the product", "Выберите изделие"),
    "product_selected": ("Showing content for: {name}", "Показано для изделия: {name}"),
    "product_all": ("Showing content for all products", "Показано для всех изделий"),
    "product_attrs": ("Or set attribute values", "Или задайте значения признаков"),
    "product_apply": ("Apply", "Применить"),
    "product_clear": ("Show all products", "Показать для всех изделий"),
    "show_inapplicable": ("Show what does not apply (greyed)", "Показать неприменимое (серым)"),
    "module_inapplicable": (
        "This data module does not apply to the selected product.",
        "Этот модуль данных не применим к выбранному изделию.",
    ),
    "no_pct": ("This CSDB has no product list (PCT).", "В этой базе нет таблицы изделий (PCT)."),
    "any_value": ("any", "любое"),
    "products": ("Products", "Изделия"),
    "error": ("Error", "Ошибка"),
    "not_found": ("Not found", "Не найдено"),
    "back_home": ("Back to the manuals", "К списку руководств"),
    "code": ("Code", "Код"),
    "title": ("Title", "Название"),
    "type": ("Type", "Тип"),
    "open_in_pm": ("In publication", "В публикации"),
    "broken": ("not in this CSDB", "нет в этой базе"),
    "pm_ref": ("Publication", "Публикация"),
    "external": ("External publication", "Внешняя публикация"),
    "filter": ("Filter", "Фильтр"),
    "search": ("Search", "Поиск"),
    "search_manual": ("Search the manual", "Поиск по руководству"),
    "filter_placeholder": ("Code or title", "Код или название"),
    "unreadable": ("{n} files of this CSDB could not be read", "Не удалось прочитать файлов этой базы: {n}"),
    # the shared server: accounts, uploads, remarks, QA
    "login": ("Log in", "Вход"),
    "logout": ("Log out", "Выход"),
    "user_name": ("Name", "Имя"),
    "password": ("Password", "Пароль"),
    "login_throttled": (
        "Too many wrong passwords for this name from this address; try again in {seconds} s.",
        "Слишком много неверных паролей для этого имени с этого адреса; повторите через {seconds} с.",
    ),
    "upload": ("Upload modules", "Загрузка модулей"),
    "upload_hint": (
        "S1000D objects (XML), illustrations, or a zip of them. Each is checked before it enters the CSDB; "
        "an existing issue is never replaced.",
        "Объекты S1000D (XML), иллюстрации или ZIP-архив с ними. Каждый файл проверяется до занесения в базу; "
        "существующий выпуск никогда не заменяется.",
    ),
    "files": ("Files", "Файлы"),
    "send": ("Send", "Отправить"),
    "accepted": ("accepted", "принят"),
    "rejected": ("rejected", "отклонён"),
    "remarks": ("Remarks from the field", "Замечания из эксплуатации"),
    "no_remarks": ("No remarks.", "Замечаний нет."),
    "priority": ("Priority", "Приоритет"),
    "remark_by": ("Raised by", "Автор"),
    "qa_queue": ("Awaiting verification", "Ожидают верификации"),
    "qa_none": ("No module awaits verification.", "Нет модулей, ожидающих верификации."),
    "qa_review": ("Review", "Проверить"),
    "qa_view": ("Open the rendered module", "Открыть модуль"),
    "qa_changes": ("Changes since the previous issue", "Изменения с предыдущего выпуска"),
    "qa_first_issue": ("First issue: there is no previous issue to compare with.", "Первый выпуск: сравнивать не с чем."),
    "qa_no_text_change": ("The text is unchanged.", "Текст не изменился."),
    "qa_approve": ("Approve and sign", "Утвердить и подписать"),
    "qa_verification": ("Verification", "Верификация"),
    "qa_status": ("QA status", "Статус верификации"),
    "qa_type": ("Type", "Вид"),
    "qa_keyfile": ("Your key (PKCS#12)", "Ваш ключ (PKCS#12)"),
    "qa_passphrase": ("Passphrase", "Пароль ключа"),
    "qa_sign": ("Sign", "Подписать"),
    "qa_role": ("Signing as", "Подписываете как"),
    "qa_keyfile_any": ("Your key file (PKCS#12 or PEM key with its certificate)", "Файл ключа (PKCS#12 или ключ PEM с сертификатом)"),
    "qa_route": ("Approval route: {done} of {of} signatures", "Маршрут согласования: подписей {done} из {of}"),
    "qa_signed_step": ("Signed: {key} issue {issue} as {role} (route step {n}); QA: {qa}",
                       "Подписано: {key}, выпуск {issue}, как «{role}» (шаг маршрута {n}); верификация: {qa}"),
    "qa_review_title": ("QA: {title}", "Верификация: {title}"),
    "qa_signed": ("Signed: {key} issue {issue}, {qa} ({qa_type}); signature {signature}",
                  "Подписано: {key}, выпуск {issue}, {qa} ({qa_type}); подпись {signature}"),
    # live preview (ietm serve --watch)
    "live_problems": ("Validation problems ({n})", "Ошибки проверки ({n})"),
    "live_line": ("line {n}", "строка {n}"),
    "severity_error": ("error", "ошибка"),
    "severity_warning": ("warning", "предупреждение"),
    "severity_info": ("information", "сведения"),
    # what a reader is told when something goes wrong (raised with message(), see below)
    "error_generic": ("The request could not be served.", "Запрос не удалось выполнить."),
    "error_detail": ("Details", "Подробности"),
    "no_such_address": ("no such address", "такого адреса нет"),
    "login_to_read": ("log in to read this manual", "войдите, чтобы читать это руководство"),
    "login_first": ("log in first", "сначала войдите в систему"),
    "csrf_mismatch": ("the CSRF token does not match this session",
                      "токен защиты формы (CSRF) не соответствует сеансу; обновите страницу"),
    "csrf_missing": ("missing CSRF token", "нет токена защиты формы (CSRF)"),
    "role_may_not": ("your role ({role}) may not {what}", "ваша роль ({role}) не позволяет: {what}"),
    "form_expired": ("The form expired; please try again.", "Срок действия формы истёк; попробуйте ещё раз."),
    "wrong_login": ("Wrong name or password.", "Неверное имя или пароль."),
    "not_dm_code": ("'{code}' is not a data module code", "«{code}» — не код модуля данных"),
    "not_pm_code": ("'{code}' is not a publication module code", "«{code}» — не код публикационного модуля"),
    "not_in_csdb": ("{key} is not in this CSDB", "{key} нет в этой базе"),
    "bad_issue": ("issue '{issue}' is not of the form NNN-NN (for example 008-00)",
                  "выпуск «{issue}» должен иметь вид NNN-NN (например, 008-00)"),
    "no_issue": ("{key} has no issue {issue} (issues here: {known})", "у {key} нет выпуска {issue} (есть выпуски: {known})"),
    "not_publication": ("{key} is not a publication module of this CSDB", "{key} — не публикационный модуль этой базы"),
    "no_illustration": ("no illustration '{name}' in this CSDB", "иллюстрации «{name}» в этой базе нет"),
    "key_too_large": ("a PKCS#12 key file is a few kilobytes; this one is too large",
                      "файл ключа PKCS#12 занимает несколько килобайт, а этот слишком велик"),
    "not_in_bundle": ("this page is not in the published manual", "этой страницы нет в опубликованном руководстве"),
    "unexpected": ("unexpected error; the server log has the details", "непредвиденная ошибка; подробности в журнале сервера"),
    "param_missing": ("{where}: a value is required", "{where}: нужно указать значение"),
    "param_invalid": ("{where}: {detail}", "{where}: недопустимое значение"),
    "edit": ("Edit", "Редактировать"),
    "edit_dashboard": ("Editor", "Редактор"),
})


def pick(requested: str | None, fallback: str = DEFAULT) -> str:
    lang = (requested or "").lower()[:2]
    return lang if lang in LANGUAGES else fallback


_RANGE = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def negotiate(accept_language: str | None) -> str | None:
    """The interface language a browser prefers among ours (RFC 9110 Accept-Language), None if it names none.

    `ru-RU,ru;q=0.9,en;q=0.8` -> ru; `de,en;q=0.5` -> en; `*` or `de` -> None (the server's setting decides)."""
    best: tuple[float, int, str] | None = None
    for position, item in enumerate((accept_language or "").split(",")[:32]):
        m = _RANGE.match(item)
        if not m or m.group(1) == "*":
            continue
        try:
            q = float(m.group(2)) if m.group(2) is not None else 1.0
        except ValueError:
            continue
        lang = m.group(1).lower()[:2]
        if q > 0 and lang in LANGUAGES and (best is None or (q, -position) > best[:2]):
            best = (q, -position, lang)
    return best[2] if best else None
