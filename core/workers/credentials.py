"""Credentials (证书) of workers: their states and the changes made to them.

A credential is *valid*, *expiring* (its expiry date falls within
``CREDENTIAL_EXPIRING_DAYS`` of today's business date, today included) or *expired*
(its expiry date is before today). For each kind a worker is required to hold — the
health certificate (健康证) plus the kinds her service lines require — her state is
that of her best counting credential of that kind (the latest expiry; no expiry beats
any date), or *missing* when she has none. A platform certification (58到家认证) counts
only once certified.

The same rules exist twice on purpose: in Python for one worker's page, and in SQL
(:func:`state_clause`) so lists filter by state without loading every worker.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from ..audit.service import diff, record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..plugins import credential_kinds, service_lines
from ..timeutil import business_today, utcnow
from .locking import check_version, flush
from .models import Worker, WorkerCredential, WorkerServiceLine
from .status import apply_status

VALID, EXPIRING, EXPIRED, MISSING = "valid", "expiring", "expired", "missing"
KIND_STATES = (VALID, EXPIRING, EXPIRED, MISSING)
#: label (msgid) of each state, shown on badges ``state-<state>``
STATE_LABELS = {
    VALID: "有效",
    EXPIRING: "即将到期",
    EXPIRED: "已过期",
    MISSING: "缺失",
    "pending": "待认证",
    "failed": "未通过",
}
#: badge class of each state (an uncertified platform certification shows as missing/expired)
STATE_CLASSES = {VALID: "state-valid", EXPIRING: "state-expiring", EXPIRED: "state-expired",
                 MISSING: "state-missing", "pending": "state-missing", "failed": "state-expired"}

HEALTH = "health_certificate"
PLATFORM = "platform_certification"
_FAR_FUTURE = dt.date(9999, 12, 31)

NOT_FOUND = Msg("No such credential for this worker.", "该阿姨没有这张证书。")


def expiring_days() -> int:
    """How many days ahead a credential counts as expiring (config CREDENTIAL_EXPIRING_DAYS)."""
    return int(current_app.config["CREDENTIAL_EXPIRING_DAYS"])


def state_on(expires_on: dt.date | None, today: dt.date, days: int) -> str:
    """valid / expiring / expired for an expiry date seen from ``today``."""
    if expires_on is None:
        return VALID
    if expires_on < today:
        return EXPIRED
    if expires_on <= today + dt.timedelta(days=days):
        return EXPIRING
    return VALID


def counts(credential: WorkerCredential) -> bool:
    """Whether a credential counts towards her required kinds (58到家 only once certified)."""
    return credential.kind != PLATFORM or credential.certification_status == "certified"


def credential_state(credential: WorkerCredential, today: dt.date | None = None) -> str:
    """State of one credential; an uncertified platform certification is pending/failed."""
    if not counts(credential):
        return credential.certification_status or "pending"
    return state_on(credential.expires_on, today or business_today(), expiring_days())


@dataclass(frozen=True)
class KindState:
    """Her state for one required credential kind, and the credential it comes from."""

    kind: str
    state: str
    expires_on: dt.date | None = None
    credential_id: int | None = None


def required_kinds(line_codes) -> list[str]:
    """Kinds a worker of these service lines must hold: 健康证 first, then the lines' kinds."""
    kinds = [HEALTH]
    lines = service_lines()
    for code in line_codes:
        line = lines.get(code)
        for kind in line.required_credentials if line else ():
            if kind not in kinds:
                kinds.append(kind)
    return kinds


def _best(credentials) -> WorkerCredential | None:
    held = [c for c in credentials if counts(c)]
    return max(held, key=lambda c: (c.expires_on or _FAR_FUTURE, c.id or 0), default=None)


def kind_state(worker: Worker, kind: str, today: dt.date | None = None) -> KindState:
    """Her state for one credential kind (missing when she holds no counting one)."""
    best = _best(c for c in worker.credentials if c.kind == kind)
    if best is None:
        return KindState(kind, MISSING)
    state = state_on(best.expires_on, today or business_today(), expiring_days())
    return KindState(kind, state, best.expires_on, best.id)


def kind_states(worker: Worker, today: dt.date | None = None) -> list[KindState]:
    """Her state for every kind she is required to hold, 健康证 first."""
    today = today or business_today()
    return [kind_state(worker, k, today) for k in required_kinds(worker.service_line_codes)]


# ------------------------------------------------------------------------ the same in SQL


def lines_requiring(kind: str) -> list[str]:
    """Codes of the service lines that require a credential kind."""
    return [code for code, line in service_lines().items() if kind in line.required_credentials]


def _best_expiry(kind: str):
    """Per worker (correlated): the latest expiry of her counting credentials of a kind;
    far future when one never expires; NULL when she has none."""
    c = WorkerCredential
    counting = sa.or_(c.kind != PLATFORM, c.certification_status == "certified")
    return (sa.select(sa.func.max(sa.func.coalesce(c.expires_on, sa.literal(_FAR_FUTURE, sa.Date))))
            .where(c.worker_id == Worker.id, c.kind == kind, counting)
            .correlate(Worker).scalar_subquery())


def _requires(kind: str):
    if kind == HEALTH:
        return sa.true()
    codes = lines_requiring(kind)
    if not codes:
        return sa.false()
    return sa.exists().where(WorkerServiceLine.worker_id == Worker.id,
                             WorkerServiceLine.service_line.in_(codes))


def state_clause(kind: str, state: str, today: dt.date | None = None):
    """SQL condition on ``Worker``: her state for ``kind`` is ``state``.

    ``missing`` means she is required to hold the kind (健康证 always; other kinds when
    one of her lines requires it) and holds no counting credential of it.
    """
    today = today or business_today()
    horizon = today + dt.timedelta(days=expiring_days())
    best = _best_expiry(kind)
    if state == MISSING:
        return sa.and_(best.is_(None), _requires(kind))
    if state == EXPIRED:
        return best < today
    if state == EXPIRING:
        return sa.and_(best >= today, best <= horizon)
    if state == VALID:
        return best > horizon
    raise ValueError(f"unknown credential state {state!r}")


# ---------------------------------------------------------------------------- the changes

KIND_UNKNOWN = Msg("Unknown credential kind.", "不认识的证书类型。")
_NEEDED = Msg("Required for this kind of credential.", "此类证书必须填写此项。")
_ONLY_PLATFORM = Msg("Only the platform certification (58 Daojia) has a certification status.",
                     "只有 58到家认证 才有认证状态。")
_AFTER_ISSUE = Msg("The expiry date must be after the issue date.", "到期日期必须晚于发证日期。")
_FUTURE_ISSUE = Msg("The issue date cannot be in the future.", "发证日期不能晚于今天。")


def check_rules(values: dict, today: dt.date | None = None) -> dict:
    """Field errors (``{field: [Msg]}``) of a credential's values; empty when it is sound.

    Number and issue date are needed, and the expiry date when the kind expires —
    except for a platform certification not (yet) certified, which has none yet.
    """
    errors: dict[str, list] = {}
    kind = credential_kinds().get(values.get("kind"))
    if kind is None:
        return {"kind": [KIND_UNKNOWN]}
    status = values.get("certification_status")
    if kind.code != PLATFORM and status is not None:
        errors["certification_status"] = [_ONLY_PLATFORM]
    documented = kind.code != PLATFORM or status == "certified"
    needed = ["number", "issued_on"] + (["expires_on"] if kind.expires else [])
    for name in needed if documented else ():
        if values.get(name) in (None, ""):
            errors[name] = [_NEEDED]
    issued, expires = values.get("issued_on"), values.get("expires_on")
    if issued and issued > (today or business_today()):
        errors.setdefault("issued_on", []).append(_FUTURE_ISSUE)
    if issued and expires and expires <= issued:
        errors.setdefault("expires_on", []).append(_AFTER_ISSUE)
    return errors


_FIELDS = ("kind", "number", "issued_on", "expires_on", "certification_status")


def snapshot(cred: WorkerCredential) -> dict:
    """The audited values of a credential."""
    return {"worker_id": cred.worker_id, **{f: getattr(cred, f) for f in _FIELDS},
            "verified_by_id": cred.verified_by_id}


def get_credential(worker: Worker, credential_id: int) -> WorkerCredential:
    """One of her credentials, or 404."""
    cred = db.session.get(WorkerCredential, credential_id)
    if cred is None or cred.worker_id != worker.id:
        raise NotFound(NOT_FOUND)
    return cred


def add_credential(worker: Worker, data: dict, actor=None) -> WorkerCredential:
    """Record a credential she holds (e.g. a new 健康证 received from the hospital)."""
    values = {f: data.get(f) for f in _FIELDS}
    if values["kind"] == PLATFORM and values["certification_status"] is None:
        values["certification_status"] = "pending"
    errors = check_rules(values)
    if errors:
        raise Invalid(fields=errors)
    actor_id = actor.id if actor else None
    cred = WorkerCredential(worker=worker, created_by_id=actor_id, updated_by_id=actor_id,
                            **values)
    db.session.add(cred)
    flush()
    record("create", "worker_credential", cred.id, f"worker #{worker.id}: {cred.kind}",
           diff({}, snapshot(cred)))
    if cred.kind == HEALTH:
        _apply_health_rule(worker)
    return cred


def _apply_health_rule(worker: Worker) -> None:
    """Her 健康证 changed: if she is available and it has expired, off dispatch now."""
    db.session.expire(worker, ["credentials"])
    suspend_if_health_expired(worker)


def suspend_if_health_expired(worker: Worker) -> bool:
    """Take her off dispatch now (停用, audited) if she is available and her 健康证 has
    expired — the nightly rule for one worker, after her certificates changed."""
    if worker.status != "available" or \
            kind_state(worker, HEALTH).state != EXPIRED:
        return False
    reason = ("health certificate expired (健康证已过期), checked "
              f"{business_today().isoformat()}")
    apply_status(worker, "inactive", None, reason, None)
    flush()
    return True


def update_credential(cred: WorkerCredential, data: dict, actor=None) -> WorkerCredential:
    """Correct a credential; changed facts clear its verification (they must be re-checked)."""
    check_version(cred, data.get("version"))
    before = snapshot(cred)
    values = {f: data.get(f, getattr(cred, f)) for f in _FIELDS}
    errors = check_rules(values)
    if errors:
        raise Invalid(fields=errors)
    for name in _FIELDS[1:]:
        setattr(cred, name, values[name])
    if any(before[f] != values[f] for f in _FIELDS):
        cred.verified_by_id, cred.verified_at = None, None
    cred.updated_at, cred.updated_by_id = utcnow(), actor.id if actor else None
    flush()
    record("update", "worker_credential", cred.id, f"worker #{cred.worker_id}: {cred.kind}",
           diff(before, snapshot(cred)))
    if cred.kind == HEALTH:
        _apply_health_rule(cred.worker)
    return cred


def verify_credential(cred: WorkerCredential, version: int | None = None,
                      actor=None) -> WorkerCredential:
    """Record that a member of staff checked the original document (核验)."""
    check_version(cred, version)
    if cred.verified_at is not None:
        raise Conflict(Msg("This credential is already verified.", "该证书已核验。"))
    if not counts(cred):
        raise Conflict(Msg("Only a certified platform certification can be verified.",
                           "58到家认证通过后才能核验。"))
    before = snapshot(cred)
    cred.verified_by_id, cred.verified_at = (actor.id if actor else None), utcnow()
    cred.updated_at = cred.verified_at
    flush()
    record("verify", "worker_credential", cred.id, f"worker #{cred.worker_id}: {cred.kind}",
           diff(before, snapshot(cred)))
    return cred


def delete_credential(cred: WorkerCredential, version: int | None = None) -> None:
    """Remove a credential recorded in error; the audit keeps what it was."""
    check_version(cred, version)
    before = snapshot(cred)
    record("delete", "worker_credential", cred.id, f"worker #{cred.worker_id}: {cred.kind}",
           diff(before, {}))
    worker, kind = cred.worker, cred.kind
    db.session.delete(cred)
    flush()
    if kind == HEALTH:
        _apply_health_rule(worker)
