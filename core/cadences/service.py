"""The company's follow-up cadences: read (falling back to the plugin's rules), check, save
a new version, reset to the plugin's rules, and the rules an order is planned with.

A cadence changes, per rule of the line's plugin, only when and how the call is made:
``days`` / ``hours`` (the offset), ``at`` (time of day), ``kind`` (the channel, among
:data:`CHANNELS`) and ``after`` (count from an earlier rule's call instead of the anchor).
What a call asks, whether it waits for an earlier outcome, what it opens — those stay the
plugin's. An order's follow-ups keep the cadence version they were first planned with
(:class:`~.models.FollowupCadencePin`); an edit plans new orders.
"""
from __future__ import annotations

import copy
import dataclasses
import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import plugins
from ..audit.service import diff, record
from ..errors import Conflict, Invalid
from ..extensions import db
from ..followups.rules import FollowupRules, out_of_order, problems
from ..messages import Msg, bilingual
from ..pricing.service import known_line
from ..timeutil import utcnow
from ..transactions import transactional
from .models import FollowupCadence, FollowupCadencePin, FollowupCadenceVersion

#: what a company may change of a plugin's rule
FIELDS = ("days", "hours", "at", "kind", "after")
#: the channels a call may be made on; a rule of another kind (survey, greeting, partner
#: booking) keeps its kind
CHANNELS = ("phone", "wechat", "home_visit")
#: the largest offset the rules allow (days or hours)
MAX_OFFSET = 3660

STALE = Msg("Someone else saved this follow-up cadence meanwhile; reload it and edit again.",
            "回访节奏已被他人修改，请刷新后重新编辑。")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _row(code: str) -> FollowupCadence | None:
    return db.session.scalar(sa.select(FollowupCadence)
                             .where(FollowupCadence.service_line == code))


def apply(rules: FollowupRules, overrides: dict | None) -> FollowupRules:
    """The plugin's ``rules`` with the company's ``overrides`` laid over them; an override
    of a rule the plugin no longer has is ignored."""
    if not overrides:
        return rules
    out = []
    for rule in rules.rules:
        patch = {k: v for k, v in (overrides.get(rule.code) or {}).items() if k in FIELDS}
        if "days" in patch and patch["days"] is not None:
            patch.setdefault("hours", None)
        if "hours" in patch and patch["hours"] is not None:
            patch.setdefault("days", None)
        out.append(dataclasses.replace(rule, **patch) if patch else rule)
    return dataclasses.replace(rules, rules=tuple(out))


def rules_at(code: str, version: int) -> FollowupRules:
    """The rules of ``code`` as cadence ``version`` set them (0: the plugin's)."""
    rules = plugins.followup_rules(code)
    if not version:
        return rules
    overrides = db.session.scalar(sa.select(FollowupCadenceVersion.overrides).where(
        FollowupCadenceVersion.service_line == code, FollowupCadenceVersion.version == version))
    return apply(rules, overrides)


def effective_rules(code: str) -> FollowupRules:
    """The rules new follow-ups of ``code`` are planned with now."""
    row = _row(code)
    return apply(plugins.followup_rules(code), row.overrides if row else None)


def rules_for_order(order) -> FollowupRules:
    """The rules ``order``'s follow-ups are planned with: the cadence version fixed when
    they were first planned; an order planned for the first time takes the current one."""
    pin = db.session.get(FollowupCadencePin, order.id)
    if pin is None:
        row = _row(order.service_line)
        pin = FollowupCadencePin(order_id=order.id, version=row.version if row else 0)
        db.session.add(pin)
        return apply(plugins.followup_rules(order.service_line), row.overrides if row else None)
    return rules_at(order.service_line, pin.version)


def info(code: str) -> dict:
    """A line's effective rules with the cadence version (0: never edited), where they
    come from (``plugin`` / ``company``), the overrides, and who saved them when."""
    known_line(code)
    row = _row(code)
    overrides = copy.deepcopy(row.overrides) if row else {}
    plugin_rules = plugins.followup_rules(code)
    rules = apply(plugin_rules, overrides)
    return {"service_line": code, "version": row.version if row else 0,
            "source": "company" if overrides else "plugin", "is_default": not overrides,
            "overrides": overrides, "rules": [_rule_info(r, overrides.get(r.code) or {})
                                              for r in rules.rules],
            "plugin_rules": [_rule_info(r, {}) for r in plugin_rules.rules],
            "updated_by": row.updated_by if row else None,
            "updated_at": row.updated_at if row else None}


def _rule_info(rule, patch: dict) -> dict:
    return {"code": rule.code, "anchor": rule.anchor, "kind": rule.kind, "days": rule.days,
            "hours": rule.hours, "at": rule.at, "after": rule.after,
            "when": {"rule": rule.when.rule, "outcome": rule.when.outcome} if rule.when else None,
            "title_zh": rule.title_zh, "title_en": rule.title_en,
            "overridden": sorted(k for k in patch if k in FIELDS)}


# ------------------------------------------------------------------------------ checking


def _msg(en: str, zh: str, **kw) -> dict:
    return bilingual(Msg(en, zh).format(**kw) if kw else Msg(en, zh))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check(code: str, overrides: object) -> dict:
    """The overrides of ``code`` if the plugin's rules stay valid with them; else 422
    naming each bad entry (``rules.day5.days``) in Chinese and English."""
    if not isinstance(overrides, dict):
        raise Invalid(fields={"rules": [_msg("Give an object: rule code → changes.",
                                             "请提供对象：规则代码 → 修改内容。")]})
    base = plugins.followup_rules(code)
    order = [r.code for r in base.rules]
    errors: dict[str, list[dict]] = {}

    def bad(name: str, en: str, zh: str, **kw) -> None:
        errors.setdefault(name, []).append(_msg(en, zh, **kw))

    clean: dict[str, dict] = {}
    for rule_code, patch in overrides.items():
        where = f"rules.{rule_code}"
        rule = base.rule(rule_code)
        if rule is None:
            bad(where, "The line has no follow-up rule {code}.", "该业务线没有回访规则 {code}。",
                code=rule_code)
            continue
        if not isinstance(patch, dict):
            bad(where, "Give an object of changes.", "请提供修改内容（对象）。")
            continue
        for key in sorted(set(patch) - set(FIELDS)):
            bad(f"{where}.{key}", "This cannot be changed; only {fields}.",
                "不能修改此项；只能修改 {fields}。", fields=", ".join(FIELDS))
        patch = {k: v for k, v in patch.items() if k in FIELDS}
        after = patch.get("after", rule.after)
        least = 1 if after else 0
        for name in ("days", "hours"):
            value = patch.get(name)
            if value is None:
                continue
            if not _is_int(value) or not least <= value <= MAX_OFFSET:
                bad(f"{where}.{name}", "Give a whole number from {least} to {most}.",
                    "请填写 {least} 到 {most} 之间的整数。", least=least, most=MAX_OFFSET)
        if patch.get("days") is not None and patch.get("hours") is not None:
            bad(f"{where}.days", "Give days or hours, not both.", "天数和小时数只能填一个。")
        if "days" in patch and "hours" in patch and patch["days"] is None \
                and patch["hours"] is None:
            bad(f"{where}.days", "Give days or hours.", "请填写天数或小时数。")
        if "at" in patch and (not isinstance(patch["at"], str) or not _TIME.match(patch["at"])):
            bad(f"{where}.at", "Give a time of day as HH:MM (e.g. 10:00).",
                "请按 HH:MM 填写时间（如 10:00）。")
        if "kind" in patch and patch["kind"] != rule.kind:
            if rule.kind not in CHANNELS:
                bad(f"{where}.kind", "This follow-up's kind cannot be changed.",
                    "此回访的方式不能修改。")
            elif patch["kind"] not in CHANNELS:
                bad(f"{where}.kind", "Choose one of: {kinds}.", "请选择：{kinds}。",
                    kinds=", ".join(CHANNELS))
        if after is not None and "after" in patch:
            earlier = base.rule(after) if isinstance(after, str) else None
            if earlier is None or order.index(after) >= order.index(rule_code) \
                    or earlier.anchor != rule.anchor or rule.anchor == "holiday_in_service":
                bad(f"{where}.after", "Count from an earlier follow-up on the same anchor, "
                    "or from the anchor (null).",
                    "只能从同一锚点上更早的一次回访起算，或从锚点起算（null）。")
        clean[rule_code] = patch
    if errors:
        raise Invalid(fields=errors)
    rules = apply(base, clean)
    for rule_code, earlier in out_of_order(rules):
        bad(f"rules.{rule_code}.days", "It waits for {earlier}'s outcome, so it must be due "
            "after {earlier}.", "它要等 {earlier} 的结果，须排在 {earlier} 之后。",
            earlier=earlier)
    if not errors:
        for problem in problems(rules):
            errors.setdefault("rules", []).append(
                {"en": problem, "zh": f"回访规则无效：{problem}"})
    if errors:
        raise Invalid(fields=errors)
    return {k: v for k, v in clean.items() if v}


# -------------------------------------------------------------------------------- saving


@transactional
def save(code: str, overrides: object, version: int, actor_id: int | None,
         reset: bool = False) -> dict:
    """Save ``overrides`` as a new version of the line's cadence if the rules stay valid
    and ``version`` is the one the editor read (else 409); ``{}`` resets to the plugin's
    rules. The previous version stays in the history; the change is audited."""
    known_line(code)
    overrides = check(code, overrides)
    row = _row(code)
    if version != (row.version if row else 0):
        raise Conflict(STALE, code="stale_version")
    before = copy.deepcopy(row.overrides) if row else {}
    if row is None:
        row = FollowupCadence(service_line=code, overrides=overrides, updated_by_id=actor_id,
                              updated_at=utcnow())
        db.session.add(row)
    else:
        row.overrides, row.updated_by_id, row.updated_at = overrides, actor_id, utcnow()
    try:
        db.session.flush()
        db.session.add(FollowupCadenceVersion(service_line=code, version=row.version,
                                              overrides=overrides, saved_by_id=actor_id))
        what = "reset to the plugin's rules" if reset else "saved"
        record("update", "followup_cadence", row.id,
               f"follow-up cadence {code} v{row.version} {what}",
               diff(before, overrides), actor_id=actor_id)
        db.session.flush()  # a lost race shows here; the step commits when it returns
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict(STALE, code="stale_version") from None
    return info(code)


def reset(code: str, version: int, actor_id: int | None) -> dict:
    """Back to the plugin's rules, as a new version (the history keeps the old ones)."""
    return save(code, {}, version, actor_id, reset=True)


def history(code: str) -> list[FollowupCadenceVersion]:
    """Every saved version of a line's cadence, newest first."""
    known_line(code)
    return list(db.session.scalars(
        sa.select(FollowupCadenceVersion).where(FollowupCadenceVersion.service_line == code)
        .order_by(FollowupCadenceVersion.version.desc())))
