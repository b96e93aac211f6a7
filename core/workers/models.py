"""Workers (阿姨), the service lines each can do, their credentials (证书) and status history."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from ..identity import age_on, check_id_number
from ..timeutil import UTCDateTime, business_today, utcnow

#: Dispatch status of a worker and its label. Labels are msgids: the Chinese text, translated
#: with ``_()`` where shown (English in workers.po).
STATUS_LABELS = {
    "available": "空闲",
    "on_assignment": "服务中",
    "on_leave": "请假",
    "inactive": "停用",
    "blacklisted": "黑名单",
}
STATUSES = tuple(STATUS_LABELS)

#: Grades (等级), lowest first; the order is the sort order.
GRADE_LABELS = {
    "junior": "初级",
    "silver": "银牌",
    "gold": "金牌",
    "platinum": "铂金",
    "diamond": "钻石",
    "crown": "皇冠",
}
GRADES = tuple(GRADE_LABELS)

#: Why a worker was put on the blacklist (黑名单原因).
BLACKLIST_REASON_LABELS = {
    "fraud": "欺诈",
    "serious_complaint": "严重投诉",
    "poor_quality": "服务质量差",
    "breach_of_contract": "严重违约",
    "other": "其他",
}
BLACKLIST_REASONS = tuple(BLACKLIST_REASON_LABELS)

#: Status of the platform certification (58到家认证).
CERTIFICATION_LABELS = {
    "pending": "待认证",
    "certified": "已认证",
    "failed": "未通过",
}
CERTIFICATION_STATUSES = tuple(CERTIFICATION_LABELS)

SEX_LABELS = {"F": "女", "M": "男"}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Worker(db.Model):
    """A worker (阿姨) the company sends to customers.

    Birth date and sex are read from the resident ID number whenever it is set and
    cannot be set otherwise; age is computed, never stored. ``version`` guards edits
    (optimistic locking): SQLAlchemy adds it to every UPDATE and bumps it.
    """

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), index=True)
    id_number: Mapped[str] = mapped_column(sa.String(18), unique=True)
    _birth_date: Mapped[dt.date] = mapped_column("birth_date", sa.Date)
    _sex: Mapped[str] = mapped_column("sex", sa.String(1))
    mobile: Mapped[str] = mapped_column(sa.String(11), index=True)
    hometown: Mapped[str] = mapped_column(sa.String(64))
    dialect: Mapped[str | None] = mapped_column(sa.String(32))
    years_experience: Mapped[int] = mapped_column(default=0)
    grade: Mapped[str] = mapped_column(sa.String(16), default="junior")
    status: Mapped[str] = mapped_column(sa.String(16), default="available", index=True)
    photo_filename: Mapped[str | None] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    line_links: Mapped[list[WorkerServiceLine]] = relationship(
        back_populates="worker", cascade="all, delete-orphan", lazy="selectin",
        order_by="WorkerServiceLine.service_line")
    credentials: Mapped[list[WorkerCredential]] = relationship(
        back_populates="worker", cascade="all, delete-orphan",
        order_by=lambda: (WorkerCredential.kind, WorkerCredential.id))
    status_changes: Mapped[list[WorkerStatusChange]] = relationship(
        back_populates="worker", cascade="all, delete-orphan",
        order_by=lambda: WorkerStatusChange.id.desc())

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(_in("status", STATUSES), name="status_known"),
        sa.CheckConstraint(_in("grade", GRADES), name="grade_known"),
        sa.CheckConstraint("sex IN ('F', 'M')", name="sex_known"),
        sa.CheckConstraint("years_experience BETWEEN 0 AND 60", name="years_experience_range"),
    )

    @validates("id_number")
    def _derive_from_id_number(self, key, value):
        facts = check_id_number(value)
        self._birth_date = facts.birth_date
        self._sex = facts.sex
        return facts.number

    @hybrid_property
    def birth_date(self) -> dt.date:
        """Birth date, as the resident ID number says (derived, read-only)."""
        return self._birth_date

    @hybrid_property
    def sex(self) -> str:
        """"F" or "M", as the resident ID number says (derived, read-only)."""
        return self._sex

    @property
    def age(self) -> int:
        """Full years of age on today's business date."""
        return age_on(self._birth_date, business_today())

    @property
    def service_line_codes(self) -> list[str]:
        """Codes of the service lines (业务线) she can do."""
        return [link.service_line for link in self.line_links]


class WorkerServiceLine(db.Model):
    """That a worker can do a service line; the line is a plugin's code string."""

    __tablename__ = "worker_service_lines"

    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True)
    service_line: Mapped[str] = mapped_column(sa.String(32), primary_key=True, index=True)

    worker: Mapped[Worker] = relationship(back_populates="line_links")


class WorkerCredential(db.Model):
    """A credential (证书) a worker holds: health certificate (健康证), platform
    certification (58到家认证) or a skill certificate a service line introduces.

    A platform certification counts only once ``certification_status`` is "certified".
    """

    __tablename__ = "worker_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    number: Mapped[str | None] = mapped_column(sa.String(64))
    issued_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    expires_on: Mapped[dt.date | None] = mapped_column(sa.Date, index=True)
    certification_status: Mapped[str | None] = mapped_column(sa.String(16))
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    worker: Mapped[Worker] = relationship(back_populates="credentials")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.Index("ix_worker_credentials_worker_kind", "worker_id", "kind"),
        sa.CheckConstraint("expires_on IS NULL OR issued_on IS NULL OR expires_on > issued_on",
                           name="expires_after_issued"),
        sa.CheckConstraint("certification_status IS NULL OR " + _in(
            "certification_status", CERTIFICATION_STATUSES), name="certification_status_known"),
    )


class WorkerStatusChange(db.Model):
    """One change of a worker's status, with its reason (e.g. why she was blacklisted)."""

    __tablename__ = "worker_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    reason_type: Mapped[str | None] = mapped_column(sa.String(32))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    worker: Mapped[Worker] = relationship(back_populates="status_changes")
