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
    "property_type": {"prodattr": ("product attribute", "свойство изделия"), "condition": ("condition", "условие")},
    # @valueDataType of a product attribute or condition
    "datatype": {
        "string": ("text", "текст"), "integer": ("whole number", "целое число"), "real": ("number", "число"),
        "boolean": ("yes or no", "да или нет"),
    },
    # attribute code lists facts show by name (the default BREX enumerates them; ...51-99 are the project's)
    "flag": {"1": ("yes", "да"), "0": ("no", "нет")},
    "part_usage": {
        "pu01": ("Standard part", "Стандартная деталь"), "pu02": ("Expendable part", "Расходуемая деталь"),
        "pu03": ("Components of end-item parts", "Составная часть конечного изделия"),
        "pu04": ("Basic issue item parts", "Детали основного комплекта"),
        "pu05": ("Item required to operate equipment", "Необходимо для работы оборудования"),
        "pu06": ("Tool item", "Инструмент"), "pu07": ("Special tool", "Специальный инструмент"),
        "pu08": ("Standard mechanical hardware items", "Стандартные крепёжные изделия"), "pu09": ("Hardware", "Крепёж"),
        "pu10": ("Line replaceable item", "Сменный блок"), "pu11": ("Anesthetics/medical chemicals", "Медицинские препараты"),
        "pu12": ("Module", "Модуль"), "pu13": ("Ammunition with dangerous substances", "Боеприпасы с опасными веществами"),
        "pu14": ("Modification leaflet", "Бюллетень доработки"), "pu15": ("Medical supplies", "Медицинские принадлежности"),
        "pu16": ("Modification set", "Комплект доработки"), "pu17": ("None of the other codes applies", "Прочее"),
        "pu18": ("Role equipment", "Сменное оборудование"), "pu19": ("Raw materials", "Сырьё"),
        "pu20": ("Split design module", "Модуль раздельной конструкции"), "pu21": ("Software remarks", "Замечания по ПО"),
        "pu22": ("Part", "Деталь"), "pu23": ("Basic issue item", "Изделие основного комплекта"),
        "pu24": ("Components of end item", "Составные части конечного изделия"), "pu25": ("Tool", "Инструмент"),
        "pu26": ("Additional authorization list item", "Позиция дополнительного перечня"),
    },
    "maint_function": {
        "ft00": ("None", "Нет"), "ft01": ("Inspect", "Осмотр"), "ft02": ("Test", "Проверка"),
        "ft03": ("Service", "Обслуживание"), "ft04": ("Adjust", "Регулировка"), "ft05": ("Align", "Выверка"),
        "ft06": ("Calibrate", "Калибровка"), "ft07": ("Remove/install", "Демонтаж и монтаж"),
        "ft08": ("Replace", "Замена"), "ft09": ("Repair", "Ремонт"), "ft10": ("Overhaul", "Капитальный ремонт"),
        "ft11": ("Rebuild", "Восстановление"),
    },
    "functional_item_type": {"fit01": ("Exact functional item", "Конкретный элемент"),
                             "fit02": ("Family functional item", "Семейство элементов")},
    "limit_unit": {
        "lt01": ("Time between overhaul", "Межремонтный ресурс"), "lt02": ("Hard time", "Жёсткий срок"),
        "lt03": ("Since last maintenance", "С последнего обслуживания"), "lt04": ("Out time limit", "Предельный срок"),
        "lt05": ("On condition", "По состоянию"), "lt06": ("Check maintenance", "Контрольное обслуживание"),
        "lt07": ("Functional check", "Функциональная проверка"),
    },
    "maint_level": {f"ml0{n}": (f"Level {n}", f"Уровень {n}") for n in range(1, 6)},
    "material_usage": {
        "mu01": ("Discarded", "Утилизируется"), "mu02": ("Retained", "Сохраняется"), "mu03": ("Modified from", "Дорабатывается из"),
        "mu04": ("Referenced", "Упоминается"), "mu05": ("Material set", "Комплект материалов"), "mu06": ("Modified to", "Дорабатывается в"),
    },
    "threshold_unit": {
        "th01": ("Flight hours", "Лётные часы"), "th02": ("Flight cycles", "Полётные циклы"), "th03": ("Months", "Месяцы"),
        "th04": ("Weeks", "Недели"), "th05": ("Years", "Годы"), "th06": ("Days", "Сутки"),
        "th09": ("Engine cycles", "Циклы двигателя"), "th15": ("Engine start", "Пуски двигателя"),
        "th17": ("Engine hours", "Моточасы"), "th18": ("Elapsed hours", "Календарные часы"), "th19": ("Landings", "Посадки"),
        "th20": ("Operating cycles", "Рабочие циклы"), "th21": ("Operating hours", "Часы работы"), "th27": ("Daily", "Ежедневно"),
        "th30": ("Preflight", "Перед вылетом"), "th31": ("Routine check", "Плановая проверка"), "th35": ("Kilometer", "Километры"),
        "th37": ("Consumption in liter", "Расход, л"),
    },
    "installation_location": {
        "instloctyp02": ("Section", "Отсек"), "instloctyp03": ("Station", "Шпангоут"),
        "instloctyp04": ("Water line", "Строительная горизонталь"), "instloctyp05": ("Buttock line", "Продольная линия"),
    },
    "item_originator": {"orig01": ("Manufacturer", "Изготовитель"), "orig02": ("Vendor", "Поставщик"),
                        "orig03": ("Partner", "Партнёр")},
    "supply_number_type": {
        "sp01": ("Commercial reference", "Торговое обозначение"), "sp02": ("Specification", "Спецификация"),
        "sp03": ("Mixture", "Смесь"), "sp04": ("Set", "Комплект"), "sp05": ("Article", "Изделие"),
    },
    "task_code": {
        "taskcd01": ("Detailed inspection", "Детальный осмотр"), "taskcd02": ("Discard", "Списание"),
        "taskcd03": ("Functional check", "Функциональная проверка"), "taskcd04": ("General visual inspection", "Общий визуальный осмотр"),
        "taskcd05": ("Lubrication", "Смазка"), "taskcd06": ("Operational check", "Проверка работоспособности"),
        "taskcd07": ("Restoration", "Восстановление"), "taskcd08": ("Servicing", "Обслуживание"),
        "taskcd09": ("Visual check", "Визуальная проверка"), "taskcd10": ("Special detailed inspection", "Специальный детальный осмотр"),
    },
    "supervisor_level": {"sl01": ("Low", "Низкий"), "sl02": ("Low intermediate", "Ниже среднего"),
                         "sl03": ("High intermediate", "Выше среднего"), "sl04": ("High", "Высокий")},
    "generic_property": {
        "gpt01": ("Passenger comfort affected", "Влияет на комфорт пассажиров"), "gpt02": ("Reliability affected", "Влияет на надёжность"),
        "gpt03": ("Cost saving", "Снижение затрат"), "gpt04": ("Structural life extension", "Продление ресурса конструкции"),
        "gpt05": ("Cancels inspection service bulletin", "Отменяет бюллетень осмотра"),
        "gpt06": ("Product operation affected", "Влияет на эксплуатацию изделия"),
    },
    "sb_material_type": {
        "sbmt01": ("Material specific to the service bulletin", "Материалы, созданные для бюллетеня"),
        "sbmt02": ("Material not specially built for the service bulletin", "Материалы общего назначения"),
        "sbmt03": ("References to material", "Ссылки на материалы"), "sbmt04": ("Hazardous removed material", "Снимаемые опасные материалы"),
        "sbmt05": ("Re-identified material", "Переобозначенные материалы"),
    },
    "sb_topic": {
        "sbtt01": ("Revision information", "Сведения о редакции"), "sbtt02": ("Summary", "Краткое содержание"),
        "sbtt03": ("Planning information", "Сведения для планирования"), "sbtt04": ("Additional information", "Дополнительные сведения"),
        "sbtt05": ("Applicability", "Применимость"), "sbtt06": ("Concurrent requirements", "Сопутствующие требования"),
        "sbtt07": ("Reason", "Причина"), "sbtt08": ("Description", "Описание"), "sbtt09": ("Compliance", "Обязательность"),
        "sbtt10": ("Approval", "Одобрение"), "sbtt11": ("Manpower", "Трудозатраты"), "sbtt12": ("Weight and balance", "Масса и центровка"),
        "sbtt13": ("Electrical load data", "Электрическая нагрузка"), "sbtt14": ("Software accomplishment summary", "Сведения о ПО"),
        "sbtt15": ("Referenced documentation", "Ссылочные документы"), "sbtt16": ("Documentation affected", "Затрагиваемая документация"),
        "sbtt17": ("Industry support information", "Сведения о поддержке"), "sbtt18": ("Material information", "Сведения о материалах"),
        "sbtt19": ("General evaluation", "Общая оценка"), "sbtt20": ("General illustration", "Общая иллюстрация"),
        "sbtt21": ("Additional work", "Дополнительные работы"), "sbtt22": ("Revision reason", "Причина редакции"),
        "sbtt23": ("Revision history", "История редакций"), "sbtt24": ("Revision sequence", "Последовательность редакций"),
    },
    "sb_time_compliance": {"sbtct01": ("Basic limit", "Основной срок"), "sbtct02": ("Grace period", "Льготный период"),
                           "sbtct03": ("Repetitive interval", "Периодичность")},
    "sb_impact": {"sbit01": ("Weight", "Масса"), "sbit02": ("Balance", "Центровка"),
                  "sbit03": ("Direct current electrical load", "Нагрузка постоянного тока"),
                  "sbit04": ("Alternating current electrical load", "Нагрузка переменного тока"),
                  "sbit05": ("Maintenance publications", "Документация по обслуживанию"),
                  "sbit06": ("Operational publications", "Эксплуатационная документация")},
    "sb_task": {"sbtc01": ("Modification", "Доработка"), "sbtc02": ("Inspection", "Осмотр"), "sbtc03": ("Repair", "Ремонт"),
                "sbtc04": ("Evaluation", "Оценка"), "sbtc05": ("Administrative", "Административные работы")},
    "sb_compliance": {"sbcc01": ("Mandatory", "Обязательный"), "sbcc02": ("Recommended", "Рекомендуемый"),
                      "sbcc03": ("Desirable", "Желательный"), "sbcc04": ("Optional", "Необязательный")},
    "zone_type": {"majorzone": ("Major zone", "Основная зона"), "subzone": ("Sub-zone", "Подзона"), "zone": ("Zone", "Зона")},
    "zone_ref_type": {"contains": ("contains", "включает"), "belongsto": ("belongs to", "входит в")},
    "value_form": {"single": ("single value", "одно значение"), "range": ("range", "диапазон"), "pattern": ("pattern", "шаблон")},
    "value_tailoring": {"closed": ("closed", "закрытое"), "restrictable": ("restrictable", "может ограничиваться"),
                        "lexical": ("lexical", "лексическое")},
    "selection": {"single": ("one", "один"), "multiple": ("several", "несколько")},
    "incorporation": {"incorporated": ("incorporated", "внедрено"), "noeffect": ("no effect", "не влияет"),
                      "notincorporated": ("not incorporated", "не внедрено")},
    "tolerance_type": {"plusorminus": ("plus or minus", "плюс-минус"), "plus": ("plus", "плюс"), "minus": ("minus", "минус")},
    "threshold_type": {"interval": ("interval", "интервал"), "threshold": ("threshold", "порог")},
    "worthiness": {"recommended": ("recommended", "рекомендуемый"), "mandatory": ("mandatory", "обязательный")},
    "yes_no": {"Yes": ("Yes", "Да"), "No": ("No", "Нет")},
    # the roles of the shared server's users (ietm.accounts.roles)
    "role": {
        "technician": ("technician", "техник"), "writer": ("writer", "технический писатель"),
        "qa": ("QA", "контролёр ОТК"), "admin": ("administrator", "администратор"),
        "supply": ("supply clerk", "отдел снабжения"),
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


# a remark's priority as the viewer's form names it (written as commentPriorityCode cp01-cp03)
LISTS["remark_priority"] = {"routine": LISTS["comment_priority"]["cp01"], "emergency": LISTS["comment_priority"]["cp02"],
                            "safety": LISTS["comment_priority"]["cp03"]}

#: attributes whose values come from a code list above (a fact shows the value's name)
ATTR_CODES: dict[str, str] = {
    "issueType": "issue_type", "securityClassification": "security", "skillLevelCode": "skill",
    "skillType": "skill_type", "commentPriorityCode": "comment_priority", "responseType": "response_type",
    "updateReasonType": "update_reason", "brSeverityLevel": "br_severity", "defaultBrSeverityLevel": "br_severity",
    "unitOfMeasure": "unit", "quantityUnitOfMeasure": "unit", "verificationType": "qa_type", "infoCode": "info_code",
    "partUsageCode": "part_usage", "function": "maint_function", "functionalItemType": "functional_item_type",
    "limitUnitType": "limit_unit", "maintLevelCode": "maint_level", "materialUsage": "material_usage",
    "thresholdUnitOfMeasure": "threshold_unit", "installationLocationType": "installation_location",
    "itemOriginator": "item_originator", "supplyNumberType": "supply_number_type", "taskCode": "task_code",
    "supervisorLevelCode": "supervisor_level", "genericPropertyType": "generic_property", "sbMaterialType": "sb_material_type",
    "sbTopicType": "sb_topic", "sbTimeComplianceType": "sb_time_compliance", "sbImpactType": "sb_impact",
    "sbTaskCategory": "sb_task", "sbComplianceCategory": "sb_compliance", "zoneType": "zone_type",
    "zoneRefType": "zone_ref_type", "valueForm": "value_form", "valueTailoring": "value_tailoring",
    "brDecisionValueSelection": "selection", "incorporationStatus": "incorporation", "toleranceType": "tolerance_type",
    "thresholdType": "threshold_type", "worthinessLimit": "worthiness", "reducedMaint": "yes_no",
    "applicPropertyType": "property_type",
}


def attr_code_list(name: str) -> str | None:
    """The code list of an attribute a fact shows, if any (flags: yes/no)."""
    if name in ATTR_CODES:
        return ATTR_CODES[name]
    if name.endswith(("Flag", "Xsd", "AttRelation")):
        return "flag"
    return None


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
