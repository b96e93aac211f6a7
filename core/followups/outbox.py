"""The outbox: every message is written as a row first, then delivered exactly once.

Writing: :func:`post` adds one :class:`OutboxMessage` per channel and recipient, named
by a ``dedupe_key`` (unique), in the caller's transaction — so a message exists iff the
fact that called for it was committed, and posting the same message twice (a job run
twice) adds nothing.

Delivering (:func:`deliver`):

- a *transactional* channel (the built-in in-app one) writes its rows in the same
  transaction that marks the message ``sent``, under a row lock: a worker killed at any
  point leaves either nothing or everything, and the unique ``outbox_id`` of a
  notification forbids a second copy — exactly once;
- any other channel is called after the message is *claimed* (``sending``, committed)
  with the message's ``dedupe_key``; a worker killed mid-call leaves the claim, which is
  retried after a lease with the same key, so the outside service can drop the repeat.
  Without such a key that part is at-least-once, and says so in ``docs/followups.md``.
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import plugins
from ..accounts.models import User
from ..extensions import db
from ..timeutil import utcnow
from ..transactions import in_transaction
from .channels import NotificationChannel, OutboundMessage
from .models import Notification, OutboxMessage

log = logging.getLogger(__name__)

#: a claimed (``sending``) message not confirmed after this long is tried again
CLAIM_LEASE = dt.timedelta(minutes=5)
#: give up on a message after this many failed attempts
MAX_ATTEMPTS = 8


class InAppChannel(NotificationChannel):
    """In-app notifications (站内通知), shown on the follow-up pages and by the API."""

    code = "in_app"
    name_zh = "站内通知"
    name_en = "In-app"
    transactional = True

    def accepts(self, message: OutboundMessage) -> bool:
        """Staff only: a customer has no in-app inbox (her survey link goes by SMS/WeChat)."""
        return message.customer_id is None

    def deliver(self, message: OutboundMessage) -> None:
        """Add the notification row (committed with the message's ``sent`` mark)."""
        db.session.add(Notification(
            user_id=message.recipient_id, outbox_id=message.id, title_zh=message.subject_zh,
            title_en=message.subject_en, body_zh=message.body_zh, body_en=message.body_en,
            link=message.link, created_at=utcnow()))


IN_APP = InAppChannel()


def _insert_ignoring_duplicates(rows: list[dict]) -> None:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the two databases we run on
        raise RuntimeError(f"outbox: unsupported database {dialect}")
    db.session.execute(insert(OutboxMessage).on_conflict_do_nothing(
        index_elements=["dedupe_key"]), rows)


def post(key: str, recipient_ids: list[int], *, subject_zh: str, subject_en: str,
         body_zh: str = "", body_en: str = "", link: str = "",
         followup_id: int | None = None) -> list[int]:
    """Write a message for each recipient and channel into the outbox, in the caller's
    transaction; returns the ids of those messages (new or already there).

    ``key`` names the message (e.g. ``remind:12:1700000000``); posting the same key
    again changes nothing.
    """
    channels = plugins.notification_channels()
    now = utcnow()
    rows = [dict(dedupe_key=f"{key}:{code}:{user_id}", channel=code, recipient_id=user_id,
                 followup_id=followup_id, subject_zh=subject_zh[:200],
                 subject_en=subject_en[:240], body_zh=body_zh, body_en=body_en,
                 link=link[:255], state="pending", attempts=0, created_at=now,
                 last_error="")
            for user_id in dict.fromkeys(recipient_ids) for code in channels]
    if not rows:
        return []
    _insert_ignoring_duplicates(rows)
    return list(db.session.scalars(sa.select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key.in_([r["dedupe_key"] for r in rows]))))


def post_to_customer(key: str, customer_id: int, *, subject_zh: str, subject_en: str,
                     body_zh: str = "", body_en: str = "", link: str = "") -> list[int]:
    """Write a message to a customer (e.g. her survey link) for each channel, in the
    caller's transaction; channels that cannot reach customers skip it (in-app does).
    ``key`` names it: posting it again changes nothing."""
    now = utcnow()
    rows = [dict(dedupe_key=f"{key}:{code}:c{customer_id}", channel=code, recipient_id=None,
                 customer_id=customer_id, followup_id=None, subject_zh=subject_zh[:200],
                 subject_en=subject_en[:240], body_zh=body_zh, body_en=body_en,
                 link=link[:255], state="pending", attempts=0, created_at=now, last_error="")
            for code in plugins.notification_channels()]
    if not rows:
        return []
    _insert_ignoring_duplicates(rows)
    return list(db.session.scalars(sa.select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key.in_([r["dedupe_key"] for r in rows]))))


def _outbound(msg: OutboxMessage) -> OutboundMessage:
    return OutboundMessage(msg.id, msg.dedupe_key, msg.channel, msg.recipient_id or 0,
                           msg.subject_zh, msg.subject_en, msg.body_zh, msg.body_en,
                           msg.link, msg.followup_id, msg.customer_id)


def deliver(message_id: int) -> str:
    """Deliver one outbox message if it is still unsent; commits.

    Returns ``sent``, ``skipped``, ``failed``, ``retry`` or ``nothing`` (already sent,
    claimed by another worker, or unknown). Safe to call any number of times.

    It ends the session's transaction (rolls back what is pending, then commits its own
    work), so it is called after a step has committed, never inside one: a
    :func:`core.transactions.transactional` step that delivered would lose or half-commit
    its own writes, and this refuses (RuntimeError) instead.
    """
    if in_transaction():
        raise RuntimeError("outbox.deliver() inside a @transactional step: deliver the "
                           "message after the step returns (it has committed by then)")
    channel_code = db.session.scalar(sa.select(OutboxMessage.channel).where(
        OutboxMessage.id == message_id))
    db.session.rollback()
    if channel_code is None:
        return "nothing"
    channel = plugins.notification_channels().get(channel_code)
    if channel is None:
        return _finish(message_id, "failed", f"no channel {channel_code!r} is loaded")
    if channel.transactional:
        return _deliver_in_transaction(message_id, channel)
    return _deliver_claimed(message_id, channel)


def _locked(message_id: int, states: tuple[str, ...]) -> OutboxMessage | None:
    return db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.id == message_id,
                                       OutboxMessage.state.in_(states))
        .with_for_update(skip_locked=True))


def _deliver_in_transaction(message_id: int, channel: NotificationChannel) -> str:
    msg = _locked(message_id, ("pending",))
    if msg is None:
        db.session.rollback()
        return "nothing"
    outbound = _outbound(msg)
    if not channel.accepts(outbound):
        msg.state = "skipped"
        db.session.commit()
        return "skipped"
    try:
        channel.deliver(outbound)
        msg.state, msg.sent_at, msg.attempts = "sent", utcnow(), msg.attempts + 1
        db.session.commit()
    except IntegrityError:  # another worker delivered it meanwhile (SQLite has no row locks)
        db.session.rollback()
        return "nothing"
    except Exception as exc:  # a channel's own failure: count it, retry later
        db.session.rollback()
        log.warning("outbox message %s via %s failed: %s", message_id, channel.code,
                    type(exc).__name__)
        return _record_failure(message_id, exc)
    return "sent"


def _deliver_claimed(message_id: int, channel: NotificationChannel) -> str:
    now = utcnow()
    claimed = db.session.execute(
        sa.update(OutboxMessage).where(
            OutboxMessage.id == message_id,
            sa.or_(OutboxMessage.state == "pending",
                   sa.and_(OutboxMessage.state == "sending",
                           OutboxMessage.claimed_at < now - CLAIM_LEASE)))
        .values(state="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
    ).rowcount
    db.session.commit()
    if not claimed:
        return "nothing"
    msg = db.session.get(OutboxMessage, message_id)
    outbound = _outbound(msg)
    db.session.rollback()
    if not channel.accepts(outbound):
        return _finish(message_id, "skipped")
    try:
        channel.deliver(outbound)
    except Exception as exc:
        log.warning("outbox message %s via %s failed: %s", message_id, channel.code,
                    type(exc).__name__)
        return _record_failure(message_id, exc)
    return _finish(message_id, "sent")


def _record_failure(message_id: int, exc: Exception) -> str:
    msg = db.session.get(OutboxMessage, message_id)
    msg.attempts += 0 if msg.state == "sending" else 1
    msg.last_error = f"{type(exc).__name__}: {exc}"[:255]
    msg.state = "failed" if msg.attempts >= MAX_ATTEMPTS else "pending"
    db.session.commit()
    return "failed" if msg.state == "failed" else "retry"


def _finish(message_id: int, state: str, error: str = "") -> str:
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        state=state, sent_at=utcnow() if state == "sent" else None, last_error=error[:255]))
    db.session.commit()
    return state


def unsent_ids(now: dt.datetime, *, settle: dt.timedelta = dt.timedelta(seconds=5),
               limit: int = 5000) -> list[int]:
    """Messages the sweep should (re)deliver: pending for a few seconds, or claimed by a
    worker that has not confirmed within the lease."""
    return list(db.session.scalars(
        sa.select(OutboxMessage.id).where(sa.or_(
            sa.and_(OutboxMessage.state == "pending", OutboxMessage.created_at <= now - settle),
            sa.and_(OutboxMessage.state == "sending",
                    OutboxMessage.claimed_at < now - CLAIM_LEASE)))
        .order_by(OutboxMessage.created_at).limit(limit)))


def supervisors() -> list[int]:
    """Active supervisors (客服主管), or the admins when there is none."""
    for role in ("supervisor", "admin"):
        ids = list(db.session.scalars(sa.select(User.id).where(
            User.role == role, User.active.is_(True)).order_by(User.id)))
        if ids:
            return ids
    return []
