"""Graduation (转为阿姨): one step turns a certified trainee into a worker.

Her identity (name, ID number, mobile, hometown), the service lines of her intended job
(意向工种) and her credentials — the health certificate (健康证) with its dates and the
platform certification (58到家认证) — are carried into the workers area through its own
service functions, so nothing is typed twice. Graduating twice is refused (409).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..access import current_principal
from ..extensions import db
from ..messages import Msg
from ..timeutil import business_today, to_business, utcnow
from .models import CertificationEntry, Trainee
from .pipeline import move, refuse

ALREADY = Msg("She has already graduated to a worker (worker #{id}).",
              "她已转为阿姨（阿姨编号 {id}）。")
NOT_CERTIFIED = Msg("She is not certified by the platform (58 Daojia) yet.",
                    "她尚未通过58到家认证。")
NO_VALID_CERTIFICATE = Msg("No valid health certificate.", "没有有效的健康证。")
NO_HOMETOWN = Msg("Her hometown (籍贯) is missing; complete her details first.",
                  "缺少籍贯，请先补全她的信息。")


def _certified_entry(trainee: Trainee) -> CertificationEntry:
    return db.session.scalars(sa.select(CertificationEntry).where(
        CertificationEntry.trainee_id == trainee.id,
        CertificationEntry.result == "certified").order_by(CertificationEntry.id.desc())).first()


def graduate(trainee: Trainee, service_lines: list[str] | None = None,
             today: dt.date | None = None):
    """Create her worker record with identity, service lines and credentials; 409 when she
    already graduated, is not certified or has no valid health certificate. Returns the
    :class:`core.workers.models.Worker` created."""
    today = today or business_today()
    if trainee.stage == "graduated" or trainee.worker_id:
        refuse(ALREADY.format(id=trainee.worker_id), code="already_graduated")
    if trainee.stage != "certified":
        refuse(NOT_CERTIFIED, code="not_certified")
    cert = trainee.certificate
    if cert is None or not cert.valid_on(today):
        refuse(NO_VALID_CERTIFICATE, code="no_valid_health_certificate")
    if not trainee.hometown:
        refuse(NO_HOMETOWN, code="details_incomplete")
    # the workers area's own service functions create the worker and her credentials
    from ..workers import credentials as worker_credentials
    from ..workers import service as worker_service

    entry = _certified_entry(trainee)
    actor = current_principal()
    worker = worker_service.create_worker({
        "name": trainee.name, "id_number": trainee.id_number, "mobile": trainee.mobile,
        "hometown": trainee.hometown,
        "service_lines": list(service_lines if service_lines is not None
                              else trainee.service_lines or []),
    }, actor=actor)
    worker_credentials.add_credential(worker, {
        "kind": worker_credentials.HEALTH, "number": cert.number,
        "issued_on": cert.issued_on, "expires_on": cert.expires_on}, actor=actor)
    worker_credentials.add_credential(worker, {
        "kind": worker_credentials.PLATFORM, "number": entry.platform_number,
        "issued_on": to_business(entry.result_at).date(), "expires_on": entry.certified_until,
        "certification_status": "certified"}, actor=actor)
    trainee.worker_id, trainee.graduated_at = worker.id, utcnow()
    move(trainee, "graduated", f"graduated to worker #{worker.id}")
    return worker
