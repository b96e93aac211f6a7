"""The placing steps of an order (上单) before its contract: her willingness (意愿), her
profile card (个人资料) and its sendings to the customer, and the service agreement
(服务协议) with its versioned text. Each change is audited and noted in the order's
history, and commits once: a refused step saves nothing."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .. import plugins
from ..appointments.checks import business_time, worker_for
from ..audit.service import record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..followups.queries import worker_rating
from ..messages import Msg
from ..orders import lifecycle
from ..orders.company import company_party
from ..orders.events import add_event, event_kind
from ..orders.models import Order
from ..timeutil import business_today, utcnow
from ..transactions import save, transactional
from ..workers import credentials
from ..workers.models import Worker
from .models import AgreementTemplate, ProfileSending, ServiceAgreement, Willingness

#: a time given may run this far ahead of the clock (a slow phone, a rounded minute)
CLOCK_SLACK = dt.timedelta(minutes=10)
#: the order states in which her profile may go to the customer
PROFILE_STATES = ("quoted", "matching", "interview")
#: the order states in which a service agreement may be drafted and signed
AGREEMENT_STATES = ("interview", "contracted", "in_service")

for _code, _zh, _en in (
        ("willingness_recorded", "登记阿姨意愿", "Worker's willingness recorded"),
        ("profile_sent", "发送阿姨资料", "Worker's profile sent"),
        ("agreement_drafted", "起草服务协议", "Service agreement drafted"),
        ("agreement_signed", "签订服务协议", "Service agreement signed")):
    event_kind(_code, _zh, _en)


def _field(name: str, en: str, zh: str) -> Invalid:
    return Invalid(fields={name: [{"en": en, "zh": zh}]})


def _commit() -> None:
    """Commit, or inside a :func:`core.transactions.transactional` step (the steps
    below) only flush: the step commits when it returns (:func:`core.transactions.save`)."""
    save()


def policy(order: Order):
    """The order's line policy (what placing steps it has)."""
    return plugins.order_policy(order.service_line)


def _require_profile_line(order: Order) -> None:
    if not policy(order).sends_profile:
        raise Conflict(Msg("Orders of this service line send no profile card.",
                           "该业务线的订单不发送阿姨资料。"), code="no_profile_step")


def _require_state(order: Order, states: tuple[str, ...], what: Msg) -> None:
    from ..appointments.checks import require_state

    require_state(order, states, what)


# ---------------------------------------------------------------------- willingness (意愿)


def willingness_of(order: Order) -> list[Willingness]:
    """Every answer recorded on the order, newest first."""
    return list(db.session.scalars(sa.select(Willingness).where(
        Willingness.order_id == order.id).order_by(Willingness.recorded_at.desc(),
                                                   Willingness.id.desc())))


def current_willingness(order: Order, worker_id: int) -> Willingness | None:
    """Her latest answer for this order, or None."""
    return db.session.scalar(sa.select(Willingness).where(
        Willingness.order_id == order.id, Willingness.worker_id == worker_id)
        .order_by(Willingness.recorded_at.desc(), Willingness.id.desc()).limit(1))


@transactional
def record_willingness(order: Order, worker_id: int | None, willing: bool, note: str,
                       actor_id: int) -> Willingness:
    """Record her answer when told of the order (willing or not, with a note; a refusal
    needs the reason). The latest answer counts."""
    _require_profile_line(order)
    _require_state(order, PROFILE_STATES, Msg("Her willingness is recorded", "登记阿姨意愿"))
    worker = worker_for(order, worker_id)
    note = (note or "").strip()
    if not willing and not note:
        raise _field("note", "Say why she is not willing.", "请写明阿姨不愿意的原因。")
    row = Willingness(order_id=order.id, worker_id=worker.id, willing=willing,
                      note=note[:255], recorded_at=utcnow(), recorded_by_id=actor_id)
    db.session.add(row)
    db.session.flush()
    add_event(order, "willingness_recorded", actor_id,
              note=f"{worker.name}：{'愿意' if willing else '不愿意'}",
              data={"worker_id": worker.id, "willing": willing}, touch=False)
    record("create", "willingness", row.id, f"order {order.number}: worker {worker.id} "
           f"{'willing' if willing else 'not willing'}", actor_id=actor_id)
    _commit()
    return row


# ---------------------------------------------------------------- profile card (个人资料)


def profile_card(order: Order, worker_id: int) -> dict:
    """What the customer is shown of the worker before the interview: name, photo (a
    flag: the page embeds it), age, hometown, dialect, experience, grade, lines,
    credentials with their states, ratings. Never her ID number or her mobile."""
    _require_profile_line(order)
    worker = worker_for(order, worker_id)
    today = business_today()
    kinds = plugins.credential_kinds()
    states = []
    for ks in credentials.kind_states(worker, today):
        kind = kinds.get(ks.kind)
        states.append({"kind": ks.kind, "state": ks.state,
                       "label_zh": kind.name_zh if kind else ks.kind,
                       "label_en": kind.name_en if kind else ks.kind,
                       "expires_on": ks.expires_on})
    lines = plugins.service_lines()
    return {
        "worker_id": worker.id, "name": worker.name, "has_photo": bool(worker.photo_filename),
        "sex": worker.sex, "age": worker.age, "hometown": worker.hometown,
        "dialect": worker.dialect or "", "years_experience": worker.years_experience,
        "grade": worker.grade,
        "service_lines": [{"code": c, "name_zh": lines[c].name_zh, "name_en": lines[c].name_en}
                          for c in worker.service_line_codes if c in lines],
        "credentials": states, "rating": worker_rating(worker.id),
        "order_number": order.number, "service_line": order.service_line,
        "willingness": _willing_view(current_willingness(order, worker.id)),
        "needs_willingness": policy(order).profile_needs_willingness,
    }


def _willing_view(row: Willingness | None) -> dict | None:
    if row is None:
        return None
    return {"willing": row.willing, "note": row.note, "recorded_at": row.recorded_at}


def sendings_of(order: Order) -> list[ProfileSending]:
    """The order's profile sendings, newest first."""
    return list(db.session.scalars(sa.select(ProfileSending).where(
        ProfileSending.order_id == order.id).order_by(ProfileSending.sent_at.desc(),
                                                      ProfileSending.id.desc())))


@transactional
def record_sending(order: Order, worker_id: int | None, channel: str, actor_id: int,
                   sent_at: dt.datetime | None = None, note: str = "") -> ProfileSending:
    """Record that her profile card went to the customer: when (default now), how
    (WeChat, text, email, printed), by whom. On a line that asks for it (育婴师), her
    willingness must be recorded first — 409 ``willingness_not_recorded`` without it,
    ``worker_not_willing`` when her latest answer was no."""
    _require_profile_line(order)
    _require_state(order, PROFILE_STATES, Msg("A profile is sent", "发送阿姨资料"))
    worker = worker_for(order, worker_id)
    if policy(order).profile_needs_willingness:
        answer = current_willingness(order, worker.id)
        if answer is None:
            raise Conflict(Msg(
                "Record {name}'s willingness for this order before her profile goes to the "
                "customer.", "请先登记{name}对该订单的意愿，再把她的资料发给客户。").format(
                name=worker.name), code="willingness_not_recorded")
        if not answer.willing:
            raise Conflict(Msg(
                "{name} said she is not willing to take this order; her profile is not sent.",
                "{name}已表示不愿意接该订单，不能发送她的资料。").format(name=worker.name),
                code="worker_not_willing")
    when = business_time(sent_at) if sent_at else utcnow()
    if when > utcnow() + CLOCK_SLACK:
        raise _field("sent_at", "This time is still in the future.", "该时间还没有到。")
    if when < order.created_at - CLOCK_SLACK:
        raise _field("sent_at", "The profile cannot have gone before the order was taken.",
                     "发送时间不能早于订单登记时间。")
    row = ProfileSending(order_id=order.id, worker_id=worker.id, channel=channel,
                         sent_at=when, sent_by_id=actor_id, note=(note or "")[:255],
                         created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    add_event(order, "profile_sent", actor_id, note=f"{worker.name}（{channel}）",
              data={"worker_id": worker.id, "channel": channel, "sent_at": when}, touch=False)
    record("create", "profile_sending", row.id,
           f"order {order.number}: profile of worker {worker.id} sent by {channel}",
           actor_id=actor_id)
    _commit()
    return row


def profile_sent(order: Order, worker_id: int) -> ProfileSending | None:
    """Her latest recorded sending of the profile card on this order, or None."""
    return db.session.scalar(sa.select(ProfileSending).where(
        ProfileSending.order_id == order.id, ProfileSending.worker_id == worker_id)
        .order_by(ProfileSending.sent_at.desc(), ProfileSending.id.desc()).limit(1))


def require_profile_sent(order: Order, worker: Worker) -> None:
    """004: the profile goes to the customer before the interview. On a line that sends
    one (``sends_profile``), arranging an interview of ``worker`` is refused with 409
    ``profile_not_sent`` saying what to do first — record her willingness (where the line
    asks for it), then send her profile card — until a sending is recorded."""
    line_policy = policy(order)
    if not line_policy.sends_profile or profile_sent(order, worker.id) is not None:
        return
    if line_policy.profile_needs_willingness and current_willingness(order, worker.id) is None:
        msg = Msg("{name}'s profile has not been sent to the customer: record her "
                  "willingness for this order, then send her profile card (阿姨资料与协议 on "
                  "the order page), before arranging the interview.",
                  "{name}的资料尚未发给客户：请先登记她对该订单的意愿，再发送阿姨资料"
                  "（订单页「阿姨资料与协议」），然后安排面试。")
    else:
        msg = Msg("{name}'s profile has not been sent to the customer: send her profile "
                  "card (阿姨资料与协议 on the order page) and record the sending before "
                  "arranging the interview.",
                  "{name}的资料尚未发给客户：请先发送阿姨资料（订单页「阿姨资料与协议」）"
                  "并登记，然后安排面试。")
    raise Conflict(msg.format(name=worker.name), code="profile_not_sent")


# ------------------------------------------------------------ service agreement (服务协议)


def _require_agreement_line(service_line: str):
    text = plugins.order_policy(service_line).service_agreement
    if text is None:
        raise Conflict(Msg("Workers of this service line sign no service agreement.",
                           "该业务线的阿姨不签服务协议。"), code="no_agreement_step")
    return text


def templates_of(service_line: str) -> list[AgreementTemplate]:
    """The line's agreement versions, newest first (version 1, the plugin's text, is
    stored the first time it is asked for)."""
    latest_template(service_line)
    _commit()  # version 1 stays once shown
    return list(db.session.scalars(sa.select(AgreementTemplate).where(
        AgreementTemplate.service_line == service_line)
        .order_by(AgreementTemplate.version.desc())))


def latest_template(service_line: str) -> AgreementTemplate:
    """The line's newest agreement version; stores version 1 from the plugin's text
    when the line has none yet."""
    text = _require_agreement_line(service_line)
    found = db.session.scalar(sa.select(AgreementTemplate).where(
        AgreementTemplate.service_line == service_line)
        .order_by(AgreementTemplate.version.desc()).limit(1))
    if found is not None:
        return found
    first = AgreementTemplate(service_line=service_line, version=1, title_zh=text.title_zh,
                              title_en=text.title_en, body_zh=text.body_zh,
                              body_en=text.body_en, note="shipped with the line",
                              created_at=utcnow())
    db.session.add(first)
    db.session.flush()
    return first


@transactional
def add_template(service_line: str, data: dict, actor_id: int) -> AgreementTemplate:
    """A new version of the line's agreement text (the previous ones stay, unchanged,
    for the agreements printed from them)."""
    previous = latest_template(service_line)
    row = AgreementTemplate(service_line=service_line, version=previous.version + 1,
                            title_zh=data["title_zh"], title_en=data["title_en"],
                            body_zh=data["body_zh"], body_en=data["body_en"],
                            note=data.get("note", ""), created_at=utcnow(),
                            created_by_id=actor_id)
    db.session.add(row)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(Msg("Someone added a version meanwhile; reload and try again.",
                           "已有人同时新增了版本，请刷新后重试。"), code="stale_version") from None
    record("create", "agreement_template", row.id,
           f"{service_line} service agreement version {row.version}", actor_id=actor_id)
    _commit()
    return row


def agreements_of(order: Order) -> list[ServiceAgreement]:
    """The order's service agreements, newest first."""
    return list(db.session.scalars(sa.select(ServiceAgreement).where(
        ServiceAgreement.order_id == order.id).order_by(ServiceAgreement.id.desc())))


def get_agreement(order: Order, agreement_id: int) -> ServiceAgreement:
    """One agreement of the order, or 404."""
    row = db.session.get(ServiceAgreement, agreement_id)
    if row is None or row.order_id != order.id:
        raise NotFound(Msg("There is no such service agreement on this order.",
                           "该订单没有这份服务协议。"))
    return row


@transactional
def draft_agreement(order: Order, actor_id: int) -> ServiceAgreement:
    """Draft the agreement of the order's worker from the line's newest text version;
    a draft still unsigned for another worker is voided (换人)."""
    _require_agreement_line(order.service_line)
    _require_state(order, AGREEMENT_STATES, Msg("A service agreement is drafted",
                                                "起草服务协议"))
    worker = worker_for(order, None)
    for old in agreements_of(order):
        if old.status == "signed" and old.worker_id == worker.id:
            raise Conflict(Msg("{name} has signed the service agreement of this order "
                               "already.", "{name}已签订该订单的服务协议。").format(
                name=worker.name), code="agreement_signed")
        if old.status == "draft":
            old.status, old.void_reason = "void", "redrafted"
    template = latest_template(order.service_line)
    row = ServiceAgreement(order_id=order.id, worker_id=worker.id, template_id=template.id,
                           status="draft", created_at=utcnow(), created_by_id=actor_id)
    db.session.add(row)
    db.session.flush()
    add_event(order, "agreement_drafted", actor_id, note=f"{worker.name} v{template.version}",
              data={"agreement_id": row.id, "version": template.version}, touch=False)
    record("create", "service_agreement", row.id,
           f"order {order.number}: service agreement v{template.version} drafted",
           actor_id=actor_id)
    _commit()
    return row


@transactional
def sign_agreement(order: Order, agreement: ServiceAgreement, signed_on: dt.date,
                   actor_id: int) -> ServiceAgreement:
    """Record that the worker signed the printed agreement on ``signed_on`` (not in the
    future, not before the order was taken); the version signed is the one drafted."""
    if agreement.status != "draft":
        raise Conflict(Msg("Only a draft agreement can be signed.",
                           "只有待签的服务协议才能签订。"), code="agreement_not_draft")
    if agreement.worker_id != order.worker_id:
        raise Conflict(Msg("This agreement is for another worker than the order's; draft "
                           "it again.", "这份协议不是该订单当前阿姨的，请重新起草。"),
                       code="agreement_other_worker")
    if signed_on > business_today():
        raise _field("signed_on", "The signing date is still in the future.",
                     "签订日期还没有到。")
    if signed_on < order.created_at.date() - dt.timedelta(days=1):
        raise _field("signed_on", "The agreement cannot be signed before the order was "
                     "taken.", "签订日期不能早于订单登记日期。")
    agreement.status, agreement.signed_on = "signed", signed_on
    agreement.signed_recorded_by_id = actor_id
    db.session.flush()
    add_event(order, "agreement_signed", actor_id,
              note=f"{agreement.worker.name} v{agreement.template.version}",
              data={"agreement_id": agreement.id, "signed_on": signed_on}, touch=False)
    record("status", "service_agreement", agreement.id,
           f"order {order.number}: service agreement v{agreement.template.version} signed",
           {"status": ["draft", "signed"]}, actor_id=actor_id)
    _commit()
    return agreement


def signed_agreement(order: Order, worker_id: int | None) -> ServiceAgreement | None:
    """The agreement ``worker_id`` signed on this order, or None."""
    if worker_id is None:
        return None
    return db.session.scalar(sa.select(ServiceAgreement).where(
        ServiceAgreement.order_id == order.id, ServiceAgreement.worker_id == worker_id,
        ServiceAgreement.status == "signed").limit(1))


def agreement_step(order: Order):
    """The missing step "draft and sign her service agreement" (the order page's
    阿姨资料与协议 section; the API's ``…/service-agreements``)."""
    return lifecycle.step(order, "sign_agreement", "Draft her service agreement, have her "
                          "sign it and record the signing.",
                          "起草服务协议，由阿姨签字后登记签订。", "placement",
                          "/service-agreements")


def _agreement_missing(order: Order, worker: Worker, before: Msg) -> Conflict:
    return Conflict(Msg(
        "{name} has not signed her service agreement (服务协议) for this order: draft it "
        "(阿姨资料与协议 on the order page), have her sign it and record the signing "
        "before {before}.",
        "{name}尚未签订该订单的服务协议：请先起草服务协议（订单页「阿姨资料与协议」），"
        "由阿姨签字并登记签订，然后再{before_zh}。").format(
        name=worker.name, before=str(before), before_zh=before.zh),
        code="agreement_not_signed", next_step=agreement_step(order))


@lifecycle.guard("in_service")
def require_agreement_signed(order: Order, facts) -> None:
    """Lifecycle guard (004: 合同带回公司备案，并让月嫂签订服务协议给予约束): on a line whose
    workers sign a service agreement, the order enters service (上户) only once its
    current worker signed hers — else 409 ``agreement_not_signed`` naming the step."""
    if plugins.order_policy(order.service_line).service_agreement is None:
        return
    if order.worker_id is None or signed_agreement(order, order.worker_id) is not None:
        return
    worker = db.session.get(Worker, order.worker_id)
    raise _agreement_missing(order, worker, Msg("service starts", "上户"))


def require_agreement_for_handover(order: Order, contract) -> None:
    """换人 on a line whose workers sign a service agreement: the contract version that
    hands a signed contract over to the new worker (it replaces a signed version) is
    signed only once she signed her own agreement — else 409 ``agreement_not_signed``
    naming the step.
    The first contract keeps the order of 004 (contract, then agreement before 上户,
    guarded by :func:`require_agreement_signed`); a replacement nurse serves under her
    new contract version, so her agreement comes before it."""
    from ..orders.records import OrderContract

    replaced = db.session.get(OrderContract, contract.replaces_id) \
        if contract.replaces_id is not None else None
    if replaced is None or replaced.status != "replaced" or \
            replaced.worker_id == contract.worker_id:
        return  # not a hand-over of a signed contract to another worker (a redrafted
        # draft is a first one; a version re-quoted for a new term keeps her agreement)
    if plugins.order_policy(order.service_line).service_agreement is None:
        return
    if signed_agreement(order, contract.worker_id) is not None:
        return
    worker = db.session.get(Worker, contract.worker_id)
    raise _agreement_missing(order, worker, Msg(
        "her contract version is signed (she takes over)", "签订她的新版合同（接手服务）"))


def filled_text(agreement: ServiceAgreement, lang: str) -> tuple[str, list[str]]:
    """The agreement's title and paragraphs in ``lang``, with the worker, order and
    company filled in."""
    t = agreement.template
    title, body = (t.title_zh, t.body_zh) if lang == "zh" else (t.title_en, t.body_en)
    values = {"worker": agreement.worker.name, "order": agreement.order.number,
              "company": company_party()["name"]}
    paragraphs = []
    for line in body.splitlines():
        for key, value in values.items():
            line = line.replace("{" + key + "}", value)
        if line.strip():
            paragraphs.append(line)
    return title, paragraphs


def worker_or_404(worker_id: int) -> Worker:
    """The worker, or 404."""
    worker = db.session.get(Worker, worker_id)
    if worker is None:
        raise NotFound(Msg("There is no such worker.", "没有该阿姨。"))
    return worker
