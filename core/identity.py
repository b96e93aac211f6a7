"""Chinese identity data: resident ID numbers (居民身份证号) and mobile numbers."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from .messages import Msg

_MOBILE = re.compile(r"^1[3-9]\d{9}$")

MOBILE_INVALID = Msg("Not a valid mainland China mobile number (11 digits starting 13–19).",
                     "不是有效的中国大陆手机号（以 13–19 开头的 11 位数字）。")
ID_LENGTH = Msg("A resident ID number has 18 characters.", "身份证号应为 18 位。")
ID_FORMAT = Msg("A resident ID number is 17 digits and a digit or X.",
                "身份证号应为 17 位数字加一位数字或 X。")
ID_CHECKSUM = Msg("The ID number's check digit is wrong; please re-check each digit.",
                  "身份证号校验位不正确，请逐位核对。")
ID_BIRTH = Msg("The birth date inside the ID number is not a real date.",
               "身份证号中的出生日期无效。")
ID_REGION = Msg("The first six digits of the ID number are not a known region code.",
                "身份证号前六位不是有效的行政区划代码。")


def normalize_mobile(value: str) -> str:
    """Strip spaces, dashes and a +86 prefix from a mobile number."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def check_mobile(value: str) -> str:
    """Return the normalised mobile number, or raise ValueError(Msg)."""
    digits = normalize_mobile(value)
    if not _MOBILE.match(digits):
        raise ValueError(MOBILE_INVALID)
    return digits


def normalize_id_number(value: str) -> str:
    """Strip spaces and upper-case the check character."""
    return re.sub(r"\s", "", value or "").upper()


@dataclass(frozen=True)
class IdFacts:
    """What a resident ID number says about its holder."""

    number: str
    birth_date: dt.date
    sex: str  # "F" or "M"


def check_id_number(value: str) -> IdFacts:
    """Validate an 18-character resident ID number (with its checksum) and read it.

    Raises ValueError carrying a bilingual :class:`Msg` that says what is wrong.
    """
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValueError(ID_LENGTH)
    if not re.match(r"^\d{17}[\dX]$", number):
        raise ValueError(ID_FORMAT)
    if number[-1] != ric.calc_check_digit(number):
        raise ValueError(ID_CHECKSUM)
    try:
        birth = ric.get_birth_date(number)
    except InvalidComponent:
        raise ValueError(ID_BIRTH) from None
    if not _known_region(number[:6]):
        raise ValueError(ID_REGION)
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdFacts(number, birth, sex)


def _known_region(code: str) -> bool:
    """Whether a region code (行政区划代码) exists in python-stdnum's table, in any period.

    stdnum's own ``ric.validate`` also demands that the county existed in the holder's
    birth year, which refuses real numbers: codes were given when ID cards were issued
    (from 1984), so a woman born in 1970 carries a code created in the 1980s.
    """
    from stdnum import numdb

    return bool(numdb.get("cn/loc").info(code)[0][1])


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years of age on a given day."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
