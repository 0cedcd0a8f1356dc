"""The viewer's interface strings in English and Russian: one table, so no page hard-codes a language.

Content text comes from the modules themselves; these are only the words of the shell around them.
"""

from __future__ import annotations

LANGUAGES = ("en", "ru")
DEFAULT = "en"

STRINGS: dict[str, tuple[str, str]] = {  # key -> (English, Russian)
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
    "upload": ("Upload modules", "Загрузка модулей"),
    "upload_hint": (
        "S1000D objects (XML), illustrations, or a zip of them. Each is checked before it enters the CSDB; "
        "an existing issue is never replaced.",
        "Объекты S1000D (XML), иллюстрации или zip-архив с ними. Каждый файл проверяется до занесения в базу; "
        "существующий выпуск никогда не заменяется.",
    ),
    "files": ("Files", "Файлы"),
    "send": ("Send", "Отправить"),
    "accepted": ("accepted", "принят"),
    "rejected": ("rejected", "отклонён"),
    "remarks": ("Remarks from the field", "Замечания из эксплуатации"),
    "no_remarks": ("No remarks.", "Замечаний нет."),
    "priority": ("Priority", "Приоритет"),
    "qa_queue": ("Awaiting verification", "Ожидают верификации"),
    "qa_none": ("No module awaits verification.", "Нет модулей, ожидающих верификации."),
    "qa_review": ("Review", "Проверить"),
    "qa_view": ("Open the rendered module", "Открыть модуль"),
    "qa_changes": ("Changes since the previous issue", "Изменения с предыдущего выпуска"),
    "qa_first_issue": ("First issue: there is no previous issue to compare with.", "Первый выпуск: сравнивать не с чем."),
    "qa_no_text_change": ("The text is unchanged.", "Текст не изменился."),
    "qa_approve": ("Approve and sign", "Утвердить и подписать"),
    "qa_verification": ("Verification", "Верификация"),
    "qa_type": ("Type", "Вид"),
    "qa_keyfile": ("Your key (PKCS#12)", "Ваш ключ (PKCS#12)"),
    "qa_passphrase": ("Passphrase", "Пароль ключа"),
    "qa_sign": ("Sign", "Подписать"),
}


def t(key: str, language: str, **values: object) -> str:
    """The string for `key` in `language` (English when missing), with {placeholders} filled."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if language == "ru" else pair[0]
    return text.format(**values) if values else text


def table(language: str) -> dict[str, str]:
    """Every string of one language: handed to the browser scripts as JSON."""
    return {k: (v[1] if language == "ru" else v[0]) for k, v in STRINGS.items()}


def pick(requested: str | None, fallback: str = DEFAULT) -> str:
    lang = (requested or "").lower()[:2]
    return lang if lang in LANGUAGES else fallback
