"""Customers (客户): the area's two blueprints, made here and only here.

The pages (``bp``) are spread over ``views.py`` and ``views_*.py``, the API (``blp``) over
``api.py`` and ``api_*.py``; each of those modules imports its blueprint from this one and
none imports another to attach its routes — :mod:`core.routes` imports them all by
name, so no file imports back the file importing it.
"""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

blp = ApiBlueprint("customers_api", __name__, url_prefix="/api/v1/customers",
                   description="Customer files (客户档案) and their addresses")

bp = Blueprint("customers", __name__, url_prefix="/customers")
