"""Value types exchanged between core and plugins (plugins may import these)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .money import quantize


@dataclass(frozen=True)
class CredentialKind:
    """A kind of credential a worker can hold, e.g. the health certificate (健康证).

    ``expires``: whether certificates of this kind carry an expiry date.
    """

    code: str
    name_zh: str
    name_en: str
    expires: bool = True


#: Credentials core knows without any plugin.
HEALTH_CERTIFICATE = CredentialKind("health_certificate", "健康证", "Health certificate")
PLATFORM_CERTIFICATION = CredentialKind(
    "platform_certification", "58到家认证", "Platform certification (58 Daojia)", expires=True)
CORE_CREDENTIAL_KINDS = (HEALTH_CERTIFICATE, PLATFORM_CERTIFICATION)


# ------------------------------------------------------------------------------ quotes

#: Units a quote line may count in: code -> (Chinese, English).
UNITS = {
    "visit": ("次", "visit"), "session": ("次", "session"), "package": ("套", "package"),
    "day": ("天", "day"), "hour": ("小时", "hour"), "month": ("月", "month"),
    "m2": ("㎡", "m²"),
}


def _money(value: object, what: str) -> None:
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    if quantize(value) != value or value.as_tuple().exponent != -2:
        raise ValueError(f"{what} must be quantized to the fen (0.01), got {value}")


@dataclass(frozen=True)
class QuoteLine:
    """One line of a price breakdown a customer can read and check by hand.

    ``amount`` is exactly ``quantity × unit_price`` rounded to the fen; a discount is a
    line with a negative ``unit_price``; ``unit`` is a code of :data:`UNITS`.
    E.g. 开荒保洁 120㎡ × ¥8.00 — 1 visit × ¥960.00 = ¥960.00.
    """

    label_zh: str
    label_en: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.quantity, (Decimal, int)) or isinstance(self.quantity, bool):
            raise TypeError(f"quantity must be a Decimal, not {type(self.quantity).__name__}")
        if self.unit not in UNITS:
            raise ValueError(f"unit {self.unit!r} is not one of {sorted(UNITS)}")
        _money(self.unit_price, "unit_price")
        _money(self.amount, "amount")
        if quantize(self.quantity * self.unit_price) != self.amount:
            raise ValueError(f"line {self.label_en!r}: {self.quantity} × {self.unit_price} "
                             f"is not {self.amount}")

    def as_dict(self) -> dict:
        """Plain JSON-serialisable data, money as strings."""
        return {"label_zh": self.label_zh, "label_en": self.label_en,
                "quantity": str(self.quantity), "unit": self.unit,
                "unit_zh": UNITS[self.unit][0], "unit_en": UNITS[self.unit][1],
                "unit_price": str(self.unit_price), "amount": str(self.amount)}


@dataclass(frozen=True)
class Quote:
    """A service line's price for one intake (报价), computed from a price table.

    ``total`` is the sum of the lines' amounts (checked). ``minimum_applied``: a
    minimum charge topped the price up. ``table_floor``: the lowest total the table
    lets a dispatcher agree for this intake; a lower agreed price is an exception that
    needs a supervisor's approval (None: the table sets no floor).
    """

    service_line: str
    total: Decimal
    lines: tuple[QuoteLine, ...]
    currency: str = "CNY"
    minimum_applied: bool = False
    notes_zh: str = ""
    notes_en: str = ""
    table_floor: Decimal | None = None

    def __post_init__(self) -> None:
        _money(self.total, "total")
        if self.table_floor is not None:
            _money(self.table_floor, "table_floor")
        if not isinstance(self.lines, tuple) or not all(
                isinstance(line, QuoteLine) for line in self.lines):
            raise TypeError("lines must be a tuple of QuoteLine")
        if sum((line.amount for line in self.lines), Decimal("0.00")) != self.total:
            raise ValueError(f"quote of {self.service_line!r}: lines do not sum to {self.total}")

    def as_dict(self) -> dict:
        """Plain JSON-serialisable data (a snapshot to keep on an order), money as strings."""
        return {"service_line": self.service_line, "total": str(self.total),
                "currency": self.currency, "minimum_applied": self.minimum_applied,
                "lines": [line.as_dict() for line in self.lines],
                "notes_zh": self.notes_zh, "notes_en": self.notes_en,
                "table_floor": None if self.table_floor is None else str(self.table_floor)}


# ------------------------------------------------------------------------------ orders


@dataclass(frozen=True)
class OrderPolicy:
    """How core's order lifecycle runs for one service line (returned by the line's
    plugin from ``get_order_policy``).

    ``needs_interview``: the customer interviews the chosen worker (面试) before a
    contract (月嫂, 育婴师). ``needs_contract``: a three-party contract (三方合同) is
    signed before service starts. ``standard_term_days``: contract terms, in days with
    both ends counted, that are within policy (e.g. 26 for a 月嫂); any other term needs
    a supervisor's approval; empty means any term is standard. ``term_field``: the
    intake field holding the asked-for term in days, checked against the same list
    when the order is saved (None: the intake has none).

    ``sends_profile``: the chosen worker's profile card (个人资料) is sent to the customer
    before the interview, and the sending is recorded (月嫂, 育婴师).
    ``profile_needs_willingness``: her willingness (意愿) for the order must be recorded
    before her profile goes to the customer (育婴师: 在了解阿姨的意愿后，将阿姨资料传递给客户).
    ``service_agreement``: the worker signs a service agreement (服务协议) with the company
    beside the three-party contract (月嫂); the text of its first version — later
    versions are kept as data by supervisors.

    ``contract_amounts``: the contract amounts (of ``service_fee``, ``worker_salary``,
    ``deposit``, ``final_payment``) that must be more than ¥0 before the contract can be
    signed. ``worker_salary_share`` / ``deposit_share``: the line's standard worker's
    salary and 定金 as shares of the agreed price (from the price table); the contract
    form is pre-filled with them (None: not pre-filled).
    """

    needs_interview: bool = False
    needs_contract: bool = False
    standard_term_days: tuple[int, ...] = ()
    term_field: str | None = None
    sends_profile: bool = False
    profile_needs_willingness: bool = False
    service_agreement: AgreementText | None = None
    contract_amounts: tuple[str, ...] = ()
    worker_salary_share: Decimal | None = None
    deposit_share: Decimal | None = None


@dataclass(frozen=True)
class AgreementText:
    """The text of a document a worker signs (e.g. 月嫂服务协议): a title and the body,
    in both languages, plain text with one paragraph a line; ``{worker}``,
    ``{order}`` and ``{company}`` are filled in when printed."""

    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


# -------------------------------------------------------------------------- appointments


@dataclass(frozen=True)
class VisitSlot:
    """One visit (上门) a service line plans for an order, e.g. each 保洁 visit of a weekly
    保洁 order (returned by the line's ``plan_visits``).

    ``starts_at``/``ends_at``: the time slot. Naive datetimes are business time
    (Asia/Shanghai), so a plugin needs no clock or zone; aware ones are taken as they
    are. ``tasks``: what to do on the visit, printed on the service sheet (上户表), each a
    ``core.Msg`` (bilingual) or plain text (e.g. the customer's own notes).
    """

    starts_at: dt.datetime
    ends_at: dt.datetime
    tasks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at"):
            if not isinstance(getattr(self, name), dt.datetime):
                raise TypeError(f"{name} must be a datetime")
        if (self.starts_at.tzinfo is None) != (self.ends_at.tzinfo is None):
            raise ValueError("starts_at and ends_at must both be naive or both be aware")
        if self.ends_at <= self.starts_at:
            raise ValueError(f"a visit must end after it starts ({self.starts_at} → "
                             f"{self.ends_at})")
        if not isinstance(self.tasks, tuple) or not all(isinstance(t, str) for t in self.tasks):
            raise TypeError("tasks must be a tuple of str (or core.Msg)")


@dataclass(frozen=True)
class SessionPackage:
    """What a customer bought of a line sold in sessions (returned by the line's plugin
    from ``get_session_package``), e.g. a 小儿推拿 package of 10 sessions.

    ``sessions``: how many sessions were bought (1 for a single session); core records a
    session as done only while the package has sessions left. ``place``: where the
    intake asked for them — ``home`` (上门) or ``company`` (到店) — or None; each booking
    may still choose.
    """

    sessions: int
    place: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.sessions, int) or isinstance(self.sessions, bool) \
                or self.sessions < 1:
            raise ValueError(f"a package has at least one session, not {self.sessions!r}")
        if self.place not in (None, "home", "company"):
            raise ValueError(f"place is 'home', 'company' or None, not {self.place!r}")


@dataclass(frozen=True)
class MatchingRule:
    """A hard rule (硬性条件) a plugin adds to matching for its lines (returned from
    ``register_matching_rules``): ``check(intake, worker)`` is True when the worker
    may be sent. ``worker`` is a read-only dict of her matching fields (``id``, ``name``,
    ``age``, ``hometown``, ``dialect``, ``years_experience``, ``grade``, ``rating``,
    ``ratings_count``); ``intake`` is the order's stored intake. ``message`` says what
    failing it means (a ``core.Msg``), shown in "why not her?".

    ``where(intake, profile)`` (optional, recommended) is the same rule as an SQL
    condition on the columns of ``profile`` (:class:`core.matching.profiles.MatchingProfile`:
    ``years_experience``, ``grade_rank``, ``birth_date``, ``hometown``, ``dialect``,
    ``district`` …), or ``None`` when it does not apply to this intake. With it the
    database ranks the candidates; without it every candidate is read and checked in
    Python, which is correct but slower on a large staff."""

    code: str
    message: object
    check: Callable[[dict, dict], bool]
    where: Callable[[dict, object], object] | None = None


@dataclass(frozen=True)
class ScorePart:
    """A part of the matching score (评分项) a plugin adds (``register_score_parts``):
    ``score(intake, worker)`` returns 0…1 (same dicts as :class:`MatchingRule`); the
    part counts ``weight`` times (config ``MATCHING_WEIGHTS[code]`` overrides).

    ``expr(intake, profile)`` (optional, recommended) is the same part as an SQL
    expression (0…1) on the profile's columns, so the database can rank; it must
    agree with ``score``."""

    code: str
    label_zh: str
    label_en: str
    weight: float
    score: Callable[[dict, dict], float]
    expr: Callable[[dict, object], object] | None = None
