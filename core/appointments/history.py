"""The order history entries (订单历史) of the line-specific steps, declared with
:func:`core.orders.events.event_kind` so the order page lists them with their labels.

Entries are added without touching the order row (``touch=False``): recording a visit,
a session or an interview never makes someone else's open order page stale.
"""
from __future__ import annotations

from ..orders.events import add_event, event_kind
from ..orders.models import Order

KINDS = {
    "visits_planned": ("生成上门计划", "Visits planned"),
    "visit_moved": ("调整上门时间", "Visit moved"),
    "visit_cancelled": ("取消上门", "Visit cancelled"),
    "visit_started": ("开始上门服务", "Visit started"),
    "visit_finished": ("阿姨报完工", "Finish reported"),
    "visit_confirmed": ("客户确认完工并简单回访", "Finish confirmed, short follow-up made"),
    "visit_sheet_returned": ("上户表交回归档", "Service sheet returned and filed"),
    "tools_checked_out": ("领工具", "Tools checked out"),
    "tools_returned": ("工具清点归还", "Tools counted back in"),
    "session_booked": ("预约推拿", "Session booked"),
    "session_moved": ("推拿改约", "Session moved"),
    "session_cancelled": ("取消推拿预约", "Session cancelled"),
    "session_done": ("完成推拿", "Session done"),
    "interview_arranged": ("安排面试", "Interview arranged"),
    "interview_moved": ("调整面试", "Interview moved"),
    "interview_cancelled": ("取消面试", "Interview cancelled"),
    "interview_outcome": ("面试结果", "Interview outcome"),
}
for _code, (_zh, _en) in KINDS.items():
    event_kind(_code, _zh, _en)


def note(order: Order, kind: str, actor_id: int | None, text: str = "",
         data: dict | None = None) -> None:
    """Add an entry of ``kind`` (one of :data:`KINDS`) to the order's history."""
    if kind not in KINDS:
        raise ValueError(f"unknown appointments history kind {kind!r}")
    add_event(order, kind, actor_id, note=text, data=data, touch=False)
