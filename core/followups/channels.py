"""Notification channels: how a message reaches a person (in-app, SMS, WeChat …).

A channel is an object with a ``code``, names, and :meth:`NotificationChannel.deliver`.
Plugins add channels through the ``register_notification_channels`` hook; core
registers the in-app channel itself (:mod:`core.followups.outbox`). Value types only:
plugins import them from :mod:`core`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutboundMessage:
    """One message to deliver to one member of staff through one channel.

    ``dedupe_key`` names the message uniquely and stays the same across retries: a
    channel that calls an outside service passes it as that service's idempotency key,
    so a retry after a crash cannot send twice.
    """

    id: int
    dedupe_key: str
    channel: str
    recipient_id: int
    subject_zh: str
    subject_en: str
    body_zh: str
    body_en: str
    link: str
    followup_id: int | None = None
    #: set instead of a member of staff for a message to a customer (a survey link, with
    #: ``recipient_id`` 0): only a channel that can reach customers (SMS, WeChat) accepts it
    customer_id: int | None = None


class NotificationChannel:
    """Base class of a channel. Subclasses set ``code`` (unique), ``name_zh``/``name_en``
    and implement :meth:`deliver`.

    ``transactional = True`` means :meth:`deliver` only writes rows to the database
    session (like the in-app channel): core commits them together with marking the
    message sent, which makes delivery exactly-once. Other channels are called after the
    message is claimed, with the message's ``dedupe_key`` for the outside service.
    """

    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    transactional: bool = False

    def accepts(self, message: OutboundMessage) -> bool:
        """Whether this channel should carry ``message`` (e.g. the recipient has a
        WeChat id); a refused message is marked skipped for this channel."""
        return True

    def deliver(self, message: OutboundMessage) -> None:
        """Send the message; raise to report a failure (it is retried later)."""
        raise NotImplementedError
