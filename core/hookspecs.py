"""THE plugin contract of Jiazheng: every hook a service-line plugin may implement.

Conventions (see docs/plugins.md for the author's guide with examples):

- ``register_*`` hooks return objects to add; results of all plugins are collected.
- ``get_*`` hooks ask the one plugin that owns a service line; core collects the
  answers and raises a clear error on none or several (never ``firstresult``).
- ``*_changed`` / ``*_created`` hooks are broadcasts; their return values are ignored.

Hooks are always called with keyword arguments, only from the facade functions in
:mod:`core.plugins`. Plugins refuse by raising a typed core exception, never by
returning a sentinel.
"""
from __future__ import annotations

import pluggy

from .types import ServiceLine

PROJECT = "jiazheng"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


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
