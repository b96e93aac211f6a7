"""The WSGI application for a production server: ``gunicorn core.wsgi:app``.

Configuration comes from the environment (see :mod:`core.config`). With
``JIAZHENG_JSON_LOGS=1`` (set by ``jiazheng serve``) every log line is one JSON object.
"""
import os

from . import create_app
from .ops.logs import configure_json_logging

if os.environ.get("JIAZHENG_JSON_LOGS") == "1":
    configure_json_logging()

app = create_app()
