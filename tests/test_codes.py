"""Object identity: codes parse and format as S1000D writes them."""

import pytest

from ietm.errors import InputError
from ietm.parse.codes import DmCode, Issue, Language, PmCode, parse_code


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
