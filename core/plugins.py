"""The plugin manager of an app, and the typed facades the rest of core calls.

One manager per app, kept in ``app.extensions["jiazheng.plugins"]`` (never a module
global), so every test app gets its own. Plugins arrive through the entry-point
group ``jiazheng.plugins`` — the four shipped service lines included — minus those
named in ``JIAZHENG_DISABLED_PLUGINS``.
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType

import pluggy
from flask import Flask, current_app
from marshmallow import Schema

from . import hookspecs
from .errors import Invalid, NotFound
from .messages import Msg
from .servicelines.base import ServiceLine
from .types import (
    CORE_CREDENTIAL_KINDS,
    CredentialKind,
    OrderPolicy,
    Quote,
    SessionPackage,
    VisitSlot,
)

ENTRY_POINT_GROUP = "jiazheng.plugins"
EXTENSION_KEY = "jiazheng.plugins"


class PluginError(RuntimeError):
    """A plugin set that cannot start: a conflict, an unknown hook, a bad answer."""


@dataclass(frozen=True)
class PluginInfo:
    """A loaded plugin: its name, version and the distribution that shipped it."""

    name: str
    version: str
    distribution: str | None


@dataclass
class PluginRegistry:
    """What the loaded plugins provide, resolved once at start-up."""

    pm: pluggy.PluginManager
    plugins: dict[str, PluginInfo]
    service_lines: dict[str, ServiceLine]
    owners: dict[str, str]  # service-line code -> plugin name
    credential_kinds: dict[str, CredentialKind]


def _version_of(plugin: object, dist: metadata.Distribution | None) -> str:
    module_version = None
    package = getattr(plugin, "__package__", None)
    if package:
        try:
            module_version = getattr(__import__(package, fromlist=["_"]), "__version__", None)
        except ImportError:
            module_version = None
    version = module_version or getattr(plugin, "__version__", None)
    if version:
        return str(version)
    return dist.version if dist else "unknown"


def contract_of(plugin: object) -> str | None:
    """The plugin contract a plugin says it is written for (``JIAZHENG_CONTRACT``)."""
    declared = getattr(plugin, "JIAZHENG_CONTRACT", None)
    return None if declared is None else str(declared)


def _check_contract(name: str, plugin: object) -> None:
    """Refuse a plugin written for another major version of the plugin contract."""
    declared = contract_of(plugin)
    if declared is None:
        return  # taken as written for this version
    major, _, minor = declared.partition(".")
    if not (major.isdigit() and (not minor or minor.isdigit())):
        raise PluginError(f"plugin {name!r} declares JIAZHENG_CONTRACT = {declared!r}, not a "
                          "version like \"2.0\"")
    if int(major) != hookspecs.CONTRACT_MAJOR:
        raise PluginError(
            f"plugin {name!r} is written for plugin contract {declared}, but this Jiazheng "
            f"implements contract {hookspecs.CONTRACT_VERSION}: a plugin loads only with "
            f"the same major version; upgrade the plugin to contract "
            f"{hookspecs.CONTRACT_MAJOR}.x (see docs/plugins.md) or disable it with "
            "JIAZHENG_DISABLED_PLUGINS")


def build_plugin_manager(disabled: tuple[str, ...] = (),
                         extra: list[tuple[str, object]] | None = None,
                         listeners: Sequence[ModuleType] = ()) -> PluginRegistry:
    """Load plugins from entry points (and ``extra`` (name, object) pairs) and check them.

    ``listeners`` are core's own modules implementing hooks like a plugin (the follow-up
    engine listens to ``handle_order_state_change``): registered first, never listed as
    plugins nor disabled. The app factory passes them (``core.app.CORE_LISTENERS``)."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for module in listeners:
        pm.register(module, name=module.__name__)
    infos: dict[str, PluginInfo] = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in disabled:
            continue
        if ep.name in infos:
            raise PluginError(f"two plugins are named {ep.name!r} (entry point {ep.value})")
        plugin = ep.load()
        _check_contract(ep.name, plugin)
        pm.register(plugin, name=ep.name)
        infos[ep.name] = PluginInfo(ep.name, _version_of(plugin, ep.dist),
                                    ep.dist.name if ep.dist else None)
    for name, plugin in extra or []:
        if name in disabled:
            continue
        _check_contract(name, plugin)
        pm.register(plugin, name=name)
        infos[name] = PluginInfo(name, _version_of(plugin, None), None)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin)
        unknown = sorted(c.name for c in pm.get_hookcallers(exc.plugin) or [] if not c.has_spec())
        raise PluginError(f"plugin {name!r} implements unknown hooks {unknown}: misspelled, or "
                          "not hooks of this version of Jiazheng (see docs/plugins.md)") from exc
    return _resolve(pm, infos)


def _resolve(pm: pluggy.PluginManager, infos: dict[str, PluginInfo]) -> PluginRegistry:
    lines: dict[str, ServiceLine] = {}
    owners: dict[str, str] = {}
    kinds: dict[str, CredentialKind] = {k.code: k for k in CORE_CREDENTIAL_KINDS}
    kind_owner: dict[str, str] = {k.code: "core" for k in CORE_CREDENTIAL_KINDS}
    for impl in pm.hook.register_service_lines.get_hookimpls():
        for line in impl.function() or []:
            if not isinstance(line, ServiceLine):
                raise PluginError(f"plugin {impl.plugin_name!r} returned {line!r}, "
                                  "not a ServiceLine, from register_service_lines")
            if not line.code:
                raise PluginError(f"plugin {impl.plugin_name!r} returned a ServiceLine "
                                  f"without a code ({type(line).__name__})")
            if line.code in owners:
                raise PluginError(
                    f"service line {line.code!r} is registered by two plugins: "
                    f"{owners[line.code]!r} and {impl.plugin_name!r}; disable one with "
                    "JIAZHENG_DISABLED_PLUGINS")
            if type(line) is ServiceLine:  # answers come from the per-line hooks of contract 1
                line = LegacyServiceLine(line, pm, impl.plugin_name)
            lines[line.code] = line
            owners[line.code] = impl.plugin_name
            for kind in line.credential_kinds:
                if kind.code in kinds and kinds[kind.code] != kind:
                    raise PluginError(
                        f"credential kind {kind.code!r} is defined differently by "
                        f"{kind_owner[kind.code]!r} and {impl.plugin_name!r}")
                kinds[kind.code] = kind
                kind_owner.setdefault(kind.code, impl.plugin_name)
    for line in lines.values():
        missing = [c for c in line.required_credentials if c not in kinds]
        if missing:
            raise PluginError(f"service line {line.code!r} of plugin {owners[line.code]!r} "
                              f"requires unknown credential kinds {missing}")
    _check_intake_and_pricing(pm, lines, owners)
    _check_followups(pm, lines, owners)
    _check_questionnaires(pm, lines, owners)
    _check_order_policies(pm, lines, owners)
    return PluginRegistry(pm, infos, lines, owners, kinds)


# ------------------------------------------------- the per-line hooks of contract 1 (legacy)

#: hooks of contract 1 that asked "is this line mine?"; a line now answers them itself
LEGACY_OWNED_HOOKS = ("get_intake_schema", "get_price_table", "validate_price_table",
                      "get_quote", "get_order_policy", "plan_visits", "get_session_package",
                      "get_followup_rules", "get_survey_questionnaire")


def _answers(pm: pluggy.PluginManager, hook: str, **kwargs) -> list[tuple[str, object]]:
    """(plugin name, answer) of every plugin answering ``hook`` with non-None, one by one."""
    out = []
    for impl in getattr(pm.hook, hook).get_hookimpls():
        if impl.hookwrapper or impl.wrapper:
            continue
        answer = impl.function(*[kwargs[name] for name in impl.argnames])
        if answer is not None:
            out.append((impl.plugin_name, answer))
    return out


def _refuse_strangers(pm: pluggy.PluginManager, hook: str, code: str, owner: str,
                      **kwargs) -> list[tuple[str, object]]:
    """The answers to a per-line hook of contract 1 for ``code``; any plugin other than
    the line's owner answering it is refused."""
    answers = _answers(pm, hook, service_line=code, **kwargs)
    for name, _answer in answers:
        if name != owner:
            raise PluginError(f"plugin {name!r} answers {hook} for service line {code!r}, "
                              f"which plugin {owner!r} owns; only the owner may answer")
    return answers


class LegacyServiceLine(ServiceLine):
    """A plain :class:`ServiceLine` record whose plugin answers through the per-line hooks
    of contract 1 (``get_intake_schema``, ``get_quote`` …, deprecated): each method asks
    the owner's hook, as core did before lines were objects."""

    def __init__(self, record: ServiceLine, pm: pluggy.PluginManager, owner: str) -> None:
        for name in ("code", "name_zh", "name_en", "description_zh", "description_en",
                     "required_credentials", "credential_kinds", "job_words"):
            setattr(self, name, getattr(record, name))
        self._pm, self._owner = pm, owner

    def _one(self, hook: str, **kwargs):
        answers = _refuse_strangers(self._pm, hook, self.code, self._owner, **kwargs)
        if len(answers) != 1:
            raise PluginError(f"plugin {self._owner!r} owns service line {self.code!r} but "
                              f"gives {len(answers)} answers to {hook}; it must give "
                              "exactly one")
        return answers[0][1]

    def _optional(self, hook: str, **kwargs):
        answers = _refuse_strangers(self._pm, hook, self.code, self._owner, **kwargs)
        if len(answers) > 1:
            raise PluginError(f"plugin {self._owner!r} gives {len(answers)} answers to "
                              f"{hook} for {self.code!r}; it must give one")
        return answers[0][1] if answers else None

    @property
    def intake_schema(self):  # type: ignore[override]
        return self._one("get_intake_schema")

    def default_price_table(self) -> dict:
        return self._one("get_price_table")

    def check_price_table(self, table: object) -> dict:
        self._one("validate_price_table", table=table)
        return table  # type: ignore[return-value]  # contract 1 quoted from the raw table

    def quote(self, intake: dict, price_table: dict) -> Quote:
        quoters = {impl.plugin_name for impl in self._pm.hook.get_quote.get_hookimpls()}
        if self._owner not in quoters:
            raise PluginError(f"plugin {self._owner!r} owns service line {self.code!r} but "
                              "does not implement get_quote")
        return self._call_all("get_quote", intake=intake, price_table=price_table)

    def _call_all(self, hook: str, **kwargs):
        results = [r for r in getattr(self._pm.hook, hook)(service_line=self.code, **kwargs)
                   if r is not None]
        if len(results) == 1:
            return results[0]
        names = [name for name, _ in _answers(self._pm, hook, service_line=self.code,
                                              **kwargs)]
        raise PluginError(f"{len(results)} plugins {names} answer {hook} for service line "
                          f"{self.code!r}; exactly one, its owner {self._owner!r}, must")

    def order_policy(self, price_table: dict) -> OrderPolicy:
        answer = self._optional("get_order_policy", price_table=price_table)
        return OrderPolicy() if answer is None else answer

    def plan_visits(self, intake: dict) -> list[VisitSlot] | None:
        return self._optional("plan_visits", intake=intake)

    def session_package(self, intake: dict) -> SessionPackage | None:
        return self._optional("get_session_package", intake=intake)

    def get_followup_rules(self):
        from .followups.rules import FollowupRules

        answer = self._optional("get_followup_rules")
        return FollowupRules() if answer is None else answer

    def get_questionnaire(self):
        return self._optional("get_survey_questionnaire")


def _refuse_new(pm: pluggy.PluginManager, hook: str, code: str, owner: str,
                kwargs: dict) -> None:
    """Refuse any answer to a per-line hook of contract 1 for a line that is an object of
    contract 2 (such a line answers for itself, so an answer is a stranger's)."""
    answers = _answers(pm, hook, service_line=code, **kwargs)
    for name, _answer in answers:
        raise PluginError(f"plugin {name!r} answers {hook} for service line {code!r}, "
                          f"which plugin {owner!r} owns; only the owner may answer")


# ----------------------------------------------------------------------- start-up checks


def _check_intake_and_pricing(pm: pluggy.PluginManager, lines: dict[str, ServiceLine],
                              owners: dict[str, str]) -> None:
    """At start-up: each line has one intake schema, one valid default price table, and
    can quote."""
    from .forms import IntakeSchema

    for code, owner in owners.items():
        line = lines[code]
        if not isinstance(line, LegacyServiceLine):
            for hook in ("get_intake_schema", "get_price_table"):
                _refuse_new(pm, hook, code, owner, {})
        schema = line.intake_schema
        if not (isinstance(schema, type) and issubclass(schema, IntakeSchema)):
            raise PluginError(f"plugin {owner!r} returned {schema!r} from get_intake_schema "
                              f"for {code!r}, not a core.forms.IntakeSchema subclass")
        table = line.default_price_table()
        if not isinstance(table, dict):
            raise PluginError(f"plugin {owner!r} returned {type(table).__name__} from "
                              f"get_price_table for {code!r}, not a dict")
        try:
            line.check_price_table(copy.deepcopy(table))
        except Invalid as exc:
            raise PluginError(f"the default price table of service line {code!r} (plugin "
                              f"{owner!r}) is malformed: {exc.fields}") from exc
        if isinstance(line, LegacyServiceLine):
            quoters = {impl.plugin_name for impl in pm.hook.get_quote.get_hookimpls()}
            if owner not in quoters:
                raise PluginError(f"plugin {owner!r} owns service line {code!r} but does "
                                  "not implement get_quote")
        elif type(line).quote is ServiceLine.quote:
            raise PluginError(f"plugin {owner!r} owns service line {code!r} but its "
                              f"{type(line).__name__} does not implement quote")


def _check_order_policies(pm: pluggy.PluginManager, lines: dict[str, ServiceLine],
                          owners: dict[str, str]) -> None:
    """At start-up: only a line's owner answers ``get_order_policy``, with an OrderPolicy."""
    for code, owner in owners.items():
        line = lines[code]
        table = line.default_price_table()
        if not isinstance(line, LegacyServiceLine):
            _refuse_new(pm, "get_order_policy", code, owner, {"price_table": table})
        answer = line.order_policy(table)
        if not isinstance(answer, OrderPolicy):
            raise PluginError(f"plugin {owner!r} returned {answer!r} from get_order_policy "
                              f"for {code!r}, not a core.types.OrderPolicy")


def init_app(app: Flask, extra: list[tuple[str, object]] | None = None,
             listeners: Sequence[ModuleType] = ()) -> PluginRegistry:
    """Build this app's plugin manager from its config (with core's ``listeners``) and
    keep it on the app."""
    registry = build_plugin_manager(tuple(app.config.get("DISABLED_PLUGINS", ())),
                                    extra or app.config.get("EXTRA_PLUGINS"), listeners)
    app.extensions[EXTENSION_KEY] = registry
    return registry


def registry(app: Flask | None = None) -> PluginRegistry:
    """The plugin registry of the current (or given) app."""
    return (app or current_app).extensions[EXTENSION_KEY]


# ------------------------------------------------------------------------------ facades


def service_lines() -> dict[str, ServiceLine]:
    """Loaded service lines by code, in registration order."""
    return registry().service_lines


def service_line(code: str) -> ServiceLine | None:
    """One service line by code, or None when no loaded plugin owns it."""
    return registry().service_lines.get(code)


def credential_kinds() -> dict[str, CredentialKind]:
    """Every credential kind known: core's plus those the service lines introduce."""
    return registry().credential_kinds


def plugin_of(code: str) -> str:
    """Name of the plugin that owns a service line."""
    return registry().owners[code]


def describe_plugins() -> list[dict]:
    """Loaded plugins with versions and the service lines each owns."""
    reg = registry()
    out = []
    for name, info in reg.plugins.items():
        out.append({
            "name": name,
            "version": info.version,
            "distribution": info.distribution,
            "service_lines": [reg.service_lines[c] for c, o in reg.owners.items() if o == name],
        })
    return out


def plugin_module(name: str) -> ModuleType | object:
    """The registered plugin object by name (for diagnostics)."""
    return registry().pm.get_plugin(name)


def line_of(code: str) -> ServiceLine:
    """The service line object of ``code``; unknown line → bilingual NotFound."""
    line = registry().service_lines.get(code)
    if line is None:
        raise NotFound(Msg("There is no service line {code!r}.",
                           "没有业务线 {code!r}。").format(code=code))
    return line


def _own(code: str, hook: str, **kwargs) -> ServiceLine:
    """The line of ``code``, after refusing any plugin that still answers the per-line
    hook ``hook`` of contract 1 for it without owning it."""
    line = line_of(code)
    if not isinstance(line, LegacyServiceLine):
        reg = registry()
        _refuse_new(reg.pm, hook, code, reg.owners[code], kwargs)
    return line


def intake_schema(code: str) -> type[Schema]:
    """The intake schema class of a service line (instantiate with ``today=`` to check
    date rules against the business date)."""
    return _own(code, "get_intake_schema").intake_schema


def default_price_table(code: str) -> dict:
    """A fresh copy of the default price table (价目表) a service line ships."""
    return copy.deepcopy(_own(code, "get_price_table").default_price_table())


def check_price_table(code: str, table: dict) -> bool:
    """True when ``table`` is a well-formed price table of the line; raises
    :class:`core.errors.Invalid` naming the malformed entries otherwise."""
    _own(code, "validate_price_table", table=table).check_price_table(table)
    return True


def quote(code: str, intake: dict, price_table: dict | None = None) -> Quote:
    """The price (报价) of a loaded intake, from ``price_table`` (the line's default table
    when None); raises :class:`core.errors.Invalid` when the table cannot price it."""
    table = default_price_table(code) if price_table is None else price_table
    line = _own(code, "get_quote", intake=intake, price_table=table)
    answer = line.quote(intake, line.check_price_table(table))
    if not isinstance(answer, Quote) or answer.service_line != code:
        raise PluginError(f"plugin {plugin_of(code)!r} returned {answer!r} from get_quote "
                          f"for {code!r}, not a Quote of that line")
    return answer


def order_policy(code: str, price_table: dict | None = None) -> OrderPolicy:
    """How orders of a service line move (interview? contract? standard terms?) under
    ``price_table`` (the line's default table when None); the default policy when the
    line gives none. Unknown line → NotFound."""
    line_of(code)
    table = default_price_table(code) if price_table is None else price_table
    return _own(code, "get_order_policy", price_table=table).order_policy(table)


def notify_order_state_changed(order_id: int, service_line: str, from_state: str,
                               to_state: str) -> None:
    """Tell every plugin that an order changed state (broadcast, inside the transaction)."""
    hook = registry().pm.hook
    for broadcast in (hook.handle_order_state_change, hook.order_state_changed):
        broadcast(order_id=order_id, service_line=service_line, from_state=from_state,
                  to_state=to_state)


def notify_order_period_changed(order_id: int, service_line: str, previous_start,
                                previous_end, start_date, end_date) -> None:
    """Tell every plugin that an order's service period moved (broadcast, inside the
    transaction)."""
    hook = registry().pm.hook
    for broadcast in (hook.handle_order_period_change, hook.order_period_changed):
        broadcast(order_id=order_id, service_line=service_line,
                  previous_start=previous_start, previous_end=previous_end,
                  start_date=start_date, end_date=end_date)


# -------------------------------------------------------------------------- appointments


def plan_visits(code: str, intake: dict) -> list[VisitSlot] | None:
    """The visits (上门) an order of a service line needs for a loaded intake, or None when
    the line plans no visits (e.g. 月嫂 orders are served live-in)."""
    answer = _own(code, "plan_visits", intake=intake).plan_visits(intake)
    if answer is None:
        return None
    if not isinstance(answer, (list, tuple)) or not all(
            isinstance(slot, VisitSlot) for slot in answer):
        raise PluginError(f"plugin {plugin_of(code)!r} returned {answer!r} from plan_visits "
                          f"for {code!r}, not a list of core.VisitSlot")
    return list(answer)


def session_package(code: str, intake: dict) -> SessionPackage | None:
    """What a customer bought of a line sold in sessions (小儿推拿: a single session or a
    package of N), or None when the line's orders are not served in sessions."""
    answer = _own(code, "get_session_package", intake=intake).session_package(intake)
    if answer is not None and not isinstance(answer, SessionPackage):
        raise PluginError(f"plugin {plugin_of(code)!r} returned {answer!r} from "
                          f"get_session_package for {code!r}, not a core.SessionPackage")
    return answer


# ---------------------------------------------------------------------------- follow-ups


def _check_followups(pm: pluggy.PluginManager, lines: dict[str, ServiceLine],
                     owners: dict[str, str]) -> None:
    """At start-up: follow-up rules come only from a line's owner and are valid; channel
    codes are unique."""
    for code, owner in owners.items():
        _followup_rules_of(pm, lines[code], owner)
    _channels_of(pm)


def _followup_rules_of(pm: pluggy.PluginManager, line: ServiceLine, owner: str):
    from .followups.rules import RuleError, check

    if not isinstance(line, LegacyServiceLine):
        _refuse_new(pm, "get_followup_rules", line.code, owner, {})
    try:
        return check(line.get_followup_rules(), owner)
    except RuleError as exc:
        raise PluginError(f"service line {line.code!r}: {exc}") from None


def _channels_of(pm: pluggy.PluginManager) -> dict:
    from .followups.channels import NotificationChannel

    found: dict = {}
    owner_of: dict[str, str] = {}
    for impl in pm.hook.register_notification_channels.get_hookimpls():
        for channel in impl.function() or []:
            if not isinstance(channel, NotificationChannel) or not channel.code:
                raise PluginError(f"plugin {impl.plugin_name!r} returned {channel!r} from "
                                  "register_notification_channels, not a NotificationChannel "
                                  "with a code")
            if channel.code in found:
                raise PluginError(f"notification channel {channel.code!r} is registered by "
                                  f"{owner_of[channel.code]!r} and {impl.plugin_name!r}")
            found[channel.code], owner_of[channel.code] = channel, impl.plugin_name
    return found


def followup_rules(code: str):
    """The follow-up rules (回访规则) of a service line (:class:`core.FollowupRules`),
    checked; empty rules for a line that gives none; unknown line → NotFound."""
    line = line_of(code)
    reg = registry()
    return _followup_rules_of(reg.pm, line, reg.owners[code])


def notification_channels() -> dict:
    """Every notification channel by code: core's in-app channel and the plugins'."""
    return _channels_of(registry().pm)


# ------------------------------------------------------------------------------ surveys


def _check_questionnaires(pm: pluggy.PluginManager, lines: dict[str, ServiceLine],
                          owners: dict[str, str]) -> None:
    """At start-up: a line's questionnaire comes only from its owner and is valid."""
    for code, owner in owners.items():
        _questionnaire_of(pm, lines[code], owner)


def _questionnaire_of(pm: pluggy.PluginManager, line: ServiceLine, owner: str):
    from .surveys.questionnaire import DEFAULT, QuestionnaireError, check

    if not isinstance(line, LegacyServiceLine):
        _refuse_new(pm, "get_survey_questionnaire", line.code, owner, {})
    answer = line.get_questionnaire()
    if answer is None:
        return DEFAULT
    try:
        return check(answer, owner)
    except QuestionnaireError as exc:
        raise PluginError(f"service line {line.code!r}: {exc}") from None


def survey_questionnaire(code: str):
    """The satisfaction questionnaire (:class:`core.Questionnaire`) of a service line,
    checked; core's default for a line that gives none; unknown line → NotFound."""
    line = line_of(code)
    reg = registry()
    return _questionnaire_of(reg.pm, line, reg.owners[code])


# ------------------------------------------------------------------------------ matching


def matching_rules(code: str) -> list:
    """Hard rules for orders of line ``code``: the line's own, then those any plugin adds
    through ``register_matching_rules``."""
    line = registry().service_lines.get(code)
    own = line.get_matching_rules() if line is not None else []
    return own + [rule for _name, answer in _answers(registry().pm, "register_matching_rules",
                                                     service_line=code)
                  for rule in (answer or ())]


def score_parts(code: str) -> list:
    """Score parts for orders of line ``code``: the line's own, then those any plugin
    adds through ``register_score_parts``."""
    line = registry().service_lines.get(code)
    own = line.get_score_parts() if line is not None else []
    return own + [part for _name, answer in _answers(registry().pm, "register_score_parts",
                                                     service_line=code)
                  for part in (answer or ())]
