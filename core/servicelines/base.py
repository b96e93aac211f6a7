"""The service line (业务线) as ONE object: everything core asks a line, in one class.

A plugin subclasses :class:`ServiceLine`, sets the class attributes and overrides the
methods it needs, and returns an instance from ``register_service_lines``. Core picks
the object by its ``code``; no hook asks "is this line mine?".

What a line MUST give: ``code``, ``name_zh``, ``name_en``, ``intake_schema``,
:meth:`ServiceLine.default_price_table` and :meth:`ServiceLine.quote`. Everything else
has a documented default (the defaults are what a line that says nothing gets):

==============================  =============================================================
attribute / method              default
==============================  =============================================================
``description_zh/_en``          ``""``
``required_credentials``        ``()`` — any worker of the line may be sent
``credential_kinds``            ``()`` — the line introduces no certificate kind
``job_words``                   ``()`` — only ``name_zh`` names the line on a trainee's sheet
``service_sheet_title``         ``None`` — a visit's printed sheet is titled 上户表
``sample_intakes``              ``SAMPLE_INTAKE`` of the intake schema's module, if any
``invalid_sample_intakes``      ``INVALID_SAMPLE_INTAKES`` of the intake schema's module,
                                if any, else ``[]`` — raw intakes the schema must refuse
``price_table_schema``          ``None`` — :meth:`check_price_table` then checks only what
                                every table has (:class:`core.PriceTableSchema`)
``order_policy()``              ``OrderPolicy()`` — no interview, no contract, any term
``start_date_fields``           ``("preferred_date", "start_date", "expected_delivery_date")``
``slot_hours``                  ``None`` — a live-in line taking whole days; a number makes
                                orders take a slot of that many hours from
                                ``preferred_time`` (``DEFAULT_SLOT_HOURS`` = 2 when the
                                intake has a ``preferred_time`` but the line says none)
``term_days_field``             ``"term_days"`` — the intake field with the term in days
``default_term_days``           ``30`` — the term when the intake names none
``plan_visits()``               ``None`` — orders are not served in visits
``session_package()``           ``None`` — orders are not served in sessions
``followup_rules``              ``FollowupRules()`` — no follow-ups
``questionnaire``               ``None`` — core's default questionnaire
``matching_rules``              ``()`` — no hard rule beyond core's
``score_parts``                 ``()`` — no score part beyond core's
==============================  =============================================================

All methods are pure: no clock, no database.
"""
from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..types import (
    CredentialKind,
    MatchingRule,
    OrderPolicy,
    Quote,
    ScorePart,
    SessionPackage,
    VisitSlot,
)

if TYPE_CHECKING:  # pragma: no cover
    from marshmallow import Schema

    from ..followups.rules import FollowupRules
    from ..messages import Msg
    from ..surveys.questionnaire import Questionnaire

#: where an order's first day is read from, tried in order, when a line names none
DEFAULT_START_DATE_FIELDS: tuple[str, ...] = ("preferred_date", "start_date",
                                              "expected_delivery_date")
#: hours of a slot when an intake names a ``preferred_time`` but its line no slot length
DEFAULT_SLOT_HOURS: float = 2
#: days of a live-in term when neither the intake nor the line names one
DEFAULT_TERM_DAYS: int = 30


class ServiceLine:
    """A service line a plugin owns (subclass it; see the module docstring for the
    defaults of everything a line may leave out).

    ``ServiceLine(code=..., name_zh=..., name_en=...)`` also works, for a line whose
    answers come from the deprecated per-line hooks of contract 1 (``get_quote`` …).
    """

    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    #: codes of the credential kinds a worker must hold, valid, to be sent on its orders
    required_credentials: tuple[str, ...] = ()
    #: kinds this line introduces (skill certificates); core knows 健康证 and 58到家认证
    credential_kinds: tuple[CredentialKind, ...] = ()
    #: words on a trainee's registration sheet (意向工种) meaning this line, beyond name_zh
    job_words: tuple[str, ...] = ()
    #: the title of a visit's printed service sheet (a ``core.Msg``); None: "上户表"
    service_sheet_title: Msg | None = None

    #: the intake schema CLASS (a :class:`core.IntakeSchema` subclass)
    intake_schema: type[Schema] | None = None
    #: the price-table schema CLASS (a :class:`core.PriceTableSchema` subclass)
    price_table_schema: type[Schema] | None = None

    #: intake fields giving an order's first day, first filled wins
    start_date_fields: tuple[str, ...] = DEFAULT_START_DATE_FIELDS
    #: hours of one visit or session; None for a line whose orders take whole days
    slot_hours: float | None = None
    #: the intake field with the asked-for term in days (None: the intake has none)
    term_days_field: str | None = "term_days"
    #: days of a term when the intake names none
    default_term_days: int = DEFAULT_TERM_DAYS

    #: follow-up rules (回访规则); None means no follow-ups
    followup_rules: FollowupRules | None = None
    #: satisfaction questionnaire (满意度调查问卷); None means core's default
    questionnaire: Questionnaire | None = None
    #: hard matching rules of the line (e.g. twins need experience)
    matching_rules: Sequence[MatchingRule] = ()
    #: matching score parts of the line
    score_parts: Sequence[ScorePart] = ()

    def __init__(self, **attributes: object) -> None:
        for name, value in attributes.items():
            if not hasattr(type(self), name):
                raise TypeError(f"{type(self).__name__} has no attribute {name!r}")
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code!r}>"

    # ---------------------------------------------------------------- intake and pricing

    @property
    def sample_intakes(self) -> list[dict]:
        """Valid raw intakes of the line (for demo data and the conformance checks):
        by default the ``SAMPLE_INTAKE`` of the intake schema's module, if it has one."""
        schema = self.intake_schema
        sample = getattr(sys.modules.get(schema.__module__), "SAMPLE_INTAKE", None) \
            if schema is not None else None
        return [sample] if sample else []

    @property
    def invalid_sample_intakes(self) -> list[dict]:
        """Raw intakes the intake schema must refuse, each with a message on a field (for
        the conformance checks): by default the ``INVALID_SAMPLE_INTAKES`` of the intake
        schema's module, if it has one, else none."""
        schema = self.intake_schema
        samples = getattr(sys.modules.get(schema.__module__), "INVALID_SAMPLE_INTAKES", None) \
            if schema is not None else None
        return list(samples or [])

    def default_price_table(self) -> dict:
        """A fresh copy of the line's default price table (价目表): plain JSON data, money
        as strings, with at least ``currency`` and ``floor_ratio``. Must be overridden."""
        raise NotImplementedError(f"service line {self.code!r} has no default price table")

    def check_price_table(self, table: object) -> dict:
        """The (edited) table LOADED (Decimals) if well-formed; raises
        :class:`core.Invalid` naming each malformed entry otherwise. By default checks it
        with ``price_table_schema`` (or what every table has when the line gives none)."""
        from ..price_tables import PriceTableSchema, check_table

        schema = self.price_table_schema or PriceTableSchema
        return check_table(schema(), table)

    def quote(self, intake: dict, price_table: dict) -> Quote:
        """Price a LOADED intake from a LOADED, well-formed table (see
        :meth:`check_price_table`); lines sum to the total, money as Decimal to the fen;
        raise :class:`core.Invalid` when the table cannot price it. Must be overridden."""
        raise NotImplementedError(f"service line {self.code!r} cannot quote")

    # ---------------------------------------------------------------------------- orders

    def order_policy(self, price_table: dict) -> OrderPolicy:
        """How orders of the line move (interview? contract? standard terms?), under the
        company's current (raw, valid) table. Default: ``OrderPolicy()``."""
        return OrderPolicy()

    # -------------------------------------------------------------------- service period

    def first_day(self, intake: dict) -> dt.date | None:
        """The first business day an order of this intake asks for (from the first filled
        of ``start_date_fields``), or None."""
        for name in self.start_date_fields:
            day = _date(intake.get(name))
            if day:
                return day
        return None

    def slot_hours_for(self, intake: dict) -> float | None:
        """Hours of the time slot an order of this intake takes, or None when it takes
        whole days (live-in). Default: ``slot_hours``; ``DEFAULT_SLOT_HOURS`` when the
        line gives none but the intake names a ``preferred_time``."""
        if self.slot_hours is not None:
            return self.slot_hours
        return DEFAULT_SLOT_HOURS if "preferred_time" in intake else None

    def slot_start(self, intake: dict) -> dt.time:
        """When a slot starts: the intake's ``preferred_time``, else 09:00."""
        return dt.time.fromisoformat(str(intake.get("preferred_time") or "09:00"))

    def term_days(self, intake: dict) -> int | None:
        """The term in days the intake asks for (``term_days_field``), or None."""
        value = intake.get(self.term_days_field) if self.term_days_field else None
        return int(value) if value else None

    # ------------------------------------------------------------- visits and sessions

    def plan_visits(self, intake: dict) -> list[VisitSlot] | None:
        """The visits (上门) an order of a LOADED intake needs, or None when the line's
        orders are not served in visits (the default)."""
        return None

    def session_package(self, intake: dict) -> SessionPackage | None:
        """What a customer bought when the line is sold in sessions, or None (default)."""
        return None

    # -------------------------------------------------------------- follow-ups, surveys

    def get_followup_rules(self) -> FollowupRules:
        """The line's follow-up rules (default: none)."""
        from ..followups.rules import FollowupRules

        return self.followup_rules if self.followup_rules is not None else FollowupRules()

    def get_questionnaire(self) -> Questionnaire | None:
        """The line's questionnaire, or None for core's default."""
        return self.questionnaire

    # ---------------------------------------------------------------------- matching

    def get_matching_rules(self) -> list[MatchingRule]:
        """The line's own hard matching rules (default: none)."""
        return list(self.matching_rules or ())

    def get_score_parts(self) -> list[ScorePart]:
        """The line's own score parts (default: none)."""
        return list(self.score_parts or ())


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
