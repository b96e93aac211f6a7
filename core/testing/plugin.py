"""The kit's pytest plugin (entry point ``pytest11``: ``jiazheng = core.testing.plugin``),
active in any test run of an environment where Jiazheng is installed.

Fixtures (named ``jz_…`` so they never clash with a project's own):

- ``jz_app``: a Flask app (``core.create_app``) on a throwaway database whose schema is
  made by core's migrations (then ``create_all`` for a plugin's own tables): SQLite
  under the test's ``tmp_path`` (a copy of a template migrated once per run), or, with
  ``JIAZHENG_TEST_DATABASE_URL=postgresql://…``, a database created for the run on that
  server, emptied after each test. It loads core plus the plugins of ``jz_plugins``.
- ``jz_plugins``: which plugins the app loads. By default every plugin installed in the
  environment (the ``jiazheng.plugins`` entry points); narrowed by the ini option
  ``jiazheng_plugins`` (entry-point names, e.g. ``jiazheng_plugins = my_line``) or,
  per test or module, the marker ``@pytest.mark.jiazheng_plugins("my_line", hooks)``.
  An entry is an entry-point name, a plugin object (module of ``@hookimpl`` functions)
  or a ``(name, object)`` pair; an object not installed is registered as an extra plugin
  (a plugin tested from source). Override the fixture to decide otherwise.
- ``jz_app_config``: extra config of the app (a dict; override the fixture).
- ``jz_client``: ``jz_client("dispatcher")`` → an API client logged in with a bearer
  token as a user of that role (``get/post/patch/put/delete(url, json=...)``).
- ``jz_make``: factories (:class:`core.testing.factories.Factories`):
  ``jz_make.customer(**kw)``, ``jz_make.worker(line, **kw)``,
  ``jz_make.order(line, intake=None, **kw)``, ``jz_make.move(order_id, to_state, **dates)``,
  ``jz_make.into_service(order_id, start_date=None)``.
"""
from __future__ import annotations

from importlib import metadata

import pytest

from .apps import (
    ApiClient,
    apps_made,
    close_app,
    empty_database,
    make_test_app,
    make_user,
    throwaway_database,
    token_for,
)

MARKER = "jiazheng_plugins"


def pytest_addoption(parser) -> None:
    parser.addini(MARKER, "entry-point names of the Jiazheng plugins jz_app loads "
                  "(default: every installed one)", type="linelist", default=[])


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(*plugins): the Jiazheng plugins jz_app loads in this test "
        "(entry-point names, plugin objects or (name, object) pairs)")


def installed_plugins() -> dict[str, str]:
    """Entry-point name → module path of every installed Jiazheng plugin."""
    from ..plugins import ENTRY_POINT_GROUP

    return {ep.name: ep.value for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def plugin_config(plugins) -> dict:
    """The app config loading core plus exactly ``plugins`` (None: every installed one):
    ``DISABLED_PLUGINS`` for the installed ones not named, ``EXTRA_PLUGINS`` for objects
    not installed."""
    if plugins is None:
        return {}
    installed = installed_plugins()
    keep, extra = set(), []
    for entry in plugins:
        if isinstance(entry, str):
            if entry not in installed:
                raise pytest.UsageError(
                    f"{MARKER}: no installed Jiazheng plugin is named {entry!r} (installed: "
                    f"{', '.join(sorted(installed)) or 'none'}); pip install it, or name its "
                    "hooks module object instead")
            keep.add(entry)
            continue
        name, obj = entry if isinstance(entry, tuple) else (None, entry)
        module = getattr(obj, "__name__", None)
        found = [n for n, value in installed.items() if module and value == module]
        if found:
            keep.add(found[0])
        else:
            extra.append((name or (module or type(obj).__name__).split(".")[0], obj))
    return {"DISABLED_PLUGINS": tuple(sorted(set(installed) - keep)), "EXTRA_PLUGINS": extra}


@pytest.fixture
def jz_plugins(request):
    """The plugins ``jz_app`` loads (see the module docstring); None: all installed."""
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        return list(marker.args)
    named = request.config.getini(MARKER)
    return list(named) if named else None


@pytest.fixture
def jz_app_config():
    """Extra config for ``jz_app`` (override to set e.g. ``MATCHING_WEIGHTS``)."""
    return {}


@pytest.fixture(scope="session")
def jz_database_url():
    """None (SQLite per test) or the URL of a PostgreSQL database made for this run."""
    with throwaway_database() as url:
        yield url


@pytest.fixture
def jz_app(tmp_path, jz_database_url, jz_plugins, jz_app_config):
    """A Jiazheng app on a throwaway migrated database, with core plus ``jz_plugins``."""
    config = {**plugin_config(jz_plugins), **jz_app_config}
    app = make_test_app(tmp_path / "jz", jz_database_url, migrated=True, **config)
    yield app
    if app in apps_made:  # closed here, not by whoever closes the apps a test made
        apps_made.remove(app)
    if jz_database_url:
        empty_database(app)
    else:
        close_app(app)


@pytest.fixture
def jz_client(jz_app):
    """``jz_client(role="dispatcher")`` → an :class:`~core.testing.apps.ApiClient`
    logged in (bearer token) as a user of that role, one user per role."""
    tokens: dict[str, str] = {}

    def login(role: str = "dispatcher") -> ApiClient:
        if role not in tokens:
            username = f"jz-{role}"
            make_user(jz_app, role, username)
            tokens[role] = token_for(jz_app, username)
        return ApiClient(jz_app, tokens[role])

    return login


@pytest.fixture
def jz_make(jz_app):
    """Factories of customers, workers and orders in ``jz_app`` (see
    :class:`core.testing.factories.Factories`)."""
    from .factories import Factories

    return Factories(jz_app)
