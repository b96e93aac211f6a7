"""Follow-ups (回访): planning them from the lines' rules, re-planning when an anchor moves,
cancelling them with the order. Other areas call these through
:mod:`core.followups.service`, which re-exports them.

Other areas tell the engine facts; they never touch follow-ups themselves:

- orders: nothing to call — core listens to ``handle_order_state_change`` (see
  :mod:`core.followups.hooks`): entering service (上户) plans, finishing (下户) plans the
  satisfaction call, cancelling cancels what is pending. A changed 上户 date or an early
  birth: :func:`anchor_moved`.
- appointments: :func:`visit_scheduled` / :func:`visit_done` (保洁 visits),
  :func:`session_done` (小儿推拿 sessions), :func:`interview_done` (面试 outcomes).
- trainees: hospital internships' two-day check-ins, core's own rule
  (:mod:`core.followups.internships`; :func:`reconcile` is shared with orders).

None of these commit: what they add joins the caller's transaction. None of them touch
Redis either: recording a fact never waits on the queue. The sweep (every minute) finds
what came due and queues the reminders (:mod:`core.followups.jobs`).

Outcomes, mediation and evaluations: :mod:`core.followups.outcomes` (which builds on this
module); lists and counts: :mod:`core.followups.queries`.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .. import plugins
from ..cadences import service as cadence
from ..errors import Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..orders.models import Order
from ..timeutil import SHANGHAI, utcnow
from . import planner
from .models import INTERNSHIP_LINE, FollowUp, FollowUpAnchor
from .planner import Anchor, start_of_day
from .reconciling import reconcile
from .rules import ANCHORS, FINAL_OUTCOMES, INSTANCE_ANCHORS

#: sources of an anchor, strongest first: a person's word beats the order, which beats
#: a contract, which beats the intake (预产期 is only an estimate of the birth)
_SOURCE_RANK = {"manual": 0, "order": 1, "contract": 2, "intake": 3}
#: order states in which the order-level anchors (上户, 下户, birth, holidays) plan follow-ups
IN_SERVICE_STATES = ("in_service", "finished")


def _order(order_id: int, lock: bool = False) -> Order:
    stmt = sa.select(Order).where(Order.id == order_id)
    order = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if order is None:
        raise NotFound(Msg("There is no such order.", "找不到该订单。"))
    return order


# ------------------------------------------------------------------------------ anchors


def _set_anchor(order_id: int, key: str, at: dt.datetime, *, until: dt.datetime | None = None,
                source: str = "manual") -> None:
    row = db.session.scalar(sa.select(FollowUpAnchor).where(
        FollowUpAnchor.order_id == order_id, FollowUpAnchor.key == key))
    if row is None:
        db.session.add(FollowUpAnchor(order_id=order_id, key=key, at=at, until=until,
                                      source=source, updated_at=utcnow()))
        return
    if _SOURCE_RANK.get(source, 0) > _SOURCE_RANK.get(row.source, 0):
        return  # a stronger source set it; a weaker one does not overwrite it
    if (row.at, row.until, row.source) != (at, until, source):
        row.at, row.until, row.source, row.updated_at = at, until, source, utcnow()


def _drop_anchor(order_id: int, key: str, source: str) -> None:
    db.session.execute(sa.delete(FollowUpAnchor).where(
        FollowUpAnchor.order_id == order_id, FollowUpAnchor.key == key,
        FollowUpAnchor.source == source))


def _date_in(intake: dict | None, fields: tuple[str, ...]) -> dt.date | None:
    for name in fields:
        value = (intake or {}).get(name)
        if value:
            try:
                return dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


def _contract_end(order: Order) -> dt.date | None:
    try:
        from ..orders.records import OrderContract
    except ImportError:  # pragma: no cover - orders without contracts
        return None
    return db.session.scalar(sa.select(OrderContract.end_date).where(
        OrderContract.order_id == order.id, OrderContract.status == "signed")
        .order_by(OrderContract.version.desc()).limit(1))


def _refresh_order_anchors(order: Order, rules) -> None:
    """Copy the order's own dates (上户, 下户, intake dates, planned end) into anchors."""
    # 下户 is an anchor once the order is finished; before, its end date is the planned end
    end_day = order.end_date if order.state == "finished" else None
    for key, day in (("service_start", order.start_date), ("service_end", end_day)):
        if day is not None:
            _set_anchor(order.id, key, start_of_day(day), source="order")
        else:
            _drop_anchor(order.id, key, "order")
    if order.end_date is not None and order.state != "finished":
        _set_anchor(order.id, planner.PLANNED_END, start_of_day(order.end_date),
                    source="order")
    for anchor, fields in (rules.intake_anchors or {}).items():
        day = _date_in(order.intake, tuple(fields))
        if day is not None:
            _set_anchor(order.id, anchor, start_of_day(day), source="intake")
    if order.end_date is not None and order.state != "finished":
        return  # the order's own planned 下户 is the planned end
    end = _contract_end(order)
    source = "contract"
    if end is None and order.start_date and rules.term_days_field:
        term = (order.intake or {}).get(rules.term_days_field)
        if isinstance(term, int) and term > 0:
            end, source = order.start_date + dt.timedelta(days=term - 1), "intake"
    if end is not None:
        _set_anchor(order.id, planner.PLANNED_END, start_of_day(end), source=source)


def _anchors(order_id: int) -> dict[str, Anchor]:
    db.session.flush()
    return {row.key: Anchor(row.at, row.until) for row in db.session.scalars(
        sa.select(FollowUpAnchor).where(FollowUpAnchor.order_id == order_id))}


def _final_outcomes(order_id: int) -> dict[tuple[str, str], str]:
    rows = db.session.execute(sa.select(FollowUp.rule_code, FollowUp.anchor_key,
                                        FollowUp.outcome).where(
        FollowUp.order_id == order_id, FollowUp.state == "done"))
    return {(r, k): o for r, k, o in rows if o in FINAL_OUTCOMES}


# ----------------------------------------------------------------------------- planning


def sync_order(order: Order) -> list[FollowUp]:
    """Bring the order's follow-ups in line with its rules, anchors and outcomes: add the
    missing, move pending ones whose anchor moved, cancel pending ones no longer planned
    (all of them when the order is cancelled). Done follow-ups are never touched.
    Returns the order's follow-ups. The rules are the line's cadence version the order
    was first planned with (:func:`core.cadences.service.rules_for_order`)."""
    rules = cadence.rules_for_order(order)
    _refresh_order_anchors(order, rules)
    if order.state == "cancelled":
        wanted: tuple = ()
    else:
        anchors = _anchors(order.id)
        if order.state not in IN_SERVICE_STATES:  # before 上户 only visits/sessions count
            anchors = {k: a for k, a in anchors.items() if ":" in k}
        wanted = planner.plan(rules, anchors, _final_outcomes(order.id)).followups
    existing = {(f.rule_code, f.anchor_key): f for f in db.session.scalars(
        sa.select(FollowUp).where(FollowUp.order_id == order.id))}

    def new(p: planner.Planned, now: dt.datetime) -> FollowUp:
        return FollowUp(order_id=order.id, service_line=order.service_line,
                        rule_code=p.rule_code, anchor_key=p.anchor_key, kind=p.kind,
                        planned_at=p.due_at, due_at=p.due_at, state="pending", attempts=0,
                        assignee_id=order.dispatcher_id,
                        mediation_id=_mediation_of(p.anchor_key), version=1,
                        created_at=now, updated_at=now)

    return reconcile(existing, wanted, new,
                     "order_cancelled" if order.state == "cancelled" else "replanned")


def rules_for(service_line: str):
    """The follow-up rules of a line — core's own for the pseudo line ``internship``."""
    if service_line == INTERNSHIP_LINE:
        from .internship_rule import RULES

        return RULES
    return plugins.followup_rules(service_line)


#: staff who make internship check-ins (the trainer who chose the intern) and see only
#: those in the queue
INTERNSHIP_DESK = ("trainer",)


def may_handle(followup_id: int, principal) -> None:
    """A trainer records outcomes only of internship check-ins (Forbidden otherwise);
    the desk (dispatchers, supervisors, admins) may handle any follow-up."""
    from ..errors import Forbidden

    if principal is not None and principal.role in INTERNSHIP_DESK:
        f = db.session.get(FollowUp, followup_id)
        if f is not None and f.internship_id is None:
            raise Forbidden(Msg("You may record only internship check-ins.",
                                "您只能登记实习跟踪回访。"))


def _mediation_of(anchor_key: str) -> int | None:
    kind, _, ident = anchor_key.partition(":")
    return int(ident) if kind.startswith("mediation_") and ident.isdigit() else None


def order_state_changed(order_id: int, service_line: str, from_state: str,
                        to_state: str) -> None:
    """The order moved (上户, 下户, cancelled …): re-plan its follow-ups in its transaction;
    when it ends (finished, cancelled) its mediation cases end with it."""
    order = _order(order_id)
    if to_state in ("finished", "cancelled"):
        close_mediations(order, to_state)
    sync_order(order)


def close_mediations(order: Order, to_state: str) -> list:
    """The order finished or was cancelled: each open mediation case (调解) whose outcome
    is written down (``resolution``) is closed with it; one still unresolved is flagged
    to the supervisors (``flagged_at``, a notification each) — it stays open for them."""
    from ..audit.service import record
    from .models import MediationCase
    from .outbox import post, supervisors

    cases = list(db.session.scalars(sa.select(MediationCase).where(
        MediationCase.order_id == order.id, MediationCase.state == "open")
        .order_by(MediationCase.id)))
    now = utcnow()
    label_zh, label_en = ("已完成", "finished") if to_state == "finished" else ("已取消",
                                                                             "cancelled")
    for case in cases:
        if (case.resolution or "").strip():
            case.state, case.resolved_at, case.resolved_by_id = "resolved", now, None
            _set_anchor(order.id, f"mediation_resolved:{case.id}", now, source="order")
            record("update", "mediation_case", case.id,
                   f"mediation {case.id} closed with order {order.number} ({to_state})",
                   {"state": ["open", "resolved"]})
            continue
        if case.flagged_at is not None:
            continue
        case.flagged_at = now
        case.flag_reason = f"order {to_state} / 订单{label_zh}"
        post(f"mediation-order-{to_state}:{case.id}", supervisors(),
             subject_zh=f"调解未结案而订单{label_zh}：订单 {order.number}",
             subject_en=f"Mediation unresolved, order {label_en}: {order.number}",
             body_zh=f"调解 #{case.id} 尚无处理结果，请主管跟进。",
             body_en=f"Mediation #{case.id} has no resolution yet; a supervisor should "
                     "take it over.",
             link=f"/followups/mediations/{case.id}")
        record("update", "mediation_case", case.id,
               f"mediation {case.id} unresolved as order {order.number} {to_state}: "
               "flagged to the supervisors", {"flagged_at": [None, now.isoformat()]})
    return cases


def order_period_changed(order_id: int, start_moved: bool, end_moved: bool) -> None:
    """The order's 上户/下户 moved (:func:`core.orders.period.move_period`): the order's dates
    are now the fact, so a date once stated by hand for them gives way; re-plan."""
    for key, moved in (("service_start", start_moved), ("service_end", end_moved)):
        if moved:
            _drop_anchor(order_id, key, "manual")
    sync_order(_order(order_id, lock=True))


#: anchors that are the order's own dates: moving them moves the order's service period
ORDER_DATE_ANCHORS = {"service_start": "start_date", "service_end": "end_date"}


def anchor_moved(order_id: int, anchor: str, new_datetime: dt.datetime | dt.date, *,
                 instance: int | str | None = None,
                 until: dt.datetime | None = None, actor_id: int | None = None,
                 reason: str = "") -> list[FollowUp]:
    """An anchor of the order moved or became known — the 上户 date changed, the baby was
    born (early) — re-plan the pending follow-ups that hang on it.

    ``service_start`` / ``service_end`` are the order's own 上户/下户: they move the order's
    period as one operation (:func:`core.orders.period.apply`: the order, the worker's
    booking, the contract term and the follow-ups; 409 if she is busy then).

    ``anchor``: one of :data:`core.followups.rules.ANCHORS` (per-instance anchors such
    as ``visit_start`` need ``instance``). A date means that day; a datetime must be
    timezone-aware. What a person states wins over the order's and intake's dates.
    """
    if anchor not in ANCHORS or anchor == "holiday_in_service":
        raise Invalid(fields={"anchor": [{"en": f"Not an anchor that can move: {anchor}.",
                                          "zh": f"不是可以调整的锚点：{anchor}。"}]})
    if (anchor in INSTANCE_ANCHORS) != (instance is not None):
        raise Invalid(fields={"instance": [{"en": "Give the instance (visit, session, case) "
                                            "for this anchor, and only for it.",
                                            "zh": "该锚点需要（且只有它需要）指明哪一次。"}]})
    at = _aware(new_datetime)
    if anchor in ORDER_DATE_ANCHORS:
        # 上户/下户 are the order's dates: one operation moves the order, the worker's
        # booking, the contract term and these follow-ups (core.orders.period)
        from ..orders import period

        order = period.lock(order_id)
        period.apply(order, actor_id, reason=reason,
                     **{ORDER_DATE_ANCHORS[anchor]: at.astimezone(SHANGHAI).date()})
        return sync_order(order)
    order = _order(order_id, lock=True)
    key = f"{anchor}:{instance}" if instance is not None else anchor
    _set_anchor(order.id, key, at, until=until, source="manual")
    return sync_order(order)


def _aware(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise Invalid(fields={"at": [{"en": "Give a time with its time zone.",
                                          "zh": "时间须带时区。"}]})
        return value.astimezone(dt.timezone.utc)
    return start_of_day(value)


def visit_scheduled(order_id: int, visit_id: int, starts_at: dt.datetime,
                    ends_at: dt.datetime | None = None) -> list[FollowUp]:
    """A 保洁 visit is booked (or moved): plan the check calls during it."""
    return anchor_moved(order_id, "visit_start", starts_at, instance=visit_id, until=ends_at)


def visit_done(order_id: int, visit_id: int, finished_at: dt.datetime) -> list[FollowUp]:
    """The worker reports a visit finished: plan the finish confirmation with the customer
    and the short follow-up call after it."""
    return anchor_moved(order_id, "visit_end", finished_at, instance=visit_id)


def visit_cancelled(order_id: int, visit_id: int) -> list[FollowUp]:
    """A visit is called off: its pending follow-ups are cancelled."""
    order = _order(order_id, lock=True)
    for anchor in ("visit_start", "visit_end"):
        db.session.execute(sa.delete(FollowUpAnchor).where(
            FollowUpAnchor.order_id == order_id, FollowUpAnchor.key == f"{anchor}:{visit_id}"))
    return sync_order(order)


def session_done(order_id: int, session_id: int, finished_at: dt.datetime) -> list[FollowUp]:
    """A 小儿推拿 session is over: plan the call that also books the next session."""
    return anchor_moved(order_id, "session_end", finished_at, instance=session_id)


def interview_done(order_id: int, interview_id: int, held_at: dt.datetime) -> list[FollowUp]:
    """An interview (面试) of the proposed worker with the customer has its outcome: plan
    what the line's rules hang on it (``interview_end`` anchor)."""
    return anchor_moved(order_id, "interview_end", held_at, instance=interview_id)


def replan_all(batch: int = 500) -> int:
    """Re-plan every order that has follow-ups or is in service (after a rule change or a
    calendar upgrade); commits per batch. Returns the number of orders re-planned."""
    ids = list(db.session.scalars(sa.select(Order.id).where(
        Order.state.in_(("in_service", "finished"))).order_by(Order.id)))
    for i in range(0, len(ids), batch):
        for order_id in ids[i:i + batch]:
            sync_order(_order(order_id, lock=True))
        db.session.commit()
    return len(ids)


def reassign(followup_id: int, user_id: int) -> FollowUp:
    """Hand a pending follow-up to another member of staff."""
    from ..accounts.models import User

    f = db.session.get(FollowUp, followup_id)
    if f is None:
        raise NotFound(Msg("There is no such follow-up.", "找不到该回访。"))
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise Invalid(fields={"assignee_id": [{"en": "Choose an active member of staff.",
                                               "zh": "请选择在职员工。"}]})
    f.assignee_id, f.version, f.updated_at = user.id, f.version + 1, utcnow()
    f.reminded_at = f.enqueued_at = None  # the new assignee is reminded in her turn
    return f
