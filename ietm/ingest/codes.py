"""Codes for the draft: data module codes from the section numbering (or MAP.toml), info codes by kind.

The standard numbering system of a manual is the product's, not the document's, so by default the section
number stands in for it: section 2.3.1 becomes system "02", subsystem "3", sub-subsystem "1". A MAP.toml
gives real ones by heading pattern:

    depth = 2                                  # heading levels that become data modules
    [[section]]
    title = "(?i)система охлаждения"           # regular expression searched in the heading
    sns = "D10-20-00"                          # system-subsystem sub-subsystem-assembly
    info = "040A"                              # info code and variant (optional)
    type = "procedural"                        # descriptive | procedural (optional)

Every code is made unique by the disassembly code (00, 01, ...), keeping clear of the codes that other
documents already took in the same CSDB.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ietm.errors import ConfigError
from ietm.parse.codes import DmCode

_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SNS = re.compile(r"^([A-Z0-9]{2,3})(?:-([A-Z0-9])([A-Z0-9])?)?(?:-([A-Z0-9]{2,4}))?$", re.IGNORECASE)
_INFO = re.compile(r"^([A-Z0-9]{3})([A-Z0-9])?$", re.IGNORECASE)

#: chapter kind -> (info code of a descriptive module, of a procedural one); every code is one the
#: specification defines (Chap 8.4, ietm/render/content/infocodes.py names them) for that kind of content
CHAPTER_INFO = {
    None: ("040", "100"),
    "intro": ("018", "100"),
    "techdata": ("030", "100"),
    "description": ("040", "100"),
    "operation": ("100", "100"),
    "maintenance": ("200", "200"),
    "troubleshooting": ("400", "400"),
    "repair": ("600", "600"),
    "storage": ("800", "800"),
    "transport": ("800", "800"),
    "disposal": ("990", "997"),
}
#: procedure title -> info code, first match wins (the specific work before the general)
TITLE_INFO = [(re.compile(p, re.IGNORECASE), code) for p, code in (
    (r"замен\w* масл|oil change|change of oil|chang\w* the oil", "292"),
    (r"замен\w* (?:жидкост|охлаждающ)|change of (?:liquid|fluid|coolant)", "290"),
    (r"замен|replac", "921"),
    (r"сняти|демонтаж|remov", "520"),
    (r"расконсервац|de-?preserv", "820"),
    (r"разборк|disassembl", "530"),
    (r"установк|монтаж|install", "720"),
    (r"сборк|assembl", "710"),
    (r"отключ|отсоедин|disconnect", "510"),
    (r"подключ|подсоедин|connect", "730"),
    (r"доливк|заправк|fill|top up|refuel", "210"),
    (r"слив|drain", "220"),
    (r"регулировк|настройк|калибровк|adjust|calibrat", "270"),
    (r"испытани|\btest", "340"),
    (r"осмотр|inspect|visual", "310"),
    (r"провер|check", "300"),
    (r"очистк|промывк|clean", "250"),
    (r"смазк|lubricat", "240"),
    (r"консервац|preserv", "810"),
    (r"хранени|storage", "800"),
    (r"транспортир|transport", "800"),
    (r"утилизац|dispos|recycl", "997"),
    (r"аварийн|emergency", "140"),
    (r"подготовк\w* к (?:работе|использованию|пуску)|pre-?operation|before (?:use|operation)", "120"),
    (r"после работы|post-?operation|after (?:use|operation)", "150"),
    (r"пуск|запуск|останов|\bstart|\bstop|shut ?down", "130"),
)]
DESCRIPTIVE_TITLE_INFO = [(re.compile(p, re.IGNORECASE), code) for p, code in (
    (r"техническ\w* (?:характеристик|данн)|specification|technical data", "030"),
    (r"введени|introduction", "018"),
    (r"органы управления|controls and indicators", "110"),
    (r"устройство|конструкци|how it is made|construction", "041"),
    (r"принцип действия|работа\b|how it works|function", "042"),
    (r"^назначени|designated use|intended use", "045"),
)]
FAULT_INFO = "421"
TOOLS_INFO, SUPPLIES_INFO, PARTS_INFO, SCHEDULE_INFO = "00N", "00L", "00G", "0B0"


@dataclass
class Rule:
    title: re.Pattern[str]
    sns: tuple[str, str, str, str] | None = None
    info: tuple[str, str] | None = None
    kind: str | None = None


@dataclass
class CodeMap:
    depth: int = 2
    rules: list[Rule] = field(default_factory=list)

    def rule_for(self, title: str) -> Rule | None:
        return next((r for r in self.rules if r.title.search(title)), None)


def parse_sns(text: str, where: str) -> tuple[str, str, str, str]:
    m = _SNS.match(text.strip())
    if not m:
        raise ConfigError(f"'{text}' is not a system code like D10, D10-20 or D10-20-00", where)
    return m.group(1).upper(), (m.group(2) or "0").upper(), (m.group(3) or "0").upper(), (m.group(4) or "00").upper()


def read_map(path: Path | None, depth: int | None = None) -> CodeMap:
    """The code map of MAP.toml; unknown keys and bad values stop the import with one line."""
    cmap = CodeMap()
    if path is not None:
        shown = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError("map file not found", shown) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"not valid TOML: {exc}", shown) from None
        unknown = set(data) - {"depth", "section"}
        if unknown:
            raise ConfigError(f"unknown key(s) {', '.join(sorted(unknown))}; known: depth, [[section]]", shown)
        if "depth" in data:
            if not isinstance(data["depth"], int) or isinstance(data["depth"], bool) or not 1 <= data["depth"] <= 9:
                raise ConfigError(f"'depth' expects a whole number from 1 to 9, got {data['depth']!r}", shown)
            cmap.depth = data["depth"]
        sections = data.get("section", [])
        if not isinstance(sections, list):
            raise ConfigError("'section' must be an array of tables: [[section]]", shown)
        for i, s in enumerate(sections, 1):
            where = f"{shown}: section {i}"
            if not isinstance(s, dict) or not isinstance(s.get("title"), str):
                raise ConfigError("each [[section]] needs title = \"pattern\"", where)
            bad = set(s) - {"title", "sns", "info", "type"}
            if bad:
                raise ConfigError(f"unknown key(s) {', '.join(sorted(bad))}; known: title, sns, info, type", where)
            try:
                pattern = re.compile(s["title"])
            except re.error as exc:
                raise ConfigError(f"title is not a regular expression: {exc}", where) from None
            info = None
            if "info" in s:
                m = _INFO.match(str(s["info"]))
                if not m:
                    raise ConfigError(f"info '{s['info']}' is not an info code like 040 or 040A", where)
                info = (m.group(1).upper(), (m.group(2) or "A").upper())
            kind = s.get("type")
            if kind is not None and kind not in ("descriptive", "procedural"):
                raise ConfigError(f"type '{kind}' is not descriptive or procedural", where)
            cmap.rules.append(Rule(pattern, parse_sns(s["sns"], where) if "sns" in s else None, info, kind))
    if depth is not None:
        cmap.depth = depth
    return cmap


def sns_from_number(number: str) -> tuple[str, str, str, str]:
    """Section 2.3.1.4 -> ("02", "3", "1", "04"); numbers past the code's room are folded into it."""
    parts = [int(p) for p in number.split(".") if p.isdigit()] if number else []
    parts += [0] * (4 - len(parts))
    system = f"{min(parts[0], 99):02d}"
    return system, _B36[min(parts[1], 35)], _B36[min(parts[2], 35)], f"{min(parts[3], 99):02d}"


def info_for(kind: str, chapter: str | None, title: str) -> str:
    table = TITLE_INFO if kind == "procedural" else DESCRIPTIVE_TITLE_INFO
    for pattern, code in table:
        if pattern.search(title):
            return code
    descriptive, procedural = CHAPTER_INFO.get(chapter, CHAPTER_INFO[None])
    return procedural if kind == "procedural" else descriptive


class Allocator:
    """Hands out unique data module codes for one model, avoiding codes already taken."""

    def __init__(self, model: str, taken: set[str] = frozenset()) -> None:
        self.model = model
        self.taken = set(taken)

    def code(self, sns: tuple[str, str, str, str], info: str, variant: str = "A", location: str = "A") -> DmCode:
        system, sub, subsub, assy = sns
        for n in range(100 * 36):
            disassy, dvar = f"{n % 100:02d}", _B36[10 + n // 100] if n // 100 < 26 else "Z"
            code = DmCode(self.model, "A", system, sub, subsub, assy, disassy, dvar, info, variant, location)
            if str(code) not in self.taken:
                self.taken.add(str(code))
                return code
        raise ConfigError(f"no free data module code left for {system}-{sub}{subsub}-{assy} info code {info}")
