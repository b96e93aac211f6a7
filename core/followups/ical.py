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


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets (RFC 5545 §3.1), continuation lines start with a space."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _stamp(ts: dt.datetime) -> str:
    return ts.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def feed(user: User, host: str = "jiazheng", lang: str = "zh") -> str:
    """The user's follow-ups from two weeks ago to four months ahead, as an iCalendar."""
    now = utcnow()
    rows = db.session.execute(
        sa.select(FollowUp, Order.number).outerjoin(Order, Order.id == FollowUp.order_id)
        .where(FollowUp.assignee_id == user.id, FollowUp.state != "cancelled",
               FollowUp.due_at >= now - PAST, FollowUp.due_at < now + AHEAD)
        .order_by(FollowUp.due_at, FollowUp.id)).all()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Jiazheng//Follow-ups//ZH",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_escape('回访' if lang == 'zh' else 'Follow-ups')}",
             "X-WR-TIMEZONE:Asia/Shanghai"]
    for f, number in rows:
        number = number or f"实习#{f.internship_id}"  # an internship's check-in
        title = f.title_zh if lang == "zh" else f.title_en
        script = f.script_zh if lang == "zh" else f.script_en
        done = f.state == "done"
        lines += ["BEGIN:VEVENT", f"UID:followup-{f.id}@{host}", f"DTSTAMP:{_stamp(now)}",
                  f"DTSTART:{_stamp(f.due_at)}",
                  f"DTEND:{_stamp(f.due_at + dt.timedelta(minutes=EVENT_MINUTES))}",
                  f"SUMMARY:{_escape(('✓ ' if done else '') + f'{number} · {title}')}",
                  f"DESCRIPTION:{_escape(script)}", f"SEQUENCE:{f.version}",
                  "STATUS:CONFIRMED", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
