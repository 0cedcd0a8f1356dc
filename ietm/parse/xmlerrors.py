"""Why an XML file cannot be read, in English and Russian: the loader's own messages, and libxml2's.

The loader's messages are made with `message()` (ietm.i18n), so the command line (under a Russian locale) and
pages give them in the reader's language. libxml2 says what is wrong in English only; `ParserText` keeps its
words and gives the Russian form of the messages a malformed file most often meets (the rest stay as libxml2
wrote them).
"""

from __future__ import annotations

import re

from ietm.i18n import Message, words

words({
    "xml_file_too_big": ("file is {size} bytes, over the limit of {limit}", "файл в {size} байт больше предела в {limit}"),
    "xml_document_too_big": ("document is {size} bytes, over the limit of {limit}",
                             "документ в {size} байт больше предела в {limit}"),
    "xml_folder": ("is a folder, not a file", "это папка, а не файл"),
    "xml_no_file": ("no such file", "нет такого файла"),
    "xml_denied": ("permission denied", "нет прав на чтение"),
    "xml_empty": ("empty file, not an XML document", "пустой файл, а не XML-документ"),
    "xml_binary": ("binary file, not an XML document", "двоичный файл, а не XML-документ"),
    "xml_no_start": ("not an XML document (it does not start with '<')", "не XML-документ (он не начинается с «<»)"),
    "xml_bomb": ("entity references expand beyond any sane size: refused as an entity-expansion bomb",
                 "ссылки на сущности разворачиваются до немыслимого размера: отклонено как «бомба» раскрытия сущностей"),
    "xml_not_well_formed": ("not well-formed XML: {detail}", "XML построен неправильно: {detail}"),
    "xml_wrong_encoding": ("{detail} (the file is not in the encoding it declares: {encoding})",
                           "{detail} (файл не в той кодировке, которую объявляет: {encoding})"),
    "xml_unreadable": ("cannot be read as XML: {detail}", "не читается как XML: {detail}"),
    "xml_no_root": ("no root element", "нет корневого элемента"),
    "xml_external_dtd": ("refers to an external DTD ({url}); external DTDs are never loaded",
                         "ссылается на внешний DTD ({url}); внешние DTD не загружаются никогда"),
    "xml_external_entity": ("declares external entity '{name}' ({url}); external entities are never resolved",
                            "объявляет внешнюю сущность «{name}» ({url}); внешние сущности не раскрываются никогда"),
    "xml_nested_entity": ("entity '{name}' expands other entities: refused as a possible entity-expansion bomb",
                          "сущность «{name}» раскрывает другие сущности: отклонено как возможная «бомба» раскрытия "
                          "сущностей"),
})

#: libxml2's messages (as ietm.parse.loader.syntax_message leaves them) and their Russian forms
LIBXML_RU: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), ru) for pattern, ru in (
    (r"Opening and ending tag mismatch: (?P<open>\S+) line (?P<line>\d+) and (?P<close>\S+)",
     "тег {open} (открыт в строке {line}) закрыт тегом {close}"),
    (r"Premature end of data in tag (?P<tag>\S+) line (?P<line>\d+)",
     "документ оборвался внутри тега {tag} (открыт в строке {line})"),
    (r"Couldn't find end of Start Tag (?P<tag>\S+) line (?P<line>\d+)",
     "не найден конец начального тега {tag} (строка {line})"),
    (r"Extra content at the end of the document", "лишнее содержимое после конца документа"),
    (r"Entity '(?P<name>[^']*)' not defined", "сущность «{name}» не объявлена"),
    (r"xmlParseEntityRef: no name", "после «&» нет имени сущности (амперсанд пишется как &amp;)"),
    (r"EntityRef: expecting ';'", "ссылка на сущность не закрыта знаком «;»"),
    (r"Attribute (?P<name>\S+) redefined", "атрибут {name} задан дважды"),
    (r"AttValue: \" or ' expected", "значение атрибута должно стоять в кавычках"),
    (r"Specification mandates value for attribute (?P<name>\S+)", "у атрибута {name} нет значения"),
    (r"error parsing attribute name", "ошибка в имени атрибута"),
    (r"Unescaped '<' not allowed in attributes values", "знак «<» в значении атрибута должен быть записан как &lt;"),
    (r"StartTag: invalid element name", "недопустимое имя элемента"),
    (r"Start tag expected, '<' not found", "ожидался начальный тег, а «<» не найден"),
    (r"Document is empty", "документ пуст"),
    (r"Invalid bytes in character encoding", "недопустимые байты для кодировки"),
    (r"PCDATA invalid Char value (?P<code>\d+)", "недопустимый символ с кодом {code} в тексте"),
    (r"xmlParseCharRef: invalid xmlChar value (?P<code>\d+)", "ссылка на недопустимый символ с кодом {code}"),
    (r"Comment not terminated", "комментарий не закрыт"),
    (r"CData section not finished.*", "секция CDATA не закрыта"),
    (r"XML declaration allowed only at the start of the document", "объявление XML допустимо только в начале документа"),
    (r"Namespace prefix (?P<prefix>\S+) on (?P<name>\S+) is not defined",
     "префикс пространства имён {prefix} у {name} не объявлен"),
)]


class ParserText(Message):
    """A message of libxml2: English as it wrote it, Russian where its form is known."""

    def __new__(cls, text: str) -> ParserText:
        made = str.__new__(cls, text)
        made.key, made.values = "", {}
        return made

    def in_language(self, language: str) -> str:
        if language == "ru":
            for pattern, ru in LIBXML_RU:
                found = pattern.fullmatch(self)
                if found:
                    return ru.format(**found.groupdict())
        return str(self)
