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
   to 1e-6 — core's parts and the line's own rules and parts;
5. ``test_sample_order_gets_its_follow_up_plan`` — only for the lines whose follow-up
   rules plan something on 上户 (:func:`planned_at_service_start`: rules anchored on
   ``service_start`` with no ``when`` condition): an order of the sample intake brought
   into service (``jz_make.order(code, state="in_service", start_date=...)``: written
   in the database and announced through the plugins' broadcast as the orders service
   does) has a pending follow-up (回访) of each of those rules on its ``service_start``
   anchor. Rules on 下户, mediation cases, the baby's birth or public holidays, and
   conditional ones, wait for their event or outcome and are not expected yet; a line
   with no rule planned on 上户 does not get the test;
6. ``test_visits_and_sessions_get_their_follow_ups`` — only for the lines with rules on
   a visit, a session or an interview (:func:`planned_on_events`: anchored on
   ``visit_start``, ``visit_end``, ``session_end`` or ``interview_end``, no ``when``):
   for an order of the sample intake, a visit booked for tomorrow (six hours, or as long
   as the longest ``min_span_hours``) and then
   reported finished, a session finished and an interview held are announced to core's
   planner as the appointments area announces them (``core.followups.service``:
   ``visit_scheduled``, ``visit_done``, ``session_done``, ``interview_done``), and the
   order has a pending follow-up of each of those rules on that instance's anchor
   (``visit_end:<id>`` …).

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


def planned_at_service_start(line) -> tuple[str, ...]:
    """Codes of the line's follow-up rules core plans as soon as an order enters service
    (上户): anchored on ``service_start``, with no ``when`` condition (a condition waits
    for an earlier outcome). Empty for a line whose rules cannot be read."""
    try:
        rules = line.get_followup_rules().rules
    except Exception:  # noqa: BLE001 - test_line_conforms reports unreadable rules
        return ()
    return tuple(getattr(r, "code", None) for r in rules
                 if getattr(r, "anchor", None) == "service_start"
                 and getattr(r, "when", None) is None)


#: per-instance anchors the suite announces (appointments: visits, sessions, interviews)
EVENT_ANCHORS = ("visit_start", "visit_end", "session_end", "interview_end")


def planned_on_events(line) -> dict[str, tuple[str, ...]]:
    """The line's unconditional follow-up rules on a visit, session or interview, by
    anchor (``{"visit_end": ("finish_confirmation", "survey")}``); empty for a line whose
    rules cannot be read."""
    try:
        rules = line.get_followup_rules().rules
    except Exception:  # noqa: BLE001 - test_line_conforms reports unreadable rules
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for rule in rules:
        anchor = getattr(rule, "anchor", None)
        if anchor in EVENT_ANCHORS and getattr(rule, "when", None) is None:
            out[anchor] = (*out.get(anchor, ()), rule.code)
    return out


def _follow_ups(order_id: int) -> list[tuple[str, str, str]]:
    """(rule code, anchor key, state) of every follow-up of the order (in an app context)."""
    import sqlalchemy as sa

    from ..extensions import db
    from ..followups.models import FollowUp

    return [tuple(row) for row in db.session.execute(sa.select(
        FollowUp.rule_code, FollowUp.anchor_key, FollowUp.state).where(
        FollowUp.order_id == order_id))]


def _pending(rows, key: str) -> list[str]:
    """The rule codes with a pending follow-up on anchor ``key``, sorted."""
    return sorted(r for r, k, state in rows if k == key and state == "pending")


def _listed(rows) -> str:
    return ", ".join(sorted(f"{r}@{k} ({s})" for r, k, s in rows)) or "none"


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

    every_line = pytest.mark.parametrize("jz_line", list(lines.values()), ids=list(lines))
    planning = {code: line for code, line in lines.items() if planned_at_service_start(line)}
    eventful = {code: line for code, line in lines.items() if planned_on_events(line)}

    class TestConformance:
        pytestmark = [pytest.mark.jiazheng_plugins(entry)]

        @every_line
        def test_line_conforms(self, jz_line):
            assert_conforms(jz_line)

        @every_line
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

        @every_line
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

        @every_line
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

        @pytest.mark.parametrize("jz_line", list(planning.values()), ids=list(planning))
        def test_sample_order_gets_its_follow_up_plan(self, jz_line, jz_app, jz_make):
            """Generated only for the lines with rules planned on 上户 (service_start)."""

            from ..timeutil import business_today

            code = jz_line.code
            expected = planned_at_service_start(jz_line)
            start = business_today()
            order_id = jz_make.order(code)
            try:
                jz_make.into_service(order_id, start)
            except Exception as exc:
                raise AssertionError(
                    f"{code!r}: bringing an order of the sample intake into service (上户 on "
                    f"{start}) failed with {exc!r}: a plugin's handle_order_state_change or "
                    "handle_order_period_change hook raised, and the real 上户 fails the "
                    "same way, its follow-ups unplanned: make the hook work for every "
                    "order of the line") from exc
            with jz_app.app_context():
                rows = _follow_ups(order_id)
            planned = _pending(rows, "service_start")
            missing = [r for r in expected if r not in planned]
            assert not missing, (
                f"{code!r}: an order of the sample intake entering service on {start} "
                f"should have a pending follow-up of each rule on service_start without a "
                f"condition, {list(expected)}, but has {planned or 'none'} (all its "
                f"follow-ups: {_listed(rows)}); "
                f"{missing} were not planned: the rules core plans are the line's "
                "followup_rules (core.plugins.followup_rules), so a rule must not be "
                "dropped or replaced between the line object and the registry, and no "
                "plugin's handle_order_state_change may cancel what core plans")

        @pytest.mark.parametrize("jz_line", list(eventful.values()), ids=list(eventful))
        def test_visits_and_sessions_get_their_follow_ups(self, jz_line, jz_app, jz_make):
            """Generated only for the lines with rules on a visit, session or interview."""
            import datetime as dt

            from ..extensions import db
            from ..followups import service as followups
            from ..timeutil import SHANGHAI, business_today

            code = jz_line.code
            expected = planned_on_events(jz_line)
            order_id = jz_make.order(code)
            instance = 1
            tomorrow = business_today() + dt.timedelta(days=1)
            starts = dt.datetime.combine(tomorrow, dt.time(9), SHANGHAI)
            spans = [r.min_span_hours for r in jz_line.get_followup_rules().rules
                     if getattr(r, "min_span_hours", None)]
            hours = max([6, *spans])  # long enough for every visit_start rule
            ends = starts + dt.timedelta(hours=hours)
            announce = {
                "visit_start": lambda: followups.visit_scheduled(order_id, instance, starts,
                                                                 ends),
                "visit_end": lambda: followups.visit_done(order_id, instance, ends),
                "session_end": lambda: followups.session_done(order_id, instance, ends),
                "interview_end": lambda: followups.interview_done(order_id, instance, starts),
            }
            with jz_app.app_context():
                for anchor in EVENT_ANCHORS:
                    if anchor in expected:
                        try:
                            announce[anchor]()
                        except Exception as exc:
                            raise AssertionError(
                                f"{code!r}: announcing {anchor} of an order of the sample "
                                f"intake to the follow-up planner failed with {exc!r}: its "
                                f"rules on {anchor} cannot be planned") from exc
                db.session.commit()
                rows = _follow_ups(order_id)
            for anchor, codes in expected.items():
                key = f"{anchor}:{instance}"
                planned = _pending(rows, key)
                missing = [c for c in codes if c not in planned]
                assert not missing, (
                    f"{code!r}: after {anchor} of an order of the sample intake (a {hours}-hour "
                    f"visit on {tomorrow}), each unconditional rule on {anchor}, "
                    f"{list(codes)}, should have a pending follow-up on {key}, but "
                    f"{missing} have none (the order's follow-ups: "
                    f"{_listed(rows)}): check the "
                    "rules' offsets and min_span_hours, and that no plugin hook cancels "
                    "what core plans")

    if not planning:  # no rule planned on 上户: the test is not generated
        del TestConformance.test_sample_order_gets_its_follow_up_plan
    if not eventful:  # no rule on a visit, session or interview
        del TestConformance.test_visits_and_sessions_get_their_follow_ups
    TestConformance.__qualname__ = TestConformance.__name__
    TestConformance.__doc__ = (f"Conformance of the service lines of {module}: "
                               f"{', '.join(lines)} (core.testing.conformance_tests).")
    return TestConformance
