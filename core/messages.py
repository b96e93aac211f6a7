"""Bilingual (Chinese / English) messages for errors shown to people.

Our own rules raise :class:`Msg`, a ``str`` (the English text, so marshmallow and logs
treat it like any message) that also carries its Chinese text. Messages raised by
marshmallow itself are translated by :func:`zh_for` from the table below.
"""
from __future__ import annotations

import re


class Msg(str):
    """A message in English (the str value) and Chinese (``.zh``)."""

    zh: str

    def __new__(cls, en: str, zh: str) -> "Msg":
        obj = super().__new__(cls, en)
        obj.zh = zh
        return obj

    def format(self, *args, **kwargs) -> "Msg":  # noqa: A003 - mirrors str.format
        return Msg(str.format(self, *args, **kwargs), self.zh.format(*args, **kwargs))


_EXACT = {
    "Missing data for required field.": "必填项，不能为空。",
    "Unknown field.": "不认识的字段。",
    "Field may not be null.": "此项不能为空。",
    "Not a valid string.": "不是有效的文本。",
    "Not a valid integer.": "不是有效的整数。",
    "Not a valid number.": "不是有效的数字。",
    "Not a valid decimal.": "不是有效的数字。",
    "Not a valid boolean.": "不是有效的是/否值。",
    "Not a valid date.": "不是有效的日期（格式 YYYY-MM-DD）。",
    "Not a valid datetime.": "不是有效的日期时间。",
    "Not a valid time.": "不是有效的时间。",
    "Not a valid email address.": "不是有效的电子邮箱。",
    "Not a valid list.": "不是有效的列表。",
    "Not a valid mapping type.": "不是有效的对象。",
    "Invalid input type.": "输入类型不正确。",
    "Invalid value.": "取值无效。",
    "Special numeric values (nan or infinity) are not permitted.": "不允许特殊数值。",
    "Invalid input.": "输入无效。",
}

_PATTERNS = [
    (re.compile(r"^Must be one of: (.*)\.$"), "必须是以下之一：{0}。"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "长度必须在 {0} 到 {1} 之间。"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "长度不能少于 {0}。"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "长度不能超过 {0}。"),
    (re.compile(r"^Length must be (\d+)\.$"), "长度必须为 {0}。"),
    (
        re.compile(r"^Must be greater than or equal to (.+) and less than or equal to (.+)\.$"),
        "必须在 {0} 到 {1} 之间。",
    ),
    (re.compile(r"^Must be greater than or equal to (.+)\.$"), "必须大于或等于 {0}。"),
    (re.compile(r"^Must be less than or equal to (.+)\.$"), "必须小于或等于 {0}。"),
    (re.compile(r"^Must be greater than (.+)\.$"), "必须大于 {0}。"),
    (re.compile(r"^Must be less than (.+)\.$"), "必须小于 {0}。"),
]


def zh_for(message: str) -> str:
    """The Chinese text of a message (our own Msg, or a known marshmallow one)."""
    zh = getattr(message, "zh", None)
    if zh:
        return zh
    if message in _EXACT:
        return _EXACT[message]
    for pattern, template in _PATTERNS:
        m = pattern.match(message)
        if m:
            return template.format(*m.groups())
    return message


def bilingual(message: str) -> dict:
    """``{"zh": ..., "en": ...}`` for one message."""
    return {"zh": zh_for(message), "en": str(message)}
