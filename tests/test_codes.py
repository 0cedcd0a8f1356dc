"""Object identity: codes parse and format as S1000D writes them."""

import pytest

from ietm.errors import InputError
from lxml import etree

from ietm.parse.codes import DmCode, Issue, Language, PmCode, dm_code_text, issue_text, language_text, parse_code


def test_dmc_round_trip_with_all_parts():
    code = DmCode.parse("DMC-S1000DBIKE-AAA-DA1-10-00-00AA-251A-A")
    assert (code.systemCode, code.subSystemCode, code.subSubSystemCode) == ("DA1", "1", "0")
    assert (code.disassyCode, code.disassyCodeVariant, code.infoCode, code.infoCodeVariant) == ("00", "AA", "251", "A")
    assert str(code) == "S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"
    assert code.system == "DA1-10" and code.info == "251A"


def test_dmc_with_learn_code_and_long_assy():
    code = DmCode.parse("S1000DBIKE-AAA-D00-00-00-00AA-200A-T-T36D")
    assert (code.itemLocationCode, code.learnCode, code.learnEventCode) == ("T", "T36", "D")
    assert str(code) == "S1000DBIKE-AAA-D00-00-00-00AA-200A-T-T36D"
    four = DmCode.parse("MYPROD-A-D20-00-0102-00A-921A-A")
    assert four.assyCode == "0102" and str(four) == "MYPROD-A-D20-00-0102-00A-921A-A"


def test_lower_case_input_is_normalised():
    assert str(DmCode.parse("dmc-s1000dbike-aaa-da1-10-00-00aa-251a-a")) == "S1000DBIKE-AAA-DA1-10-00-00AA-251A-A"


@pytest.mark.parametrize("bad", ["", "DMC-", "S1000DBIKE-AAA-DA1", "S1000DBIKE-AAA-DA1-10-00-00AA-25A-A"])
def test_bad_dmc_is_a_clear_error(bad):
    with pytest.raises(InputError, match="not a data module code"):
        DmCode.parse(bad)


def test_pmc_issue_language():
    pm = PmCode.parse("PMC-S1000DBIKE-B6865-EPWG1-00")
    assert (pm.pmIssuer, pm.pmNumber, pm.pmVolume) == ("B6865", "EPWG1", "00")
    assert str(Issue.parse("008-01")) == "008-01" and Issue.parse("008-01").in_work
    assert not Issue.parse("008-00").in_work
    assert str(Language.parse("RU-ru")) == "ru-RU"


def test_parse_code_tells_kinds_apart():
    assert parse_code("S1000DBIKE-B6865-EPWG1-00")[0] == "pm"
    assert parse_code("S1000DBIKE-AAA-DA1-10-00-00AA-251A-A")[0] == "dm"
    assert parse_code("icn-c0419-s1000d0358-001-01") == ("icn", "ICN-C0419-S1000D0358-001-01")
    with pytest.raises(InputError):
        parse_code("hello")


_CODE = ('modelIdentCode="S1000DBIKE" systemDiffCode="AAA" systemCode="DA1" subSystemCode="1" subSubSystemCode="0" '
         'assyCode="00" disassyCode="00" disassyCodeVariant="AA" infoCode="251" infoCodeVariant="A" itemLocationCode="A"')


@pytest.mark.parametrize("xml", [
    f"<dmCode {_CODE}/>",
    f'<dmCode {_CODE} learnCode="T36" learnEventCode="D"/>',
    f'<dmCode {_CODE} learnCode="T36"/>',  # a learn code without its event code is not part of the code
    "<dmCode " + _CODE.replace('infoCodeVariant="A" ', "") + "/>",  # incomplete: refused
])
def test_code_text_is_the_code_the_value_writes(xml):
    """References are read as text without making a DmCode (thousands in one module): the same text, and
    nothing where the value would be refused."""
    el = etree.fromstring(xml)
    try:
        expected = str(DmCode.from_xml(el))
    except InputError:
        expected = None
    assert dm_code_text(el) == expected


@pytest.mark.parametrize("xml", ['<x issueNumber="002" inWork="01"/>', '<x issueNumber="002"/>', "<x/>", None])
def test_issue_and_language_text(xml):
    el = etree.fromstring(xml) if xml else None
    issue = Issue.from_xml(el)
    assert issue_text(el) == (str(issue) if issue else None)
    lang = etree.fromstring(xml.replace("issueNumber", "languageIsoCode").replace("inWork", "countryIsoCode")) \
        if xml else None
    language = Language.from_xml(lang)
    assert language_text(lang) == (str(language) if language else None)
