"""The application factory."""
from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
from pathlib import Path

from flask import Flask, g, request, session
from flask_smorest import Api

from . import config as config_module
from . import inputs, security
from . import plugins as plugin_manager
from .access import has_role
from .errors import register_error_handlers
from .extensions import babel, csrf, db, login_manager, migrate
from .gate import enforce
from .i18n import compile_catalogs, select_locale
from .openapi import make_api
from .privacy import install_log_scrubber, mask_id_number, mask_mobile
from .routing import LazyBuilderRule

#: Core business areas, each a package that may hold ``api.py`` (``blp``, a flask-smorest
#: Blueprint) and ``views.py`` (``bp``, a Flask Blueprint of pages); an area whose routes
#: go on in ``api_*.py`` / ``views_*.py`` makes its blueprints in ``blueprint.py``.
CORE_AREAS = ("accounts", "servicelines", "audit", "customers", "workers", "orders", "pricing",
              "cadences",
              "appointments", "trainees", "partners", "followups", "matching", "quality",
              "reports", "workcalendar", "complaints", "placement", "surveys", "web")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults → env/instance → test override → extensions → plugins →
    core blueprints → plugin blueprints → error handlers."""
    install_log_scrubber()
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "JIAZHENG_INSTANCE_PATH") or str(Path.cwd() / "instance")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.url_rule_class = LazyBuilderRule  # URL builders compiled on first use
    app.json = inputs.StrictJSONProvider(app)
    app.config.from_object(config_module.Defaults)
    if test_config is None:
        app.config.update(config_module.from_environment(app.instance_path))
    else:
        if "SECRET_KEY" not in test_config:
            app.config["SECRET_KEY"] = config_module.from_environment(app.instance_path)[
                "SECRET_KEY"]
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _wait_for_sqlite_writers(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    csrf.init_app(app)
    compile_catalogs()
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    api = make_api(app)  # the envelope, each operation's errors, money as strings
    app.extensions["jiazheng.api"] = api
    inputs.install_converter(app, api)

    plugin_manager.init_app(app)
    _register_core_areas(app, api)
    from .matching import profiles

    profiles.install()
    from . import ops

    ops.install(app)  # first before-request hook: the request id exists for what follows
    register_error_handlers(app)
    _register_request_hooks(app)
    _register_template_helpers(app)
    if app.config.get("PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def _wait_for_sqlite_writers(app: Flask) -> None:
    """On SQLite, writers take turns on one database lock (order numbers are bumped under
    it): let a request wait up to SQLITE_BUSY_TIMEOUT seconds for its turn, instead of
    pysqlite's 5, so a busy desk on a loaded machine queues rather than fails."""
    if str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", app.config["SQLITE_BUSY_TIMEOUT"])
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _register_core_areas(app: Flask, api: Api) -> None:
    for area in CORE_AREAS:
        for part, attr in (("api", "blp"), ("views", "bp")):
            name = f"{__package__}.{area}.{part}"
            if importlib.util.find_spec(f"{__package__}.{area}") is None or \
                    importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            # an area's routes may go on in ``api_*.py`` / ``views_*.py`` on the same
            # blueprint (made in its ``blueprint.py``): imported here, after the main module
            # and before registering, so that none of them imports another (no circles)
            for sibling in _route_modules(f"{__package__}.{area}", part):
                importlib.import_module(sibling)
            blueprint = getattr(module, attr)
            if part == "api":
                api.register_blueprint(blueprint)
                csrf.exempt(blueprint)
            else:
                app.register_blueprint(blueprint)


def _route_modules(package: str, part: str) -> list[str]:
    """The ``<part>_*`` modules of an area package, by name (``views_actions``,
    ``views_sheets``…)."""
    path = importlib.import_module(package).__path__
    return [f"{package}.{info.name}" for info in sorted(pkgutil.iter_modules(path),
                                                         key=lambda info: info.name)
            if info.name.startswith(f"{part}_") and not info.ispkg]


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _cap_json_body():
        if request.mimetype == "application/json" or request.is_json:
            request.max_content_length = app.config["MAX_JSON_LENGTH"]

    app.before_request(enforce)
    from .customers.guard import guard

    app.before_request(guard)

    security.install(app)

    @login_manager.user_loader
    def _load_user(user_id: str):
        from .accounts.models import User
        from .accounts.service import session_is_current
        from .accounts.views import SESSION_GENERATION

        user = db.session.get(User, int(user_id))
        if user is None or not session_is_current(user, session.get(SESSION_GENERATION)):
            return None  # logged out elsewhere, password/role changed, or deactivated
        return user


def _register_template_helpers(app: Flask) -> None:
    from .plugins import service_lines

    @app.context_processor
    def _helpers():
        return {
            "has_role": has_role,
            "principal": g.get("principal"),
            "lang": select_locale(),
            "service_lines": service_lines(),
            "mask_id_number": mask_id_number,
            "mask_mobile": mask_mobile,
            "request": request,
            "session": session,
            "current_endpoints": app.view_functions,
        }
