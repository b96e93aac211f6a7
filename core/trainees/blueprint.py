"""Trainees (学员): the area's two blueprints, made here and only here.

The pages (``bp``) are spread over ``views.py`` and ``views_*.py``, the API (``blp``) over
``api.py`` and ``api_*.py``; each of those modules imports its blueprint from this one and
none imports another to attach its routes — :mod:`core.routes` imports them all by
name, so no file imports back the file importing it.
"""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

blp = ApiBlueprint("trainees_api", __name__, url_prefix="/api/v1",
                   description="Trainee pipeline (学员): registration, health check, 58到家 "
                               "certification, group interviews, internship, graduation")

bp = Blueprint("trainees", __name__, url_prefix="/trainees")
