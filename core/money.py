"""Money: exact yuan amounts as ``Decimal`` quantized to the fen (分), never float.

Price tables and quotes carry money as strings (``"35.00"``) at the edges and as
``Decimal`` inside. :func:`yuan` parses an amount exactly; :func:`quantize` rounds a
computed amount (half up, as a cashier does); :class:`Money` and :class:`Rate` are the
marshmallow fields for amounts and factors in price tables.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency
from marshmallow import ValidationError, fields

from .messages import Msg

FEN = Decimal("0.01")


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"money must not be a {type(value).__name__}; pass a str, int or Decimal")
    if isinstance(value, str):
        value = value.strip().replace(",", "").removeprefix("¥").strip()
    if not isinstance(value, (str, int, Decimal)):
        raise TypeError(f"cannot read an amount from {type(value).__name__}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return number


class AmountTooLarge(ValueError):
    """An amount beyond what any price or payment can be."""


def quantize(amount: Decimal | int) -> Decimal:
    """Round a computed amount to the fen, half up (¥0.005 → ¥0.01)."""
    return _decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(value: str | int | Decimal) -> Decimal:
    """An exact amount in yuan, quantized to the fen: ``yuan("35") == Decimal("35.00")``.

    Accepts ``str`` (``"35.00"``, ``"¥1,200"``), ``int`` and ``Decimal``; refuses
    ``float`` and ``bool`` (``TypeError``) and amounts finer than a fen (``ValueError``),
    so no price is ever silently rounded on the way in.
    """
    number = _decimal(value)
    try:
        exact = number.quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than decimal's precision (28) holds
        raise AmountTooLarge(f"not an amount: {value!r} is far too large") from None
    if exact != number:
        raise ValueError(f"an amount is exact to the fen (0.01), not {value!r}")
    return exact


def format_yuan(amount: Decimal) -> str:
    """A money amount as people read it: ``¥1,234.50`` (``-¥32.50`` when negative).

    Rounded to the fen by our own rule (half up) first, then written by Babel's
    ``format_currency`` in the zh_CN pattern."""
    return format_currency(quantize(amount), "CNY", locale="zh_CN")


def to_str(amount: Decimal) -> str:
    """A money amount as stored in JSON: ``"1234.50"``."""
    return f"{quantize(amount):.2f}"


_NOT_AMOUNT = Msg('Not an amount in yuan (write it like "35.00").',
                  '不是有效的金额（格式如 "35.00"）。')
_NOT_FACTOR = Msg('Not an exact number (write it like "0.95").',
                  '不是有效的数值（格式如 "0.95"）。')
_TOO_LARGE = Msg("The amount must be below 100,000,000.", "金额须小于一亿。")
_NOT_NEGATIVE = Msg("Must not be negative.", "不能为负数。")


class Money(fields.Field):
    """A non-negative yuan amount: loads ``"35.00"`` or ``35`` (never a float) to a
    ``Decimal``; dumps a ``"35.00"`` string."""

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        try:
            amount = yuan(value)
        except AmountTooLarge:
            raise ValidationError(_TOO_LARGE) from None
        except (TypeError, ValueError):
            raise ValidationError(_NOT_AMOUNT) from None
        if amount < 0:
            raise ValidationError(_NOT_NEGATIVE)
        return amount

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else to_str(value)


class Rate(fields.Field):
    """An exact positive factor such as a discount (``"0.95"``) or surcharge (``"1.30"``);
    floats are refused so ``0.95`` stays 0.95."""

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        try:
            number = _decimal(value)
        except (TypeError, ValueError):
            raise ValidationError(_NOT_FACTOR) from None
        if number <= 0:
            raise ValidationError(Msg("Must be greater than 0.", "必须大于 0。"))
        return number

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


def positive(amount: Decimal) -> None:
    """A validator: a price must be more than ¥0.00."""
    if amount <= 0:
        raise ValidationError(Msg("Must be greater than 0.", "必须大于 0。"))
