"""What the audit page shows for a row (操作记录): actions, record types and changed fields
in words of the interface's language, and the record's name instead of its id — the
order's JZ number, the customer's name as the reader may see it (docs/privacy.md), the
worker's, trainee's or staff member's name.

Names are looked up for a whole page at once (one query per kind of record), never per
row. Anything without a label here shows its code, so a new action is still readable.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db

#: action → (zh, en)
ACTIONS = {
    "create": ("新建", "Created"),
    "update": ("修改", "Changed"),
    "delete": ("删除", "Deleted"),
    "status": ("状态变更", "State changed"),
    "import": ("导入", "Imported"),
    "export": ("导出", "Exported"),
    "read": ("查阅", "Read"),
    "reveal": ("显示完整号码", "Revealed the number"),
    "search": ("搜索", "Searched"),
    "verify": ("核验", "Verified"),
    "outcome": ("记录结果", "Outcome recorded"),
    "read_denied": ("查阅被拒", "Read refused"),
    "change_denied": ("修改被拒", "Change refused"),
    "grant": ("批准查阅", "Access granted"),
    "grant_request": ("申请查阅", "Access requested"),
    "grant_refused": ("驳回查阅申请", "Access refused"),
    "grant_revoked": ("撤销授权", "Access revoked"),
    "grant_withdrawn": ("撤回申请", "Request withdrawn"),
    "login_lockout": ("登录锁定", "Login locked out"),
    "holiday_schedule_saved": ("保存放假安排", "Holiday schedule saved"),
    "destroyed": ("销毁", "Destroyed"),
    "destruction_proposed": ("提议销毁", "Destruction proposed"),
    "destruction_approved": ("批准销毁", "Destruction approved"),
    "destruction_cancelled": ("取消销毁", "Destruction cancelled"),
}

#: record type → (zh, en)
TYPES = {
    "order": ("订单", "Order"),
    "customer": ("客户", "Customer"),
    "worker": ("阿姨", "Worker"),
    "trainee": ("学员", "Trainee"),
    "user": ("员工账号", "Staff account"),
    "order_contract": ("合同", "Contract"),
    "order_payment": ("收款", "Payment"),
    "order_approval": ("特批", "Approval"),
    "followup": ("回访", "Follow-up"),
    "visit": ("上门服务", "Visit"),
    "massage_session": ("推拿课次", "Massage session"),
    "interview": ("面试", "Interview"),
    "complaint": ("投诉", "Complaint"),
    "complaint_resolution": ("投诉处理", "Complaint resolution"),
    "complaint_consequence": ("投诉处理结果", "Complaint consequence"),
    "complaint_level": ("投诉等级", "Complaint level"),
    "evaluation": ("评价", "Evaluation"),
    "mediation_case": ("调解", "Mediation"),
    "worker_credential": ("阿姨证件", "Worker credential"),
    "customer_excluded_worker": ("客户不派阿姨", "Worker excluded by customer"),
    "willingness": ("阿姨意愿", "Worker willingness"),
    "profile_sending": ("发送简历", "Profile sent"),
    "partner": ("合作方", "Partner"),
    "price_table": ("价目表", "Price table"),
    "survey": ("满意度调查", "Survey"),
    "quality_check": ("质检", "Quality check"),
    "quality_sample": ("质检抽样", "Quality sample"),
    "quality_standard": ("质检标准", "Quality standard"),
    "service_agreement": ("服务协议", "Service agreement"),
    "agreement_template": ("协议模板", "Agreement template"),
    "certification_list": ("认证名单", "Certification list"),
    "exam_batch": ("体检批次", "Exam batch"),
    "exam_exception": ("体检异常", "Exam exception"),
    "group_interview": ("群面会", "Group interview"),
    "internship": ("医院实习", "Internship"),
    "registration_handover": ("登记表交接", "Registration hand-over"),
    "holiday_schedule": ("放假安排", "Holiday schedule"),
    "kpi_weights": ("绩效权重", "KPI weights"),
    "monthly_report": ("月报", "Monthly report"),
    "supervisor_task": ("主管任务", "Supervisor task"),
    "tool_item": ("工具", "Tool"),
    "tool_kit": ("工具包", "Tool kit"),
    "audit_event": ("操作记录", "Audit trail"),
}

#: changed field → (zh, en)
FIELDS = {
    "state": ("状态", "State"),
    "status": ("状态", "Status"),
    "agreed_price": ("成交价", "Agreed price"),
    "quote_total": ("报价", "Quote"),
    "customer_id": ("客户", "Customer"),
    "dispatcher_id": ("负责客服", "Dispatcher"),
    "worker_id": ("阿姨", "Worker"),
    "service_line": ("业务线", "Service line"),
    "note": ("备注", "Note"),
    "cancel_note": ("取消说明", "Cancellation note"),
    "cancel_reason": ("取消原因", "Cancellation reason"),
    "address_text": ("服务地址", "Service address"),
    "start_date": ("上户日期", "Start date"),
    "end_date": ("下户日期", "End date"),
    "name": ("姓名", "Name"),
    "mobile": ("手机号", "Mobile"),
    "confidentiality": ("保密级别", "Confidentiality"),
    "grade": ("等级", "Grade"),
    "role": ("角色", "Role"),
    "active": ("启用", "Active"),
    "reason": ("原因", "Reason"),
    "service_fee": ("服务费", "Service fee"),
    "worker_salary": ("阿姨工资", "Worker's salary"),
    "deposit": ("定金", "Deposit"),
    "amount": ("金额", "Amount"),
    "q": ("搜索内容", "Search"),
    "intake": ("需求信息", "Intake"),
    "version": ("版本", "Version"),
    "scheduled_at": ("时间", "Time"),
    "place": ("地点", "Place"),
    "signed_on": ("签订日期", "Signed on"),
    "level": ("级别", "Level"),
    "expires_at": ("到期时间", "Expires"),
}

#: fields whose value is the id of another record, and the record's type
REFERENCES = {"customer_id": "customer", "worker_id": "worker", "dispatcher_id": "user",
              "order_id": "order", "trainee_id": "trainee"}


def label(table: dict, code, lang: str) -> str:
    """The label of ``code`` in ``lang`` (its code when it has none)."""
    pair = table.get(code)
    return (pair[0] if lang == "zh" else pair[1]) if pair else str(code)


def names_for(events, reader) -> dict[tuple[str, int], str]:
    """``{(type, id): name}`` for the records the page's events name, as ``reader`` may
    see them: orders by JZ number, customers by the name the privacy matrix shows, workers,
    trainees and staff by name. One query per kind of record."""
    from ..accounts.models import User
    from ..customers import disclosure
    from ..customers.models import Customer
    from ..orders.models import Order
    from ..trainees.models import Trainee
    from ..workers.models import Worker

    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.entity_id is not None:
            wanted.setdefault(e.entity_type, set()).add(e.entity_id)
        for key, kind in REFERENCES.items():
            for value in (e.changes or {}).get(key) or ():
                if isinstance(value, int):
                    wanted.setdefault(kind, set()).add(value)
    out: dict[tuple[str, int], str] = {}

    def fetch(kind, model, column):
        ids = wanted.get(kind)
        if ids:
            for rid, name in db.session.execute(sa.select(model.id, column)
                                                .where(model.id.in_(ids))):
                out[(kind, rid)] = name

    fetch("order", Order, Order.number)
    fetch("worker", Worker, Worker.name)
    fetch("trainee", Trainee, Trainee.name)
    fetch("user", User, User.display_name)
    if wanted.get("customer"):
        for customer in db.session.scalars(sa.select(Customer).where(
                Customer.id.in_(wanted["customer"]))):
            out[("customer", customer.id)] = disclosure.shown_name(customer, reader)
    return out
