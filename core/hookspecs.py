"""THE plugin contract of Jiazheng: the hooks a plugin may implement, and its version.

Contract 2 (see docs/plugins.md for the author's guide with examples):

- A service line is ONE object, a :class:`core.ServiceLine` subclass, returned by
  ``register_service_lines``. Everything core asks about one line (intake schema, price
  table, quote, order policy, service period, visits, sessions, follow-up rules,
  questionnaire, matching rules and score parts) is a method or attribute of that
  object, with documented defaults; core picks the object by its code.
- Hooks remain for what is not one line's: discovery (``register_*``, results of all
  plugins collected) and broadcasts (``handle_*``, every plugin called, return values
  ignored). Names are verb-first.
- :data:`CONTRACT_VERSION`: a plugin says which contract it is written for with a
  module (or object) attribute ``JIAZHENG_CONTRACT = "2.0"``; a plugin written for
  another MAJOR version is refused at start-up with a message. A plugin that says
  nothing is taken as written for this version.
- Hooks of contract 1 that were renamed or replaced by the line object keep working
  through contract 2 with a :class:`ContractDeprecationWarning` (pluggy's
  ``warn_on_impl``, at registration), and go in contract 3.

Hooks are always called with keyword arguments, only from the facade functions in
:mod:`core.plugins`. Plugins refuse by raising a typed core exception, never by
returning a sentinel.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pluggy
from marshmallow import Schema

from .servicelines.base import ServiceLine
from .types import MatchingRule, OrderPolicy, Quote, ScorePart, SessionPackage, VisitSlot

if TYPE_CHECKING:  # pragma: no cover
    from .followups.channels import NotificationChannel
    from .followups.rules import FollowupRules
    from .surveys.questionnaire import Questionnaire

PROJECT = "jiazheng"
#: the version of this plugin contract: MAJOR.MINOR; a plugin written for another major
#: version is refused at start-up
CONTRACT_VERSION = "2.0"
CONTRACT_MAJOR = int(CONTRACT_VERSION.split(".")[0])

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class ContractDeprecationWarning(DeprecationWarning):
    """A plugin implements a hook of an older contract that still works in this major
    version but goes in the next one."""


def _deprecated(old: str, instead: str) -> ContractDeprecationWarning:
    return ContractDeprecationWarning(
        f"the hook {old!r} of plugin contract 1 is deprecated and goes in contract "
        f"{CONTRACT_MAJOR + 1}: {instead} (see docs/plugins.md)")


# --------------------------------------------------------------------------- registration


@hookspec
def register_service_lines() -> list[ServiceLine]:
    """Return the service lines (业务线) this plugin owns.

    Each :class:`core.types.ServiceLine` carries its code (unique across all loaded
    plugins), its Chinese and English names, the credential kinds a worker needs for
    it, and any skill-certificate kinds it introduces. Results of all plugins are
    collected; two plugins returning the same code stop the app at start-up with a
    message naming both. Return an empty list to register nothing.
    """


# ------------------------------------------------- contract 1: per-line hooks (deprecated)
#
# Before contract 2 a line's answers came from these hooks, every plugin asked and the
# owner answering for ``service_line`` (others returning ``None``). They still work
# for a line registered as a plain ``ServiceLine(code=..., name_zh=..., name_en=...)``
# record, with a ContractDeprecationWarning; a plugin answering one for a line it does
# not own is refused. Write a ServiceLine subclass instead.


@hookspec(warn_on_impl=_deprecated(
    "get_intake_schema", "set ``intake_schema`` on your ServiceLine subclass"))
def get_intake_schema(service_line: str) -> type[Schema] | None:
    """Return the intake schema CLASS (a :class:`core.forms.IntakeSchema` subclass) of
    ``service_line`` if this plugin owns it, else ``None``.

    The intake is what the dispatcher asks before quoting (area, frequency, 预产期, …).
    The schema refuses unknown fields, puts cross-field rules in
    ``@validates_schema(skip_on_field_errors=True)`` and raises ``ValidationError`` with
    bilingual :class:`core.messages.Msg` messages. Instantiated with ``today=<date>``
    it also checks rules relative to the business date (no date in the past, …).

    Each field says how a form presents it through ``metadata`` (all optional except
    the labels), read by :func:`core.forms.describe_schema`:

    - ``label_zh``, ``label_en``: the field's label (required);
    - ``help_zh``, ``help_en``: one line of help under the field;
    - ``unit``: shown after the input, e.g. ``"㎡"``, ``"天"``;
    - ``choices``: ``[(value, zh, en), …]`` for a closed set of values;
    - ``widget``: ``text`` · ``textarea`` · ``number`` · ``date`` · ``datetime`` ·
      ``time`` · ``select`` · ``checkbox`` · ``group`` (inferred from the field type
      when absent; a ``List`` field with choices is a multiple choice, a ``Nested``
      field a group of its own fields);
    - ``order``: position in the form (smaller first);
    - ``depends_on``: ``{"field": name, "values": [...]}`` — shown only when that field
      has one of those values.

    The module defining the schema also provides ``SAMPLE_INTAKE``, a valid raw
    intake used by the conformance test.
    """


@hookspec(warn_on_impl=_deprecated(
    "get_price_table", "override ServiceLine.default_price_table"))
def get_price_table(service_line: str) -> dict | None:
    """Return the DEFAULT price table (价目表) of ``service_line`` if this plugin owns it,
    else ``None``.

    Plain JSON-serialisable data, money as strings (``"35.00"``), read from a data
    file shipped in the plugin (not constants in code); return a fresh copy each call.
    It has at least ``currency`` and ``floor_ratio`` (see :mod:`core.price_tables`).
    Core keeps a company's edited copy and passes it back to ``get_quote``.
    """


@hookspec(warn_on_impl=_deprecated(
    "validate_price_table", "set ``price_table_schema`` or override ServiceLine.check_price_table"))
def validate_price_table(service_line: str, table: dict) -> bool | None:
    """Check an (edited) price table of ``service_line`` if this plugin owns it.

    Return ``True`` when ``table`` is well-formed; raise
    :class:`core.errors.Invalid` with ``fields`` naming each malformed entry when it
    is not. Return ``None`` for a line this plugin does not own.
    """


@hookspec(warn_on_impl=_deprecated(
    "get_quote", "override ServiceLine.quote"))
def get_quote(service_line: str, intake: dict, price_table: dict) -> Quote | None:
    """Price an intake of ``service_line`` from ``price_table`` if this plugin owns it,
    else ``None``.

    ``intake`` is the dict the line's intake schema LOADED (validated, with dates and
    Decimals); ``price_table`` a table that passed ``validate_price_table``. Return a
    :class:`core.types.Quote` whose lines a customer can read and which sum to the
    total, money as ``Decimal`` to the fen. Pure: no clock, no database. Raise
    :class:`core.errors.Invalid` when the intake asks for something the table does
    not offer (e.g. a package size it does not list).
    """


# --------------------------------------------------------------------------------- orders


@hookspec(warn_on_impl=_deprecated(
    "get_order_policy", "override ServiceLine.order_policy"))
def get_order_policy(service_line: str, price_table: dict) -> OrderPolicy | None:
    """Return the :class:`core.types.OrderPolicy` of ``service_line`` if this plugin owns
    it, else ``None``.

    The policy tells core's order lifecycle whether orders of the line go through an
    interview (面试) and a three-party contract (三方合同), and which contract terms are
    standard (others need a supervisor's approval). ``price_table`` is the company's
    current (valid) table of the line, for a policy that the company edits along with
    its prices (e.g. the standard terms of a 月嫂). Owned answer: only the owner of the
    line answers; a line whose plugin does not implement this hook gets the default
    policy (no interview, no contract, any term).
    """


# --------------------------------------------------------------------------- appointments


@hookspec(warn_on_impl=_deprecated(
    "plan_visits", "override ServiceLine.plan_visits"))
def plan_visits(service_line: str, intake: dict) -> list[VisitSlot] | None:
    """Return the visits (上门) an order of ``service_line`` needs, as a list of
    :class:`core.types.VisitSlot` (time slot and tasks), if this plugin owns the line and
    its orders are served in visits; else ``None``.

    ``intake`` is the dict the line's intake schema LOADED (dates and times, not
    strings). A one-off 保洁 is one visit; a weekly one every seven days from the
    preferred date, as many as asked or up to the last date. Pure: no clock, no
    database; naive datetimes are business time (Asia/Shanghai). Owned answer: only
    the owner of the line answers; a line whose plugin does not implement this hook
    has no visits (core then offers no visit plan for its orders).
    """


@hookspec(warn_on_impl=_deprecated(
    "get_session_package", "override ServiceLine.session_package"))
def get_session_package(service_line: str, intake: dict) -> SessionPackage | None:
    """Return what a customer bought of ``service_line`` when its orders are served in
    sessions (小儿推拿: a single session or a package of N), as a
    :class:`core.types.SessionPackage`, if this plugin owns the line; else ``None``.

    ``intake`` is the dict the line's intake schema LOADED. Core books each session
    (time, at home or at the company), and records one as done only while the package
    has sessions left. Pure: no clock, no database. Owned answer: only the owner of the
    line answers; a line whose plugin does not implement this hook has no sessions.
    """


# ----------------------------------------------------------------------------- follow-ups


@hookspec(warn_on_impl=_deprecated(
    "get_followup_rules", "set ``followup_rules`` on your ServiceLine subclass"))
def get_followup_rules(service_line: str) -> FollowupRules | None:
    """Return the follow-up rules (回访规则) of ``service_line`` as one
    :class:`core.FollowupRules` if this plugin owns the line, else ``None``.

    Pure data (see ``docs/followups.md``): each :class:`core.FollowupRule` says what
    anchors it (上户, 下户, the baby's birth, each visit or session, a mediation case, each
    public holiday in service), the offset in days or hours, the kind (phone, WeChat,
    home visit, partner booking, greeting), the condition on an earlier outcome and the
    script of what to ask, in Chinese and English. Core plans, assigns, re-plans and
    cancels the follow-ups. Owned answer: only the owner of the line answers; a line
    whose plugin does not implement this hook has no follow-ups. Rules are checked
    when the app starts; invalid rules stop it with a message naming every problem.
    """


@hookspec(warn_on_impl=_deprecated(
    "get_survey_questionnaire", "set ``questionnaire`` on your ServiceLine subclass"))
def get_survey_questionnaire(service_line: str) -> Questionnaire | None:
    """Return the satisfaction questionnaire (满意度调查问卷) of ``service_line`` as one
    :class:`core.Questionnaire` if this plugin owns the line, else ``None``.

    Pure data (see ``docs/complaints.md``): the questions in order, each with its kind —
    ``stars`` (1–5), ``choice`` or ``text`` — its labels in Chinese and English, and which
    answers count as dissatisfied (``dissatisfied_below`` stars, ``dissatisfied_choices``);
    exactly one required stars question is the ``overall`` score. A dissatisfied answer
    opens a complaint of the questionnaire's ``complaint_category``. When the survey is
    sent is said by the line's follow-up rules (kind ``survey``). Owned answer: only the
    owner of the line answers; a line whose plugin does not implement this hook gets
    core's default questionnaire. Checked when the app starts; an invalid questionnaire
    stops it with a message naming every problem.
    """


@hookspec
def register_notification_channels() -> list[NotificationChannel]:
    """Return notification channels (:class:`core.NotificationChannel` instances) this
    plugin adds, e.g. SMS or WeChat; results of all plugins are collected.

    Every message core sends (a follow-up reminder, an escalation to a supervisor) is
    written to an outbox and delivered once through each channel whose ``accepts``
    says yes. Core registers the in-app channel (``in_app``) itself. Channel codes must
    be unique across plugins; a duplicate stops the app naming both plugins.
    """


# ---------------------------------------------------------------------------- broadcasts


@hookspec
def handle_order_state_change(order_id: int, service_line: str, from_state: str,
                              to_state: str) -> None:
    """Broadcast: an order moved from ``from_state`` to ``to_state`` (e.g. ``contracted``
    → ``in_service`` on the 上户 date). Every plugin is called; return values are ignored.

    Called inside the transaction that records the change, after the order row is
    written: rows a listener adds to ``core.extensions.db.session`` are committed with
    the change, and raising refuses the change as a whole. Read the order by
    ``order_id`` for its facts. States are those of ``core.orders.models.STATES``.
    """


@hookspec
def handle_order_period_change(order_id: int, service_line: str,
                               previous_start: dt.date | None, previous_end: dt.date | None,
                               start_date: dt.date | None, end_date: dt.date | None) -> None:
    """Broadcast: an order's service period moved (上户 ``start_date`` and/or 下户
    ``end_date``; ``previous_*`` are the dates before, ``None`` when not set). Every
    plugin is called; return values are ignored.

    Called inside the transaction that moves the dates (after the order row is written),
    like :func:`handle_order_state_change`: rows you add commit with the move, and raising
    refuses the move as a whole (core's own listeners move the worker's booking — 409
    when she is busy then — and re-plan the follow-ups).
    """


@hookspec(warn_on_impl=_deprecated("order_state_changed",
                                   "rename it handle_order_state_change"))
def order_state_changed(order_id: int, service_line: str, from_state: str,
                        to_state: str) -> None:
    """Deprecated name of :func:`handle_order_state_change` (contract 1); still called,
    after the listeners of the new name, with the same arguments."""


@hookspec(warn_on_impl=_deprecated("order_period_changed",
                                   "rename it handle_order_period_change"))
def order_period_changed(order_id: int, service_line: str, previous_start: dt.date | None,
                         previous_end: dt.date | None, start_date: dt.date | None,
                         end_date: dt.date | None) -> None:
    """Deprecated name of :func:`handle_order_period_change` (contract 1); still called,
    after the listeners of the new name, with the same arguments."""


# ------------------------------------------------------------------------------ matching


@hookspec
def register_matching_rules(service_line: str) -> list[MatchingRule] | None:
    """Return hard rules (:class:`core.MatchingRule`) this plugin adds to matching for
    orders of ``service_line`` (e.g. twins experience for 月嫂 of twins), or ``None``/
    ``[]``. Results of all plugins are collected; a worker failing any rule is not a
    candidate, and "why not her?" shows the rule's message. Pure: no database.
    """


@hookspec
def register_score_parts(service_line: str) -> list[ScorePart] | None:
    """Return score parts (:class:`core.ScorePart`) this plugin adds to the matching
    score for orders of ``service_line``, or ``None``/``[]``. Results of all plugins are
    collected; each part is shown with its value on the candidate list. Codes must not
    repeat core's (rating, experience, grade, distance, preferences, continuity,
    fairness). Pure: no database.
    """
