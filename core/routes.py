"""Every route module of core, imported by name (#11: explicit imports a reader can follow,
not names loaded by ``importlib``).

An area's API is ``<area>/api.py`` (``blp``, a flask-smorest Blueprint) and its pages
``<area>/views.py`` (``bp``); an area whose routes do not fit one file goes on in
``api_<topic>.py`` / ``views_<topic>.py`` on the same blueprints (made in its
``blueprint.py``). All are imported here, so every route is attached before the app
factory registers a blueprint. A new route module must be added here:
``tests/test_layers.py`` fails naming one that is not.
"""
from __future__ import annotations

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

from .accounts import api as accounts_api
from .accounts import views as accounts_views
from .appointments import api as appointments_api
from .appointments import api_lines as appointments_api_lines
from .appointments import views as appointments_views
from .appointments import views_actions as appointments_views_actions
from .appointments import views_sheets as appointments_views_sheets
from .appointments import views_tools as appointments_views_tools
from .audit import api as audit_api
from .audit import views as audit_views
from .cadences import api as cadences_api
from .cadences import views as cadences_views
from .complaints import api as complaints_api
from .complaints import views as complaints_views
from .customers import api as customers_api
from .customers import api_access as customers_api_access
from .customers import api_checks as customers_api_checks
from .customers import api_destruction as customers_api_destruction
from .customers import views as customers_views
from .customers import views_access as customers_views_access
from .customers import views_checks as customers_views_checks
from .followups import api as followups_api
from .followups import views as followups_views
from .matching import api as matching_api
from .matching import views as matching_views
from .orders import api as orders_api
from .orders import api_records as orders_api_records
from .orders import views as orders_views
from .orders import views_actions as orders_views_actions
from .partners import api as partners_api
from .partners import views as partners_views
from .placement import api as placement_api
from .placement import views as placement_views
from .pricing import api as pricing_api
from .pricing import views as pricing_views
from .quality import api as quality_api
from .quality import views as quality_views
from .reports import api as reports_api
from .reports import views as reports_views
from .servicelines import api as servicelines_api
from .surveys import api as surveys_api
from .surveys import views as surveys_views
from .trainees import api as trainees_api
from .trainees import api_stages as trainees_api_stages
from .trainees import views as trainees_views
from .trainees import views_stages as trainees_views_stages
from .web import api as web_api
from .web import views as web_views
from .workcalendar import api as workcalendar_api
from .workcalendar import views as workcalendar_views
from .workers import api as workers_api
from .workers import views as workers_views

#: (area, its API blueprint, its page blueprint), in the order they are registered
AREAS: tuple[tuple[str, ApiBlueprint | None, Blueprint | None], ...] = (
    ("accounts", accounts_api.blp, accounts_views.bp),
    ("servicelines", servicelines_api.blp, None),
    ("audit", audit_api.blp, audit_views.bp),
    ("customers", customers_api.blp, customers_views.bp),
    ("workers", workers_api.blp, workers_views.bp),
    ("orders", orders_api.blp, orders_views.bp),
    ("pricing", pricing_api.blp, pricing_views.bp),
    ("cadences", cadences_api.blp, cadences_views.bp),
    ("appointments", appointments_api.blp, appointments_views.bp),
    ("trainees", trainees_api.blp, trainees_views.bp),
    ("partners", partners_api.blp, partners_views.bp),
    ("followups", followups_api.blp, followups_views.bp),
    ("matching", matching_api.blp, matching_views.bp),
    ("quality", quality_api.blp, quality_views.bp),
    ("reports", reports_api.blp, reports_views.bp),
    ("workcalendar", workcalendar_api.blp, workcalendar_views.bp),
    ("complaints", complaints_api.blp, complaints_views.bp),
    ("placement", placement_api.blp, placement_views.bp),
    ("surveys", surveys_api.blp, surveys_views.bp),
    ("web", web_api.blp, web_views.bp),
)

#: the modules whose routes go on an area's blueprints beside its ``api``/``views``
SPLIT_ROUTE_MODULES = (
    customers_api_access,
    customers_api_checks,
    customers_api_destruction,
    customers_views_access,
    customers_views_checks,
    orders_api_records,
    orders_views_actions,
    appointments_api_lines,
    appointments_views_actions,
    appointments_views_sheets,
    appointments_views_tools,
    trainees_api_stages,
    trainees_views_stages,
)
