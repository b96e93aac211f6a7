"""Appointments: the area's two blueprints, made here and only here.

The pages (``bp``) are spread over ``views.py`` and ``views_*.py``, the API (``blp``) over
``api.py`` and ``api_*.py``; each of those modules imports its blueprint from this one and
none imports another to attach its routes — :mod:`core.routes` imports them all by
name, so no file imports back the file importing it.
"""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

blp = ApiBlueprint("appointments_api", __name__, url_prefix="/api/v1",
                   description="Appointments: visits (上门) with tool kits and payments, "
                               "massage sessions (推拿), interviews (面试)")

bp = Blueprint("appointments", __name__, url_prefix="/appointments")
