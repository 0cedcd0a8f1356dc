"""Names of the code values a page shows (issue type, QA, security class, skill level, module type...).

A reader sees "Изменён", not "changed", and "Базовая", not "sk01": every value that comes from an S1000D code
list (the S1000D default BREX enumerates them; the names here are ietm's own words for those facts) or from
ietm's own vocabulary (the content type of a module) is named through `code_name(kind, value, language)`.
A value no list knows is shown as it is (a project's own code, say), so nothing is ever hidden.
"""

from __future__ import annotations

from ietm.render.content.infocodes import info_code_name

#: list -> value -> (English, Russian)
LISTS: dict[str, dict[str, tuple[str, str]]] = {
    # ietm's name of a module's content type (ietm.parse.model.CONTENT_TYPES) and of the objects of a CSDB
    "content_type": {
        "descriptive": ("Description", "Описание"),
        "procedural": ("Procedure", "Процедура"),
        "fault": ("Fault isolation", "Поиск неисправностей"),
        "ipd": ("Illustrated parts data", "Каталог деталей"),
        "crew": ("Crew/operator information", "Информация для экипажа"),
        "schedule": ("Maintenance planning", "Планирование обслуживания"),
        "process": ("Process", "Процесс"),
        "brex": ("Business rules", "Бизнес-правила"),
        "act": ("Applicability cross-reference table", "Таблица применимости (ACT)"),
        "cct": ("Conditions cross-reference table", "Таблица условий (CCT)"),
        "pct": ("Products cross-reference table", "Таблица изделий (PCT)"),
        "comrep": ("Common information repository", "Общий репозиторий"),
        "frontmatter": ("Front matter", "Вводная часть"),
        "wiring": ("Wiring data", "Данные электропроводки"),
        "wiringfields": ("Wiring data description", "Описание полей электропроводки"),
        "learning": ("Learning", "Обучение"),
        "sb": ("Service bulletin", "Сервисный бюллетень"),
        "brdoc": ("Business rules document", "Документ бизнес-правил"),
        "checklist": ("Checklist", "Контрольный перечень"),
        "container": ("Container", "Контейнер"),
        "scocontent": ("Learning content (SCO)", "Учебный объект (SCO)"),
        "pm": ("Publication module", "Публикационный модуль"),
        "update": ("Update file", "Файл обновления"),
        "dml": ("Data management list", "Перечень управления данными (DML)"),
        "ddn": ("Data dispatch note", "Сопроводительная записка (DDN)"),
        "comment": ("Comment", "Комментарий"),
        "imf": ("Illustration metadata", "Метаданные иллюстрации"),
        "icn": ("Illustration or multimedia", "Иллюстрация или мультимедиа"),
    },
    "kind": {
        "dm": ("Data module", "Модуль данных"),
        "pm": ("Publication module", "Публикационный модуль"),
        "dml": ("Data management list", "Перечень управления данными"),
        "ddn": ("Data dispatch note", "Сопроводительная записка"),
        "comment": ("Comment", "Комментарий"),
        "imf": ("Illustration metadata", "Метаданные иллюстрации"),
        "upf": ("Update file", "Файл обновления"),
        "icn": ("Illustration or multimedia", "Иллюстрация или мультимедиа"),
    },
    # issueInfo/@issueType
    "issue_type": {
        "new": ("New", "Новый"),
        "changed": ("Changed", "Изменён"),
        "deleted": ("Deleted", "Исключён"),
        "revised": ("Revised", "Переработан"),
        "status": ("Status changed", "Изменён статус"),
        "rinstate-changed": ("Reinstated and changed", "Восстановлен с изменениями"),
        "rinstate-revised": ("Reinstated and revised", "Восстановлен и переработан"),
        "rinstate-status": ("Reinstated, status changed", "Восстановлен, изменён статус"),
    },
    # qualityAssurance: unverified, firstVerification, secondVerification (ietm keeps first/second)
    "qa": {
        "unverified": ("Unverified", "Не верифицирован"),
        "first": ("First verification", "Первичная верификация"),
        "second": ("Second verification", "Вторичная верификация"),
    },
    # @verificationType
    "qa_type": {
        "tabtop": ("table-top", "за столом"),
        "onobject": ("on the object", "на изделии"),
        "ttandoo": ("table-top and on the object", "за столом и на изделии"),
    },
    # @securityClassification: the values are the project's; these are the names S1000D projects commonly give
    "security": {
        "01": ("Unclassified", "Несекретно"),
        "02": ("Restricted", "Для служебного пользования"),
        "03": ("Confidential", "Конфиденциально"),
        "04": ("Secret", "Секретно"),
        "05": ("Top secret", "Совершенно секретно"),
    },
    # @skillLevelCode (sk51..sk99 are the project's)
    "skill": {
        "sk01": ("Basic", "Базовая"),
        "sk02": ("Intermediate", "Средняя"),
        "sk03": ("Advanced", "Высокая"),
    },
    # @skillType
    "skill_type": {
        "st01": ("Airframe", "Планер"),
        "st02": ("Electrical", "Электрооборудование"),
        "st03": ("Avionics", "Авионика"),
        "st04": ("Engine", "Двигатель"),
    },
    # @commentPriorityCode
    "comment_priority": {
        "cp01": ("Routine", "Обычный"),
        "cp02": ("Emergency", "Срочный"),
        "cp03": ("Safety critical", "Критичный для безопасности"),
    },
    # @responseType of a comment
    "response_type": {
        "rt01": ("Accepted", "Принято"),
        "rt02": ("Pending", "На рассмотрении"),
        "rt03": ("Partly accepted", "Принято частично"),
        "rt04": ("Rejected", "Отклонено"),
    },
    # @updateReasonType
    "update_reason": {
        "urt01": ("Editorial change", "Редакционное изменение"),
        "urt02": ("Technical change", "Техническое изменение"),
        "urt03": ("Markup change", "Изменение разметки"),
        "urt04": ("Applicability change", "Изменение применимости"),
    },
    # the language of a module's copy (ISO 639 code of its languageIsoCode)
    "language": {
        "ru": ("Russian", "русский"), "en": ("English", "английский"), "de": ("German", "немецкий"),
        "fr": ("French", "французский"), "es": ("Spanish", "испанский"), "it": ("Italian", "итальянский"),
        "zh": ("Chinese", "китайский"), "kk": ("Kazakh", "казахский"), "be": ("Belarusian", "белорусский"),
        "uk": ("Ukrainian", "украинский"), "sv": ("Swedish", "шведский"), "nl": ("Dutch", "нидерландский"),
        "pt": ("Portuguese", "португальский"), "ja": ("Japanese", "японский"), "ar": ("Arabic", "арабский"),
        "tr": ("Turkish", "турецкий"), "pl": ("Polish", "польский"), "cs": ("Czech", "чешский"),
    },
    # @unitOfMeasure, @quantityUnitOfMeasure: the symbol a reader of the language expects
    "unit": {
        "EA": ("EA", "шт."), "ea": ("ea", "шт."), "pack": ("pack", "упак."), "set": ("set", "компл."),
        "h": ("h", "ч"), "hr": ("h", "ч"), "min": ("min", "мин"), "s": ("s", "с"), "ms": ("ms", "мс"),
        "d": ("d", "сут"), "Days": ("days", "сут"), "wk": ("wk", "нед."), "mo": ("mo", "мес."), "a": ("a", "год"),
        "kg": ("kg", "кг"), "g": ("g", "г"), "mg": ("mg", "мг"), "t": ("t", "т"), "lbm": ("lb", "фунт"),
        "L": ("L", "л"), "l": ("l", "л"), "dl": ("dl", "дл"), "cl": ("cl", "сл"), "ml": ("ml", "мл"), "mL": ("mL", "мл"),
        "m": ("m", "м"), "cm": ("cm", "см"), "mm": ("mm", "мм"), "km": ("km", "км"), "in": ("in", "дюйм"),
        "ft": ("ft", "фут"), "m2": ("m²", "м²"), "m3": ("m³", "м³"),
        "degC": ("°C", "°C"), "degF": ("°F", "°F"), "K": ("K", "К"),
        "N": ("N", "Н"), "N.m": ("N·m", "Н·м"), "Nm": ("N·m", "Н·м"), "kN": ("kN", "кН"),
        "Pa": ("Pa", "Па"), "kPa": ("kPa", "кПа"), "MPa": ("MPa", "МПа"), "bar": ("bar", "бар"), "psi": ("psi", "psi"),
        "V": ("V", "В"), "mV": ("mV", "мВ"), "kV": ("kV", "кВ"), "A": ("A", "А"), "mA": ("mA", "мА"),
        "W": ("W", "Вт"), "kW": ("kW", "кВт"), "kVA": ("kVA", "кВ·А"), "Hz": ("Hz", "Гц"), "kHz": ("kHz", "кГц"),
        "ohm": ("Ω", "Ом"), "Ohm": ("Ω", "Ом"), "kohm": ("kΩ", "кОм"), "Mohm": ("MΩ", "МОм"),
        "rpm": ("rpm", "об/мин"), "%": ("%", "%"),
    },
    # the verdict on a signature (ietm.sign.trust.STATUSES)
    "signature": {
        "valid": ("Signature valid", "Подпись верна"),
        "invalid": ("Signature invalid", "Подпись недействительна"),
        "untrusted": ("Signer not trusted", "Подписант не входит в доверенные"),
        "expired": ("Certificate expired or not yet valid", "Сертификат просрочен или ещё не действует"),
        "revoked": ("Certificate revoked", "Сертификат отозван"),
        "role": ("Signer's role may not approve", "Роль подписанта не даёт права утверждать"),
        "unsigned": ("Not signed", "Не подписано"),
    },
    # @brSeverityLevel of a business rule
    "br_severity": {
        "brsl01": ("Error", "Ошибка"),
        "brsl02": ("Warning", "Предупреждение"),
        "brsl03": ("Information", "Информация"),
    },
}


def code_name(kind: str, value: str | None, language: str) -> str:
    """The reader's name for a code value (`info_code` too); unknown values are shown as they are."""
    if not value:
        return ""
    if kind == "info_code":
        return info_code_name(value, language)
    if kind == "language":  # ru-RU, en-US: the language's name (the country is rarely what a reader wants)
        value = value.split("-")[0].lower()
    names = LISTS[kind].get(value)
    if names is None:
        return value
    return names[1] if language == "ru" else names[0]
