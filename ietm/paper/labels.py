"""The words the printed manual adds around the modules (title page, lists, headers, the ЕСКД form), en and ru,
declared in the one table of interface words (ietm.i18n) under keys starting with "pdf_"."""

from __future__ import annotations

from ietm.i18n import t, words

_WORDS: dict[str, tuple[str, str]] = {  # key (without "pdf_") -> (English, Russian)
    "loedm": ("List of effective data modules", "Перечень действующих модулей данных"),
    "toc": ("Table of contents", "Содержание"),
    "code": ("Data module code", "Код модуля данных"),
    "title": ("Title", "Наименование"),
    "issue": ("Issue", "Выпуск"),
    "date": ("Date", "Дата"),
    "page": ("Page", "Стр."),
    "pages_of": ("Page {x} of {y}", "Стр. {x} из {y}"),
    "module_pages_of": ("Module page {x} of {y}", "Стр. модуля {x} из {y}"),
    "publication": ("Publication", "Публикация"),
    "pm_code": ("Publication module code", "Код публикационного модуля"),
    "applicability": ("Applicability", "Применимость"),
    "all_products": ("All products", "Все изделия"),
    "for_product": ("For product {id}: {values}", "Для изделия {id}: {values}"),
    "responsible": ("Responsible company", "Ответственная организация"),
    "security": ("Security classification", "Гриф"),
    "see_publication": ("See publication", "См. публикацию"),
    "external": ("External publication", "Внешняя публикация"),
    "failed": ("This data module could not be printed", "Этот модуль данных не удалось напечатать"),
    "not_in_csdb": ("is not in the CSDB", "отсутствует в базе данных"),
    "module": ("Data module", "Модуль данных"),
    "title_page": ("Title page", "Титульный лист"),
    # ЕСКД (GOST 2.104, 2.105, 2.503, 2.051)
    "izm": ("Rev.", "Изм."),
    "list": ("Sheet", "Лист"),
    "n_dokum": ("Doc. No.", "№ докум."),
    "podp": ("Sign.", "Подп."),
    "data": ("Date", "Дата"),
    "razrab": ("Drawn", "Разраб."),
    "prov": ("Checked", "Пров."),
    "tkontr": ("Tech. control", "Т. контр."),
    "nkontr": ("Std. control", "Н. контр."),
    "utv": ("Approved", "Утв."),
    "lit": ("Letter", "Лит."),
    "listov": ("Sheets", "Листов"),
    "inv_podl": ("Inv. No. of orig.", "Инв. № подл."),
    "podp_data": ("Sign. and date", "Подп. и дата"),
    "vzam_inv": ("Repl. inv. No.", "Взам. инв. №"),
    "inv_dubl": ("Inv. No. of dupl.", "Инв. № дубл."),
    "perv_prim": ("First used in", "Перв. примен."),
    "sprav": ("Ref. No.", "Справ. №"),
    "lri": ("Revision record sheet", "Лист регистрации изменений"),
    "lri_sheets": ("Sheet numbers", "Номера листов (страниц)"),
    "lri_changed": ("changed", "изменённых"),
    "lri_replaced": ("replaced", "заменённых"),
    "lri_new": ("new", "новых"),
    "lri_cancelled": ("cancelled", "аннулированных"),
    "lri_total": ("Total sheets in doc.", "Всего листов (страниц) в докум."),
    "lri_incoming": ("Incoming No. of covering doc. and date", "Входящий № сопроводительного докум. и дата"),
    "ul": ("Information-certifying sheet", "Информационно-удостоверяющий лист"),
}


words({f"pdf_{key}": pair for key, pair in _WORDS.items()})


def word(key: str, language: str, **values: object) -> str:
    return t(f"pdf_{key}", language, **values)
