"""Object identity: S1000D codes as values, parsed from strings and XML, formatted as S1000D writes them."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from lxml import etree

from ietm.errors import InputError

_DMC = re.compile(
    r"^(?:DMC-)?(?P<modelIdentCode>[A-Z0-9]{2,14})-(?P<systemDiffCode>[A-Z0-9]{1,4})-"
    r"(?P<systemCode>[A-Z0-9]{2,3})-(?P<subSystemCode>[A-Z0-9])(?P<subSubSystemCode>[A-Z0-9])-"
    r"(?P<assyCode>[A-Z0-9]{2,4})-(?P<disassyCode>[A-Z0-9]{2})(?P<disassyCodeVariant>[A-Z0-9]{1,3})-"
    r"(?P<infoCode>[A-Z0-9]{3})(?P<infoCodeVariant>[A-Z0-9])-(?P<itemLocationCode>[A-Z])"
    r"(?:-(?P<learnCode>[A-Z0-9]{3})(?P<learnEventCode>[A-Z]))?$",
    re.IGNORECASE,
)
_PMC = re.compile(
    r"^(?:PMC-)?(?P<modelIdentCode>[A-Z0-9]{2,14})-(?P<pmIssuer>[A-Z0-9]{5})-"
    r"(?P<pmNumber>[A-Z0-9]{5})-(?P<pmVolume>[A-Z0-9]{2})$",
    re.IGNORECASE,
)
_ISSUE = re.compile(r"^(?P<issueNumber>\d{3})-(?P<inWork>\d{2})$")
_LANG = re.compile(r"^(?P<languageIsoCode>[a-z]{2,3})-(?P<countryIsoCode>[A-Z]{2})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class DmCode:
    modelIdentCode: str
    systemDiffCode: str
    systemCode: str
    subSystemCode: str
    subSubSystemCode: str
    assyCode: str
    disassyCode: str
    disassyCodeVariant: str
    infoCode: str
    infoCodeVariant: str
    itemLocationCode: str
    learnCode: str | None = None
    learnEventCode: str | None = None

    def __str__(self) -> str:
        code = (
            f"{self.modelIdentCode}-{self.systemDiffCode}-{self.systemCode}-"
            f"{self.subSystemCode}{self.subSubSystemCode}-{self.assyCode}-"
            f"{self.disassyCode}{self.disassyCodeVariant}-{self.infoCode}{self.infoCodeVariant}-"
            f"{self.itemLocationCode}"
        )
        if self.learnCode and self.learnEventCode:
            code += f"-{self.learnCode}{self.learnEventCode}"
        return code

    @classmethod
    def parse(cls, text: str) -> DmCode:
        m = _DMC.match(text.strip())
        if not m:
            raise InputError(f"'{text}' is not a data module code (MODEL-SDC-SYS-SUBSUB-ASSY-DISVAR-INFV-L)")
        return cls(**{k: (v.upper() if v else None) for k, v in m.groupdict().items()})

    @classmethod
    def from_xml(cls, el: etree._Element) -> DmCode:
        values = {name: el.get(name) for name in _DM_FIELDS}  # (fields() costs more than the look-ups)
        missing = [k for k, v in values.items() if v is None and k not in ("learnCode", "learnEventCode")]
        if missing:
            raise InputError(f"dmCode lacks {', '.join(missing)}", line=el.sourceline)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def system(self) -> str:
        """System, subsystem and sub-subsystem (the SNS), e.g. DA1-10."""
        return f"{self.systemCode}-{self.subSystemCode}{self.subSubSystemCode}"

    @property
    def info(self) -> str:
        return f"{self.infoCode}{self.infoCodeVariant}"


_DM_FIELDS = tuple(f.name for f in fields(DmCode))
_DM_REQUIRED = _DM_FIELDS[:11]


def dm_code_text(el: etree._Element) -> str | None:
    """`str(DmCode.from_xml(el))` without making the value, or None where from_xml would refuse the element:
    references are read by the thousand (a business-rules module holds more than a thousand)."""
    get = el.get
    values = [get(name) for name in _DM_REQUIRED]
    if None in values:
        return None
    model, sdc, system, sub, subsub, assy, disassy, variant, info, info_variant, location = values
    code = f"{model}-{sdc}-{system}-{sub}{subsub}-{assy}-{disassy}{variant}-{info}{info_variant}-{location}"
    learn, event = get("learnCode"), get("learnEventCode")
    return f"{code}-{learn}{event}" if learn and event else code


def issue_text(el: etree._Element | None) -> str | None:
    """`str(Issue.from_xml(el))`, or None where that is None."""
    if el is None:
        return None
    number = el.get("issueNumber")
    return None if number is None else f"{number}-{el.get('inWork', '00')}"


def language_text(el: etree._Element | None) -> str | None:
    """`str(Language.from_xml(el))`, or None where that is None."""
    if el is None:
        return None
    iso = el.get("languageIsoCode")
    return None if iso is None else f"{iso}-{el.get('countryIsoCode', '')}"


@dataclass(frozen=True, order=True)
class PmCode:
    modelIdentCode: str
    pmIssuer: str
    pmNumber: str
    pmVolume: str

    def __str__(self) -> str:
        return f"{self.modelIdentCode}-{self.pmIssuer}-{self.pmNumber}-{self.pmVolume}"

    @classmethod
    def parse(cls, text: str) -> PmCode:
        m = _PMC.match(text.strip())
        if not m:
            raise InputError(f"'{text}' is not a publication module code (MODEL-ISSUER-NUMBER-VOL)")
        return cls(**{k: v.upper() for k, v in m.groupdict().items()})

    @classmethod
    def from_xml(cls, el: etree._Element) -> PmCode:
        values = {f.name: el.get(f.name) for f in fields(cls)}
        if None in values.values():
            raise InputError("pmCode lacks attributes", line=el.sourceline)
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, order=True)
class Issue:
    issueNumber: str
    inWork: str = "00"

    def __str__(self) -> str:
        return f"{self.issueNumber}-{self.inWork}"

    @property
    def in_work(self) -> bool:
        return self.inWork != "00"

    @classmethod
    def parse(cls, text: str) -> Issue:
        m = _ISSUE.match(text.strip())
        if not m:
            raise InputError(f"'{text}' is not an issue (NNN-NN)")
        return cls(**m.groupdict())

    @classmethod
    def from_xml(cls, el: etree._Element | None) -> Issue | None:
        if el is None or el.get("issueNumber") is None:
            return None
        return cls(el.get("issueNumber", ""), el.get("inWork", "00"))


@dataclass(frozen=True, order=True)
class Language:
    languageIsoCode: str
    countryIsoCode: str

    def __str__(self) -> str:
        return f"{self.languageIsoCode}-{self.countryIsoCode}"

    @classmethod
    def parse(cls, text: str) -> Language:
        m = _LANG.match(text.strip())
        if not m:
            raise InputError(f"'{text}' is not a language (ll-CC)")
        return cls(m["languageIsoCode"].lower(), m["countryIsoCode"].upper())

    @classmethod
    def from_xml(cls, el: etree._Element | None) -> Language | None:
        if el is None or el.get("languageIsoCode") is None:
            return None
        return cls(el.get("languageIsoCode", ""), el.get("countryIsoCode", ""))


def parse_code(text: str) -> tuple[str, DmCode | PmCode | str]:
    """Guess the kind of a code a user typed: a DMC, a PMC, or an ICN or other code kept as text."""
    t = text.strip()
    upper = t.upper()
    if upper.startswith("ICN-"):
        return "icn", upper
    if upper.startswith("PMC-"):
        return "pm", PmCode.parse(t)
    if upper.startswith("DMC-"):
        return "dm", DmCode.parse(t)
    if _DMC.match(t):
        return "dm", DmCode.parse(t)
    if _PMC.match(t):
        return "pm", PmCode.parse(t)
    raise InputError(f"'{text}' is neither a data module code, a publication module code nor an ICN")
