"""The application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g, request, session
from flask_smorest import Api

from . import config as config_module
from . import inputs, readcache, security
from . import plugins as plugin_manager
from .access import has_role
from .errors import register_error_handlers
from .extensions import babel, csrf, db, login_manager, migrate
from .followups import hooks as followup_hooks
from .gate import enforce
from .i18n import compile_catalogs, select_locale
from .matching import hooks as matching_hooks
from .openapi import make_api
from .privacy import install_log_scrubber, mask_id_number, mask_mobile
from .routes import AREAS
from .routing import LazyBuilderRule

#: core's own modules implementing hooks like a plugin (the follow-up engine and matching
#: listen to order state changes): registered first, never listed as plugins nor disabled
CORE_LISTENERS = (followup_hooks, matching_hooks)


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
    readcache.install(app)  # watches the engine for committed writes
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

    plugin_manager.init_app(app, listeners=CORE_LISTENERS)
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
    for _area, api_blueprint, page_blueprint in AREAS:
        if api_blueprint is not None:
            api.register_blueprint(api_blueprint)
            csrf.exempt(api_blueprint)
        if page_blueprint is not None:
            app.register_blueprint(page_blueprint)


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _cap_json_body():
        if request.mimetype == "application/json" or request.is_json:
            request.max_content_length = app.config["MAX_JSON_LENGTH"]

    app.before_request(readcache.early_answer)  # a kept answer needs no gate (see there)
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
