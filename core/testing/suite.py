"""``conformance_tests(plugin)``: the suite a plugin runs on itself with one line.

In a test module of the plugin, bind the class it returns to a name starting with
``Test`` (pytest collects it like any test class)::

    from core.testing import conformance_tests
    from my_plugin import hooks

    TestConformance = conformance_tests(hooks)

``plugin`` is the plugin object (its module of ``@hookimpl`` functions, or an instance);
``name`` the name it is loaded under when it is not installed (default: its top-level
package). For every service line the plugin declares (``register_service_lines``) the
class's tests, parametrized by line code, check:

1. ``test_line_conforms``: the pure checks of :func:`core.testing.assert_conforms`;
2. ``test_registered_and_intake_form_renders``: in ``jz_app`` (core and this plugin
   only: the class carries the ``jiazheng_plugins`` marker), the line is registered
   under its code and the new-order page ``/orders/new/<code>`` renders (200) for a
   dispatcher, with an input named ``intake.<field>`` for every intake field;
3. ``test_sample_order_is_quoted``: an order made with the line's first sample intake
   (``jz_make.order``) is quoted: ``quote_total`` in ``GET /api/v1/orders/<id>`` is a
   Decimal string, at least 0, equal to the line's own quote of the stored intake;
4. ``test_sql_python_and_vector_scores_agree``: for an order of the sample intake in
   state ``matching`` and a few workers of the line (varied grade, experience,
   hometown; one without the line's credentials), the candidates endpoint (SQL when
   every rule and part gives an SQL form), the Python path
   (``core.matching.candidates.rank``) and the vectorised one
   (``core.matching.vector.batch_scores``) give the same workers and the same scores,
   to 1e-6 — core's parts and the line's own rules and parts.

Each failure says what to fix. The class is an ordinary test class: a plugin may
subclass it, or override ``jz_app_config`` inside it.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest

from .conformance import assert_conforms

#: scores of the SQL, Python and vectorised paths agree to this
SCORE_TOLERANCE = 1e-6


def declared_lines(plugin) -> list:
    """The service line objects ``plugin`` registers (its ``register_service_lines``)."""
    register = getattr(plugin, "register_service_lines", None)
    if register is None:
        raise TypeError(f"conformance_tests: {plugin!r} has no register_service_lines hook "
                        "implementation: pass the plugin's hooks module (or object)")
    lines = list(register() or ())
    if not lines:
        raise TypeError(f"conformance_tests: {plugin!r} registers no service line")
    return lines


def _leaf_inputs(specs, prefix: str = "intake") -> list[str]:
    """The input names the generic intake form gives ``specs`` (see _form_macros.html)."""
    names = []
    for spec in specs:
        name = f"{prefix}.{spec['name']}"
        if spec.get("widget") == "group":
            names += _leaf_inputs(spec.get("fields", []), name)
        else:
            names.append(name)
    return names


def _web_login(app, role: str = "dispatcher"):
    """A web test client with the session of a new user of ``role``."""
    from ..accounts.models import User
    from ..accounts.views import SESSION_GENERATION
    from ..extensions import db
    from .apps import make_user

    user_id = make_user(app, role, f"jz-web-{role}")
    client = app.test_client()
    with app.app_context():
        generation = db.session.get(User, user_id).session_generation or 0
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"], sess[SESSION_GENERATION] = str(user_id), True, generation
    return client


def conformance_tests(plugin, *, name: str | None = None) -> type:
    """A test class checking every service line ``plugin`` declares (see the module):
    bind it in a test module, ``TestConformance = conformance_tests(hooks)``."""
    lines = {line.code: line for line in declared_lines(plugin)}
    module = getattr(plugin, "__name__", None) or type(plugin).__module__
    entry = (name or module.split(".")[0], plugin)

    class TestConformance:
        pytestmark = [pytest.mark.jiazheng_plugins(entry),
                      pytest.mark.parametrize("jz_line", list(lines.values()), ids=list(lines))]

        def test_line_conforms(self, jz_line):
            assert_conforms(jz_line)

        def test_registered_and_intake_form_renders(self, jz_line, jz_app):
            from .. import plugins as facade
            from ..forms import describe_schema

            code = jz_line.code
            with jz_app.app_context():
                found = facade.service_lines().get(code)
                assert found is not None, (
                    f"service line {code!r} is not registered in an app loading this plugin: "
                    "return it from register_service_lines")
                assert type(found) is type(jz_line), (
                    f"service line {code!r} is registered by another plugin "
                    f"({type(found).__module__}.{type(found).__name__})")
                inputs = _leaf_inputs(describe_schema(jz_line.intake_schema))
            resp = _web_login(jz_app).get(f"/orders/new/{code}")
            assert resp.status_code == 200, (
                f"GET /orders/new/{code} answered {resp.status_code}: the intake form page of "
                "the line does not render (is its intake schema describable by core.forms?)")
            html = resp.get_data(as_text=True)
            missing = [n for n in inputs if f'name="{n}"' not in html]
            assert not missing, (
                f"the intake form of {code!r} has no input for {missing}: give these fields a "
                "widget core.forms can render (metadata 'widget', or a plain field type)")

        def test_sample_order_is_quoted(self, jz_line, jz_app, jz_client, jz_make):
            from .. import plugins as facade
            from ..extensions import db
            from ..orders.models import Order

            code = jz_line.code
            order_id = jz_make.order(code)
            resp = jz_client("dispatcher").get(f"/api/v1/orders/{order_id}")
            assert resp.status_code == 200, resp.get_json()
            total = resp.get_json().get("quote_total")
            assert isinstance(total, str), (
                f"order of {code!r} made from its first sample intake has quote_total "
                f"{total!r}: the sample must be quoted (a Decimal, sent as a string)")
            try:
                amount = Decimal(total)
            except InvalidOperation:
                pytest.fail(f"quote_total {total!r} of {code!r} is not a decimal string")
            assert amount >= 0, f"the sample order of {code!r} is quoted below zero ({total})"
            with jz_app.app_context():
                stored = db.session.get(Order, order_id).intake
                expected = facade.quote(code, jz_line.intake_schema().load(stored)).total
            assert amount == expected, (
                f"the order of {code!r} is quoted {total} but the line quotes its intake "
                f"{expected}: quote must depend on the intake and price table only")

        def test_sql_python_and_vector_scores_agree(self, jz_line, jz_app, jz_client,
                                                    jz_make):
            from ..matching.candidates import get_context, rank, read_rows
            from ..matching.vector import batch_scores
            from ..plugins import matching_rules, score_parts

            code = jz_line.code
            varied = [{"grade": "gold", "years_experience": 8, "hometown": "安徽六安"},
                      {"grade": "junior", "years_experience": 1, "hometown": "江苏南京"},
                      {"grade": "silver", "years_experience": 4, "hometown": "四川成都"},
                      {"grade": "gold", "years_experience": 15, "hometown": "河南信阳"}]
            workers = [jz_make.worker(code, **fields) for fields in varied]
            jz_make.worker(code, credentials=False)  # no credentials: no candidate anywhere
            order_id = jz_make.order(code, state="matching")
            resp = jz_client("dispatcher").get(
                f"/api/v1/orders/{order_id}/candidates?per_page=100")
            assert resp.status_code == 200, resp.get_json()
            api = {c["worker_id"]: c["score"] for c in resp.get_json()["items"]}
            with jz_app.app_context():
                ctx = get_context(order_id)
                rules, extra = matching_rules(code), score_parts(code)
                python = {r["id"]: r["score"] for r in rank(ctx, read_rows(ctx), rules, extra)}
                vector = batch_scores([order_id]).row(order_id)
            sql_path = all(r.where for r in rules) and all(p.expr for p in extra)
            how = "SQL" if sql_path else "Python (a rule or part has no SQL form)"
            assert set(python) <= set(workers), python
            assert set(api) == set(python), (
                f"{code!r}: the candidates endpoint ({how}) lists workers {sorted(api)}, the "
                f"Python rules {sorted(python)}: a MatchingRule's where must select exactly "
                "the workers its check accepts")
            assert set(vector) == set(python), (
                f"{code!r}: the vectorised ranking lists workers {sorted(vector)}, the Python "
                f"rules {sorted(python)}: a MatchingRule's check must give the same answer "
                "on the vectorised rows")
            for worker, score in python.items():
                assert api[worker] == pytest.approx(score, abs=SCORE_TOLERANCE), (
                    f"{code!r}: worker {worker} scores {api[worker]} through the candidates "
                    f"endpoint ({how}) but {score} in Python (scoring.score): a ScorePart's "
                    "expr must compute what its score function does")
                assert vector[worker] == pytest.approx(score, abs=SCORE_TOLERANCE), (
                    f"{code!r}: worker {worker} scores {vector[worker]} vectorised "
                    f"(vector.batch_scores) but {score} in Python: a ScorePart's score must "
                    "read only the row's fields")
            assert python or not workers, (
                f"{code!r}: none of the workers made with the line's credentials is a "
                "candidate for the sample order; the scores could not be compared: make "
                "the sample intake one a qualified worker can serve")

    TestConformance.__qualname__ = TestConformance.__name__
    TestConformance.__doc__ = (f"Conformance of the service lines of {module}: "
                               f"{', '.join(lines)} (core.testing.conformance_tests).")
    return TestConformance
