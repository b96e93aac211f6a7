"""The dispatcher's work for today (今日待办) at the top of the home page.

Four questions a desk answers every morning — which calls are due, which orders wait
for a worker, which interviews happen today, which contracts wait to be signed — each
with its count and a link to the list filtered to exactly those records. A dispatcher
sees her own (her follow-ups, her orders); a supervisor or admin sees the desk's.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from ..access import current_principal

DESK = ("dispatcher", "supervisor", "admin")


def work_for_today() -> list[dict]:
    """Rows ``{key, label, count, href, tone}`` for the person looking; empty for roles
    that do not work the desk."""
    from ..followups.queries import counts
    from ..orders.queries import todo_counts

    user = current_principal()
    if user is None or user.role not in DESK:
        return []
    mine = user.role == "dispatcher"
    who = {"assignee_id": user.id} if mine else {}
    owner = {"dispatcher_id": user.id} if mine else {}
    calls = counts(user.id if mine else None)
    orders = todo_counts(dispatcher_id=user.id if mine else None)
    due = calls["overdue"] + calls["today"]
    return [
        {"key": "calls", "count": due, "tone": "bad" if calls["overdue"] else "warn" if due else "",
         "label": _("今日要打的回访电话") + (
             _("（其中逾期 %(n)s）", n=calls["overdue"]) if calls["overdue"] else ""),
         "href": url_for("followups.index", bucket="overdue" if calls["overdue"] and
                         not calls["today"] else "today", **who)},
        {"key": "waiting", "count": orders["waiting"], "tone": "warn" if orders["waiting"] else "",
         "label": _("等待派阿姨的订单"),
         "href": url_for("orders.index", state="matching", **owner)},
        {"key": "interviews", "count": orders["interviews"], "tone": "",
         "label": _("今天的面试"),
         "href": url_for("orders.index", todo="interview_today", **owner)},
        {"key": "contracts", "count": orders["contracts"],
         "tone": "warn" if orders["contracts"] else "",
         "label": _("待签的合同"),
         "href": url_for("orders.index", todo="contract_to_sign", **owner)},
    ]
