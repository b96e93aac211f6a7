"""The company's identity as printed on contracts and service agreements (config
``COMPANY``) — read by :mod:`core.orders.contracts` and :mod:`core.placement.service`."""
from __future__ import annotations

from flask import current_app

DEFAULT_COMPANY = {"name": "家政服务有限公司", "address": "", "phone": ""}


def company_party() -> dict:
    """The company's identity as printed on contracts (config ``COMPANY``)."""
    return {**DEFAULT_COMPANY, **(current_app.config.get("COMPANY") or {})}
