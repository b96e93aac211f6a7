"""Resident ID numbers and mobile numbers."""
import datetime as dt

import pytest
from stdnum.cn import ric

from core.identity import check_id_number, check_mobile


def _with_check_digit(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def test_id_number_of_a_woman_born_before_her_region_code_existed_is_accepted():
    # 370102 (济南历下区) is dated from 1983 in stdnum's table; people born earlier carry it.
    facts = check_id_number(_with_check_digit("37010219700315004"))
    assert facts.birth_date == dt.date(1970, 3, 15)
    assert facts.sex == "F"


def test_id_number_normalises_spaces_and_lowercase_x():
    number = _with_check_digit("11010519771112306")
    spaced = " " + number[:6] + " " + number[6:].lower() + " "
    assert check_id_number(spaced).number == number


@pytest.mark.parametrize("number, words", [
    ("110105197711123062", "check digit"),
    (_with_check_digit("99999919770101002"), "region code"),
    (_with_check_digit("11010519771332002"), "birth date"),
    ("11010519771112306", "18 characters"),
    ("11010519771112306A", "17 digits"),
])
def test_bad_id_numbers_are_refused_with_a_reason(number, words):
    with pytest.raises(ValueError) as err:
        check_id_number(number)
    assert words in err.value.args[0]
    assert err.value.args[0].zh


def test_mobile_numbers_are_normalised_and_checked():
    assert check_mobile("+86 138-1234-5678") == "13812345678"
    with pytest.raises(ValueError):
        check_mobile("1381234567")
    with pytest.raises(ValueError):
        check_mobile("12812345678")
