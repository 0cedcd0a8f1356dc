"""Word manuals with real structure for the import tests and the benchmark, written with python-docx.

`russian_manual` follows GOST 2.601/2.610 (chapters, numbered headings, procedures as numbered lists with
nested items, ВНИМАНИЕ/ПРЕДУПРЕЖДЕНИЕ/Примечание, captioned figures and tables, the fault, tool, spare parts,
consumables and maintenance tables) in the words of the sample manual; `english_manual` is its English
counterpart. `Expect` records what a correct import must show: numbered procedure items, pictures, faults.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from docx.oxml import OxmlElement
from docx.shared import Cm


def png(seed: int, width: int = 96, height: int = 64) -> bytes:
    """A small PNG whose pixels depend on `seed`, so that every picture is a different file."""
    raw = b"".join(b"\x00" + b"".join(bytes(((x * (seed + 3)) % 256, (y * 5 + seed * 17) % 256, (x + y + seed) % 256))
                                      for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _colour(seed: int) -> int:
    """A COLORREF (0x00BBGGRR) that depends on `seed`."""
    return ((seed * 70) % 256) | (((seed * 140) % 256) << 8) | (((255 - seed * 30) % 256) << 16)


def wmf(seed: int, width: int = 1440, height: int = 960) -> bytes:
    """A Windows metafile (placeable, 1440 units an inch) of a filled rectangle whose size and colour depend on
    `seed`, as Word keeps drawings pasted from older programs."""
    def record(function: int, *params: int, fmt: str = "") -> bytes:
        body = struct.pack("<" + (fmt or "h" * len(params)), *params)
        return struct.pack("<IH", 3 + len(body) // 2, function) + body

    records = (record(0x020B, 0, 0) + record(0x020C, height, width)  # window origin and extent
               + record(0x02FC, 0, _colour(seed), 0, fmt="HIH") + record(0x012D, 0)  # solid brush, selected
               + record(0x041B, height - 100, width - 100 - seed * 20 % 400, 100, 100) + record(0x0000))  # rectangle, end
    header = struct.pack("<HHHIHIH", 1, 9, 0x0300, (18 + len(records)) // 2, 1, 7, 0)
    placeable = struct.pack("<IHhhhhHI", 0x9AC6CDD7, 0, 0, 0, width, height, 1440, 0)
    checksum = 0
    for (word,) in struct.iter_unpack("<H", placeable):
        checksum ^= word
    return placeable + struct.pack("<H", checksum) + header + records


def emf(seed: int, width: int = 96, height: int = 64) -> bytes:
    """An enhanced metafile of a filled rectangle whose size and colour depend on `seed`."""
    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<II", kind, 8 + len(body)) + body

    body = (record(39, struct.pack("<IIII", 1, 0, _colour(seed), 0)) + record(37, struct.pack("<I", 1))  # brush, selected
            + record(43, struct.pack("<iiii", 4, 4, width - 4 - seed % 20, height - 4))  # rectangle
            + record(14, struct.pack("<III", 0, 16, 20)))  # end
    frame = struct.pack("<iiii", 0, 0, width * 2646 // 100, height * 2646 // 100)  # 0.01 mm at 96 dpi
    head = (struct.pack("<iiii", 0, 0, width - 1, height - 1) + frame
            + struct.pack("<IIIIHHIII", 0x464D4520, 0x10000, 88 + len(body), 5, 2, 0, 0, 0, 0)
            + struct.pack("<iiii", 1024, 768, 271, 203))
    return record(1, head) + body


METAFILES = {"wmf": (wmf, "image/x-wmf"), "emf": (emf, "image/x-emf")}


@dataclass
class Expect:
    """What the import of a generated manual must produce."""

    procedure_items: dict[str, int] = field(default_factory=dict)  # procedure title -> numbered items in it
    pictures: int = 0
    metafiles: list[str] = field(default_factory=list)  # captions of the pictures stored as WMF or EMF
    faults: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    tasks: int = 0


class Writer:
    def __init__(self) -> None:
        self.doc = docx.Document()
        self.expect = Expect()
        self.seed = 0
        self.current_procedure: str | None = None

    def title(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Title")

    def heading(self, text: str, level: int, procedure: bool = False) -> None:
        self.doc.add_heading(text, level)
        self.current_procedure = text if procedure else None
        if procedure:
            self.expect.procedure_items.setdefault(text, 0)

    def para(self, *parts: str | tuple[str, str]) -> None:
        """Text with emphasis: plain strings, or (text, "b"|"i") pairs."""
        p = self.doc.add_paragraph()
        for part in parts:
            text, style = (part, None) if isinstance(part, str) else part
            run = p.add_run(text)
            run.bold = style == "b"
            run.italic = style == "i"

    def numbered(self, text: str, level: int = 0) -> None:
        p = self.doc.add_paragraph(text, style="List Number")
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = 5
        if self.current_procedure:
            self.expect.procedure_items[self.current_procedure] += 1

    def typed(self, marker: str, text: str) -> None:
        """A list item numbered by hand ("1)", "а)"), as many GOST manuals are typed."""
        self.doc.add_paragraph(f"{marker} {text}")
        if self.current_procedure:
            self.expect.procedure_items[self.current_procedure] += 1

    def bullet(self, text: str) -> None:
        self.doc.add_paragraph(text, style="List Bullet")

    def picture(self, caption: str, fmt: str = "png") -> None:
        """A captioned picture; fmt "wmf" or "emf" stores it as a metafile (python-docx adds only bitmaps, so a
        PNG's part is given the metafile's bytes, name and type)."""
        self.seed += 1
        shape = self.doc.add_picture(BytesIO(png(self.seed)), width=Cm(6))
        if fmt in METAFILES:
            make, content_type = METAFILES[fmt]
            part = self.doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed]
            part._blob, part._content_type = make(self.seed), content_type
            part.partname = PackURI(f"/word/media/metafile{self.seed}.{fmt}")
            self.expect.metafiles.append(caption)
        self.doc.add_paragraph(caption, style="Caption")
        self.expect.pictures += 1

    def table(self, caption: str | None, header: list[str], rows: list[list[str | None]], merge_down: list[tuple[int, int, int]] = ()) -> None:
        """A table with a header row (repeated on each page); None cells are covered by a merge.
        merge_down: (row, col, rows) merges a cell with the cells below it."""
        if caption:
            self.doc.add_paragraph(caption)
        t = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        t.style = "Table Grid"
        for i, h in enumerate(header):
            t.rows[0].cells[i].text = h
        tr_pr = t.rows[0]._tr.get_or_add_trPr()
        hdr = OxmlElement("w:tblHeader")
        tr_pr.append(hdr)
        for r, row in enumerate(rows, 1):
            for c, text in enumerate(row):
                if text is not None:
                    cell = t.rows[r].cells[c]
                    lines = text.split("\n")
                    cell.text = lines[0]
                    for line in lines[1:]:
                        cell.add_paragraph(line)
        for r, c, n in merge_down:
            t.cell(r + 1, c).merge(t.cell(r + 1 + n, c))

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def header_text(self, text: str) -> None:
        self.doc.sections[0].header.paragraphs[0].text = text

    def save(self, path: Path) -> Path:
        self.doc.save(str(path))
        return path


def russian_manual(path: Path, chapters_repeat: int = 1) -> Expect:
    w = Writer()
    w.header_text("ДГУ-5 РЭ")
    w.title("Дизель-генераторная установка ДГУ-5")
    w.para("Настоящее руководство по эксплуатации предназначено для изучения устройства дизель-генераторной "
           "установки ДГУ-5 и правил её эксплуатации, технического обслуживания, хранения и транспортирования.")
    for rep in range(chapters_repeat):
        base = rep * 7
        w.heading(f"{base + 1} Описание и работа", 1)
        w.heading(f"{base + 1}.1 Назначение", 2)
        w.para("Установка ДГУ-5 предназначена для ", ("автономного электроснабжения", "b"),
               " потребителей однофазным переменным током напряжением 230 В частотой 50 Гц. ",
               ("Номинальная мощность", "i"), " установки 5,0 кВА.")
        w.heading(f"{base + 1}.2 Технические характеристики", 2)
        w.table(f"Таблица {base + 1} — Основные параметры", ["Параметр", "Значение", "Примечание"], [
            ["Номинальная мощность, кВА", "5,0", "при коэффициенте мощности 0,8"],
            ["Номинальное напряжение, В", "230", "однофазное"],
            ["Частота, Гц", "50", None],
            ["Расход топлива, л/ч", "1,5", "при нагрузке 75 %"],
        ], merge_down=[(1, 2, 1)])
        w.heading(f"{base + 1}.3 Устройство", 2)
        w.para(f"Общий вид установки показан на рисунке {base + 1}. Установка состоит из следующих основных частей:")
        w.bullet("двухцилиндрового четырёхтактного дизельного двигателя с водяным охлаждением;")
        w.bullet("синхронного генератора с автоматическим регулятором напряжения;")
        w.bullet("панели управления с приборами контроля;")
        w.bullet("рамы и кожуха.")
        w.picture(f"Рисунок {base + 1} — Общий вид установки")
        w.heading(f"{base + 1}.3.1 Система охлаждения", 3)
        w.para("Двигатель охлаждается жидкостью на основе этиленгликоля. Термостат начинает открываться при "
               "температуре 82 °C и полностью открыт при 95 °C.")
        w.picture(f"Рисунок {base + 2} — Система охлаждения")

        w.heading(f"{base + 2} Использование по назначению", 1)
        w.heading(f"{base + 2}.1 Меры безопасности", 2)
        w.para("ПРЕДУПРЕЖДЕНИЕ")
        w.para("Выхлопные газы дизельного двигателя содержат угарный газ. Не эксплуатируйте установку в закрытых "
               "и плохо проветриваемых помещениях.")
        w.para("ОСТОРОЖНО! Выходное напряжение 230 В опасно для жизни.")
        w.para("К работе с установкой допускаются лица, изучившие настоящее руководство.")
        w.heading(f"{base + 2}.2 Порядок пуска", 2, procedure=True)
        w.para("Перед пуском установите установку на ровной площадке и отключите нагрузку.")
        w.para("ВНИМАНИЕ! Не включайте стартер дольше 10 с подряд: перегреется стартер.")
        w.numbered("Проверьте уровень масла в двигателе.")
        w.numbered("Проверьте уровень охлаждающей жидкости в расширительном бачке.")
        w.numbered("Откройте топливный кран.")
        w.numbered("Подготовьте панель управления:")
        w.numbered("Установите выключатель нагрузки в положение ОТКЛ.", 1)
        w.numbered("Поверните ключ в положение ВКЛ и дождитесь, когда погаснет лампа подогрева.", 1)
        w.para("Примечание — В холодное время подогрев длится до 20 с.")
        w.numbered("Поверните ключ в положение ПУСК и отпустите его после пуска двигателя.")
        w.picture(f"Рисунок {base + 3} — Панель управления", "wmf")
        w.numbered(f"Убедитесь по вольтметру (рисунок {base + 3}), что напряжение составляет 230 В.")
        w.heading(f"{base + 2}.2.1 Пуск при низкой температуре", 3, procedure=True)
        w.para("При температуре окружающего воздуха ниже минус 20 °C выполните следующие действия:")
        w.typed("1)", "замените масло на зимнее SAE 5W-30;")
        w.typed("2)", "подключите внешнюю аккумуляторную батарею 12 В к разъёму подогрева;")
        w.typed("3)", "подогревайте свечи накаливания 30 с перед каждой попыткой пуска.")
        w.heading(f"{base + 2}.3 Порядок останова", 2, procedure=True)
        w.numbered("Отключите нагрузку выключателем.")
        w.numbered("Дайте двигателю поработать без нагрузки 3 мин.")
        w.numbered("Поверните ключ в положение ОТКЛ.")

        w.heading(f"{base + 3} Техническое обслуживание", 1)
        w.heading(f"{base + 3}.1 Виды и периодичность технического обслуживания", 2)
        w.para("Техническое обслуживание выполняют в объёме и в сроки, указанные в таблице.")
        w.table(f"Таблица {base + 2} — Периодичность технического обслуживания",
                ["Вид технического обслуживания", "Периодичность", "Содержание работ"], [
                    ["Ежедневное обслуживание", "ежедневно", "Проверка уровня масла, охлаждающей жидкости и топлива"],
                    ["ТО-1", "каждые 250 ч", "Замена масла и масляного фильтра"],
                    ["ТО-2", "каждые 500 ч", "Замена топливного фильтра"],
                ])
        w.expect.tasks += 3
        w.heading(f"{base + 3}.2 Замена масла", 2, procedure=True)
        w.para("ПРЕДУПРЕЖДЕНИЕ: Горячее масло может вызвать ожоги. Дайте двигателю остыть.")
        w.numbered("Установите поддон для слива масла под сливную пробку.")
        w.numbered("Отверните сливную пробку ключом торцовым 17 мм и слейте масло.")
        w.numbered("Замените масляный фильтр GS-1001.")
        w.numbered("Заверните пробку с новой прокладкой и залейте 2,8 л масла моторного SAE 15W-40.")
        w.heading(f"{base + 3}.3 Инструмент и принадлежности", 2)
        w.table(f"Таблица {base + 3} — Перечень инструмента и принадлежностей",
                ["№", "Наименование", "Обозначение", "Кол."], [
                    ["1", "Ключ торцовый 17 мм", "T-017", "1"],
                    ["2", "Поддон для слива масла", "T-004", "1"],
                    ["3", "Ареометр-тестер", "T-011", "1"],
                ])
        w.expect.tools += ["T-017", "T-004", "T-011"]
        w.heading(f"{base + 3}.4 Запасные части и расходные материалы", 2)
        w.table(f"Таблица {base + 4} — Ведомость ЗИП", ["Наименование", "Обозначение", "Кол."], [
            ["Фильтр масляный", "GS-1001", "2"],
            ["Фильтр топливный", "GS-1002", "2"],
        ])
        w.table(f"Таблица {base + 5} — Перечень расходных материалов", ["Наименование", "Обозначение", "Количество"], [
            ["Масло моторное SAE 15W-40", "GS-4001", "2,8 л"],
            ["Охлаждающая жидкость", "GS-4002", "3,0 л"],
        ])

        w.heading(f"{base + 4} Текущий ремонт", 1)
        w.heading(f"{base + 4}.1 Возможные неисправности и методы их устранения", 2)
        w.para("Перечень возможных неисправностей приведён в таблице.")
        w.table(f"Таблица {base + 6} — Возможные неисправности и методы их устранения",
                ["Неисправность, внешнее проявление", "Вероятная причина", "Метод устранения"], [
                    ["Двигатель не запускается", "Нет топлива в баке", "Заправьте бак дизельным топливом"],
                    [None, "Засорён топливный фильтр", "Замените топливный фильтр"],
                    [None, "Воздух в топливной системе", "Прокачайте топливную систему"],
                    ["Двигатель перегревается", "Низкий уровень охлаждающей жидкости", "Долейте охлаждающую жидкость"],
                    [None, "Ослаблен ремень вентилятора", "Отрегулируйте натяжение ремня"],
                    ["Нет выходного напряжения", "Выключен автоматический выключатель", "Включите выключатель"],
                ], merge_down=[(0, 0, 2), (3, 0, 1)])
        w.expect.faults += ["Двигатель не запускается", "Двигатель перегревается", "Нет выходного напряжения"]

        w.heading(f"{base + 5} Хранение", 1)
        w.para("Установку хранят в закрытом помещении при температуре от минус 40 до плюс 40 °C.")
        w.heading(f"{base + 6} Транспортирование", 1)
        w.para("Установку транспортируют любым видом транспорта с ", ("закреплением", "b"), " на раме.")
        w.heading(f"{base + 7} Утилизация", 1)
        w.para("Отработанные масла и охлаждающую жидкость сдают на переработку.")
        if rep + 1 < chapters_repeat:
            w.page_break()
    w.save(path)
    return w.expect


def english_manual(path: Path) -> Expect:
    w = Writer()
    w.header_text("DG-5 Operator's manual")
    w.title("Diesel generator set DG-5")
    w.para("This manual tells how the DG-5 diesel generator set works, how to operate it and how to maintain it.")
    w.heading("1 Description", 1)
    w.heading("1.1 General", 2)
    w.para("The DG-5 supplies ", ("single-phase", "b"), " alternating current at 230 V and 50 Hz to portable loads.")
    w.picture("Figure 1 – General view")
    w.para("Figure 1 shows the main parts of the generator set.")
    w.heading("1.2 Specifications", 2)
    w.table("Table 1 – Main data", ["Item", "Value"], [["Rated output", "5.0 kVA"], ["Fuel consumption", "1.5 l/h"]])
    w.heading("2 Operation", 1)
    w.heading("2.1 Starting the engine", 2, procedure=True)
    w.para("WARNING: Exhaust gas contains carbon monoxide. Never run the engine indoors.")
    w.numbered("Check the engine oil level.")
    w.numbered("Open the fuel valve.")
    w.para("CAUTION")
    w.para("Do not crank the starter for more than 10 seconds at a time.")
    w.numbered("Turn the key to START.")
    w.numbered("Release the key when the engine runs.", 1)
    w.para("NOTE: In cold weather, preheat the glow plugs for 20 seconds first.")
    w.picture("Figure 2 – Control panel", "emf")
    w.numbered("Check the voltmeter reads 230 V.")
    w.heading("2.2 Stopping the engine", 2, procedure=True)
    w.numbered("Switch off the load.")
    w.numbered("Let the engine idle for three minutes.")
    w.numbered("Turn the key to OFF.")
    w.heading("3 Maintenance", 1)
    w.heading("3.1 Changing the oil", 2, procedure=True)
    w.numbered("Place a drain pan under the drain plug.")
    w.numbered("Remove the drain plug with a socket wrench 17 mm.")
    w.numbered("Fill with 2.8 l of engine oil SAE 15W-40.")
    w.heading("3.2 Tools", 2)
    w.table("Table 2 – Tools and equipment", ["Name", "Part number", "Qty"], [
        ["Socket wrench 17 mm", "T-017", "1"], ["Drain pan", "T-004", "1"]])
    w.expect.tools += ["T-017", "T-004"]
    w.heading("4 Troubleshooting", 1)
    w.table("Table 3 – Troubleshooting", ["Problem", "Possible cause", "Remedy"], [
        ["Engine will not start", "No fuel", "Fill the tank with diesel fuel"],
        [None, "Fuel filter clogged", "Replace the fuel filter"],
        ["Engine overheats", "Low coolant level", "Top up the coolant"],
    ], merge_down=[(0, 0, 1)])
    w.expect.faults += ["Engine will not start", "Engine overheats"]
    w.save(path)
    return w.expect


#: one short manual in two languages, section for section (what a translation agency returns)
SHORT = {
    "ru": {"title": "Дизель-генераторная установка ДГУ-5. Краткое руководство",
           "intro": "Краткое руководство описывает пуск установки и поиск неисправностей.",
           "description": "1 Описание", "general": "Установка ДГУ-5 вырабатывает переменный ток 230 В.",
           "figure": "Рисунок 1 — Общий вид", "start": "2 Порядок пуска",
           # the sample manual's WRN-005, word for word, and a warning of this manual's own
           "hot": "ПРЕДУПРЕЖДЕНИЕ: Двигатель, глушитель и масло после работы горячие. Работайте в защитных перчатках "
                  "и дайте двигателю остыть не менее 30 мин.",
           "fuel": "ПРЕДУПРЕЖДЕНИЕ: Не заправляйте установку топливом при работающем двигателе.",
           "steps": ["Проверьте уровень масла.", "Откройте топливный кран.", "Поверните ключ в положение ПУСК."],
           "faults": "3 Возможные неисправности",
           "table": ["Неисправность", "Вероятная причина", "Метод устранения"],
           "rows": [["Двигатель не запускается", "Нет топлива", "Заправьте бак"]]},
    "en": {"title": "Diesel generator set DG-5. Short manual",
           "intro": "This short manual tells how to start the set and how to find faults.",
           "description": "1 Description", "general": "The DG-5 set gives 230 V alternating current.",
           "figure": "Figure 1 – General view", "start": "2 Starting",
           "hot": "WARNING: The engine, muffler and oil are hot after operation. Wear protective gloves and let the "
                  "engine cool for at least 30 min.",
           "fuel": "WARNING: Do not refuel the set while the engine runs.",
           "steps": ["Check the oil level.", "Open the fuel valve.", "Turn the key to START."],
           "faults": "3 Troubleshooting",
           "table": ["Problem", "Possible cause", "Remedy"],
           "rows": [["Engine will not start", "No fuel", "Fill the tank"]]},
}


def short_manual(path: Path, lang: str) -> Expect:
    """The short manual in `lang` ("ru" or "en"): a description with a picture, a procedure with two warnings
    (one the sample manual's repository holds) and a fault table."""
    t = SHORT[lang]
    w = Writer()
    w.title(t["title"])
    w.para(t["intro"])
    w.heading(t["description"], 1)
    w.para(t["general"])
    w.picture(t["figure"])
    w.heading(t["start"], 1, procedure=True)
    w.para(t["hot"])
    w.para(t["fuel"])
    for step in t["steps"]:
        w.numbered(step)
    w.heading(t["faults"], 1)
    w.table(None, t["table"], t["rows"])
    w.expect.faults += [t["rows"][0][0]]
    w.save(path)
    return w.expect


#: the task cards of `cards_manual`: (number, name, requirement rows, work items)
CARDS = [
    ("1", "Внешний осмотр установки",
     [("Средства измерений:", "нет"), ("Инструмент и принадлежности:", "ключ гаечный 13 мм, щётка волосяная"),
      ("Расходные материалы:", "ветошь обтирочная, спирт этиловый 0,05 л"), ("Трудоёмкость:", "15 мин")],
     ["Осмотрите кожух и раму: трещины и следы подтёков не допускаются.",
      "Проверьте затяжку болтов крепления двигателя ключом 13 мм.",
      "Удалите пыль с панели управления щёткой."]),
    ("2", "Проверка сопротивления изоляции",
     [("Средства измерений:", "мегаомметр на 500 В"), ("Инструмент и принадлежности:", "отвёртка"),
      ("Трудоёмкость:", "0,5 ч")],
     ["Отключите нагрузку и остановите двигатель.",
      "Измерьте сопротивление изоляции обмотки генератора: не менее 1 МОм."]),
]


def cards_manual(path: Path) -> Expect:
    """A maintenance chapter as many GOST 2.601 manuals lay it out: a matrix table of work against kinds of
    maintenance ("+" where due, the card named in a remark), and task cards (технологические карты) as
    tables: requirement rows "label: value", then the work across the table."""
    w = Writer()
    w.title("Дизель-генераторная установка ДГУ-5. Техническое обслуживание")
    w.heading("1 Техническое обслуживание", 1)
    w.heading("1.1 Виды технического обслуживания", 2)
    w.para("Таблица 1 — Перечень работ по видам технического обслуживания")
    t = w.doc.add_table(rows=2 + len(CARDS), cols=4)
    t.style = "Table Grid"
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(0, 3).text = "Наименование работы", "Вид технического обслуживания", "Примечание"
    t.cell(1, 1).text, t.cell(1, 2).text = "Ежемесячное", "Годовое"
    for row in t.rows[:2]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for n, (number, name, _, _) in enumerate(CARDS, 2):
        t.cell(n, 0).text, t.cell(n, 1).text, t.cell(n, 2).text = name, "+" if number == "1" else "–", "+"
        t.cell(n, 3).text = f"ТК {number}"
    t.cell(0, 1).merge(t.cell(0, 2))
    t.cell(0, 0).merge(t.cell(1, 0))
    t.cell(0, 3).merge(t.cell(1, 3))
    w.expect.tasks += len(CARDS)
    w.heading("1.2 Технологические карты", 2)
    for number, name, rqmts, work in CARDS:
        w.para(f"Технологическая карта № {number}")
        w.para(name)
        card = w.doc.add_table(rows=len(rqmts) + 1, cols=2)
        card.style = "Table Grid"
        for r, (label, value) in enumerate(rqmts):
            card.cell(r, 0).text, card.cell(r, 1).text = label, value
        cell = card.cell(len(rqmts), 0).merge(card.cell(len(rqmts), 1))
        cell.text = f"1. {work[0]}"
        for i, item in enumerate(work[1:], 2):
            cell.add_paragraph(f"{i}. {item}")
        w.expect.procedure_items[f"Технологическая карта № {number}. {name}"] = len(work)
    w.save(path)
    return w.expect
