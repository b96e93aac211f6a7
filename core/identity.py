"""Chinese identity data: resident ID numbers (居民身份证号) and phone numbers.

Everything an ID number or a phone passes through — the API, the web forms, the trainee
sheet import — goes through these functions, which first normalise what an input method
or a spreadsheet adds: full-width digits and letters (a Chinese input method types
``１１０１…Ｘ``), full-width spaces, and stray separators (spaces, dashes of every kind,
dots, slashes, zero-width characters) via Unicode NFKC. Phone numbers are then read with
``phonenumbers`` (region CN).

Age rules (a worker's or trainee's ID number): a birth date in the future is refused
everywhere. A **worker** must be 16 to 80 years old on the day she is recorded (16 is the
legal minimum working age in China, 劳动法第十五条; past 80 the number is taken for a typing
mistake). A **trainee** follows the same 16–80 rule at registration, because she trains to
become a worker and graduates into one.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from .messages import Msg

#: youngest and oldest age a worker (or a trainee) can have
WORKER_MIN_AGE, WORKER_MAX_AGE = 16, 80
#: what NFKC leaves that is still only a separator: whitespace, dashes, dots, slashes,
#: brackets, middle dots, and zero-width / bidi marks
_SEPARATORS = re.compile(
    r"[\s\-\u2010-\u2015\u2212\u30fc.\u00b7\u30fb/\\()\u200b-\u200f\u2060\ufeff]")

MOBILE_INVALID = Msg("Not a valid mainland China mobile number (11 digits starting 13–19).",
                     "不是有效的中国大陆手机号（以 13–19 开头的 11 位数字）。")
PHONE_INVALID = Msg("Use a valid phone number: a mobile, a landline with its area code, a "
                    "400/800 number, or +country code for one abroad.",
                    "请填写有效的电话号码：手机、带区号的座机、400/800 号码，"
                    "境外号码请加 +国家码。")
ID_FUTURE_BIRTH = Msg("The birth date inside the ID number is in the future.",
                      "身份证号中的出生日期晚于今天。")
AGE_OUT_OF_RANGE = Msg("The ID number gives an age of {age}; a worker or trainee must be "
                       "16 to 80 years old. Please re-check the number.",
                       "按身份证号计算年龄为 {age} 岁；阿姨和学员须在 16 至 80 岁之间，"
                       "请核对号码。")
ID_LENGTH = Msg("A resident ID number has 18 characters.", "身份证号应为 18 位。")
ID_FORMAT = Msg("A resident ID number is 17 digits and a digit or X.",
                "身份证号应为 17 位数字加一位数字或 X。")
ID_CHECKSUM = Msg("The ID number's check digit is wrong; please re-check each digit.",
                  "身份证号校验位不正确，请逐位核对。")
ID_BIRTH = Msg("The birth date inside the ID number is not a real date.",
               "身份证号中的出生日期无效。")
ID_REGION = Msg("The first six digits of the ID number are not a known region code.",
                "身份证号前六位不是有效的行政区划代码。")


def normalize_input(value: str) -> str:
    """Full-width characters to their plain form (NFKC), separators removed."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))


def normalize_mobile(value: str) -> str:
    """A mobile number as typed, reduced to its digits (full-width, separators and a
    +86 / 0086 prefix removed); not validated."""
    digits = normalize_input(value)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def _parse(value: str):
    text = unicodedata.normalize("NFKC", value or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        return phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None


def check_mobile(value: str) -> str:
    """A mainland China mobile number (手机号) as its 11 digits, read by ``phonenumbers``
    (region CN) after normalising; raises ValueError(Msg) otherwise."""
    number = _parse(value)
    if (number is None or number.country_code != 86 or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE):
        raise ValueError(MOBILE_INVALID)
    return str(number.national_number)


def check_phone(value: str) -> str:
    """Any valid phone number (a partner's landline, a 400 number, a mobile, one abroad),
    formatted for people: national format for China (``0531 8888 6666``), international
    otherwise; raises ValueError(Msg)."""
    number = _parse(value)
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(PHONE_INVALID)
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 86
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt)


def normalize_id_number(value: str) -> str:
    """An ID number as typed, full-width characters and separators removed, the check
    character upper-cased."""
    return normalize_input(value).upper()


@dataclass(frozen=True)
class IdFacts:
    """What a resident ID number says about its holder."""

    number: str
    birth_date: dt.date
    sex: str  # "F" or "M"


def check_id_number(value: str, today: dt.date | None = None) -> IdFacts:
    """Validate an 18-character resident ID number (with its checksum) and read it; a
    birth date after ``today`` (default: the business date) is refused.

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
    if birth > (today or _business_today()):
        raise ValueError(ID_FUTURE_BIRTH)
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdFacts(number, birth, sex)


def check_worker_id_number(value: str, today: dt.date | None = None) -> IdFacts:
    """:func:`check_id_number`, plus the age rule of workers and trainees (16–80 on
    ``today``); raises ValueError(Msg) naming the age found."""
    today = today or _business_today()
    facts = check_id_number(value, today)
    age = age_on(facts.birth_date, today)
    if not WORKER_MIN_AGE <= age <= WORKER_MAX_AGE:
        raise ValueError(AGE_OUT_OF_RANGE.format(age=age))
    return facts


def _business_today() -> dt.date:
    from .timeutil import business_today

    return business_today()


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
