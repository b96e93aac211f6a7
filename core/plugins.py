"""The plugin manager of an app, and the typed facades the rest of core calls.

One manager per app, kept in ``app.extensions["jiazheng.plugins"]`` (never a module
global), so every test app gets its own. Plugins arrive through the entry-point
group ``jiazheng.plugins`` — the four shipped service lines included — minus those
named in ``JIAZHENG_DISABLED_PLUGINS``.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from types import ModuleType

import pluggy
from flask import Flask, current_app

from . import hookspecs
from .types import CORE_CREDENTIAL_KINDS, CredentialKind, ServiceLine

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


def build_plugin_manager(disabled: tuple[str, ...] = (),
                         extra: list[tuple[str, object]] | None = None) -> PluginRegistry:
    """Load plugins from entry points (and ``extra`` (name, object) pairs) and check them."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    infos: dict[str, PluginInfo] = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in disabled:
            continue
        if ep.name in infos:
            raise PluginError(f"two plugins are named {ep.name!r} (entry point {ep.value})")
        plugin = ep.load()
        pm.register(plugin, name=ep.name)
        infos[ep.name] = PluginInfo(ep.name, _version_of(plugin, ep.dist),
                                    ep.dist.name if ep.dist else None)
    for name, plugin in extra or []:
        if name in disabled:
            continue
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
            if line.code in owners:
                raise PluginError(
                    f"service line {line.code!r} is registered by two plugins: "
                    f"{owners[line.code]!r} and {impl.plugin_name!r}; disable one with "
                    "JIAZHENG_DISABLED_PLUGINS")
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
    return PluginRegistry(pm, infos, lines, owners, kinds)


def init_app(app: Flask, extra: list[tuple[str, object]] | None = None) -> PluginRegistry:
    """Build this app's plugin manager from its config and keep it on the app."""
    registry = build_plugin_manager(tuple(app.config.get("DISABLED_PLUGINS", ())),
                                    extra or app.config.get("EXTRA_PLUGINS"))
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
