"""A personal calendar feed (iCalendar, RFC 5545) of one's follow-ups, at a private URL.

The URL carries a secret token; only its SHA-256 is stored. Issuing a new token
replaces the old one (the old URL stops working), revoking deletes it. The feed holds
the order number, the kind and title of each follow-up and the script — never the
customer's name, address or phone number.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import icalendar
import sqlalchemy as sa

from ..accounts.models import User
from ..extensions import db
from ..orders.models import Order
from ..timeutil import utcnow
from .models import CalendarToken, FollowUp

#: what the feed covers around today
PAST = dt.timedelta(days=14)
AHEAD = dt.timedelta(days=120)
EVENT_MINUTES = 15


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user_id: int) -> str:
    """A new secret token for the user's feed, replacing any earlier one (doesn't commit).
    The token itself is returned once and never stored."""
    token = secrets.token_urlsafe(24)
    row = db.session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == user_id))
    if row is None:
        db.session.add(CalendarToken(user_id=user_id, token_hash=_digest(token),
                                     created_at=utcnow()))
    else:
        row.token_hash, row.created_at = _digest(token), utcnow()
    return token


def revoke_token(user_id: int) -> bool:
    """Stop the user's feed URL from working; True when there was one."""
    return bool(db.session.execute(sa.delete(CalendarToken).where(
        CalendarToken.user_id == user_id)).rowcount)


def has_token(user_id: int) -> CalendarToken | None:
    """The user's token record (not the token), or None."""
    return db.session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == user_id))


def user_for_token(token: str) -> User | None:
    """The active user whose feed this token opens, or None."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(sa.select(User).join(CalendarToken, CalendarToken.user_id == User.id)
                             .where(CalendarToken.token_hash == _digest(token)))
    return user if user is not None and user.active else None


def feed(user: User, host: str = "jiazheng", lang: str = "zh") -> str:
    """The user's follow-ups from two weeks ago to four months ahead, as an iCalendar
    (written by the ``icalendar`` package: escaping, line folding and UTC stamps)."""
    now = utcnow()
    rows = db.session.execute(
        sa.select(FollowUp, Order.number).outerjoin(Order, Order.id == FollowUp.order_id)
        .where(FollowUp.assignee_id == user.id, FollowUp.state != "cancelled",
               FollowUp.due_at >= now - PAST, FollowUp.due_at < now + AHEAD)
        .order_by(FollowUp.due_at, FollowUp.id)).all()
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", "-//Jiazheng//Follow-ups//ZH")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "回访" if lang == "zh" else "Follow-ups")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    for f, number in rows:
        number = number or f"实习#{f.internship_id}"  # an internship's check-in
        title = f.title_zh if lang == "zh" else f.title_en
        script = f.script_zh if lang == "zh" else f.script_en
        done = f.state == "done"
        event = icalendar.Event()
        event.add("uid", f"followup-{f.id}@{host}")
        event.add("dtstamp", _utc(now))
        event.add("dtstart", _utc(f.due_at))
        event.add("dtend", _utc(f.due_at + dt.timedelta(minutes=EVENT_MINUTES)))
        event.add("summary", ("✓ " if done else "") + f"{number} · {title}")
        event.add("description", script)
        event.add("sequence", f.version)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical().decode()


def _utc(ts: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC time (written ``…Z``)."""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.timezone.utc)
    return ts.astimezone(dt.timezone.utc).replace(microsecond=0)
