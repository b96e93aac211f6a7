"""Workers API: workers (阿姨), their status, photo and credentials (证书). Thin: parse,
call the service, commit, respond."""
import base64

from flask_smorest import Blueprint

from ..access import current_principal, roles
from ..errors import NotFound
from ..extensions import db
from ..messages import Msg
from . import credentials, photos, service
from .schemas import (
    CredentialCreateSchema,
    CredentialSchema,
    CredentialUpdateSchema,
    PhotoSchema,
    PhotoUploadSchema,
    StatusChangeSchema,
    VersionSchema,
    WorkerCreateSchema,
    WorkerDetailSchema,
    WorkerPageSchema,
    WorkerQuerySchema,
    WorkerUpdateSchema,
)
from .service import READ_ROLES, WRITE_ROLES

blp = Blueprint("workers_api", __name__, url_prefix="/api/v1/workers",
                description="Workers (阿姨) and their credentials (证书)")

def _shown(worker):
    """Audit the read when this response carries her full ID number."""
    if service.sees_full_id(current_principal()):
        service.record_full_id_read(worker)
        db.session.commit()
    return worker


@blp.route("", methods=["GET"])
@roles(*READ_ROLES)
@blp.arguments(WorkerQuerySchema, location="query")
@blp.response(200, WorkerPageSchema)
def list_workers(args):
    """List workers: search (name, mobile, ID-number tail), filters incl. credential
    states (``health_state``, ``credential_kind`` + ``credential_state``), sort, pages.
    A worker whose 健康证 has expired is never listed as available (the nightly rule is
    applied first if it has not run today)."""
    service.catch_up_expired_health()
    return service.search(**args)


@blp.route("", methods=["POST"])
@roles(*WRITE_ROLES)
@blp.arguments(WorkerCreateSchema)
@blp.response(201, WorkerDetailSchema)
def create_worker(data):
    """Register a worker; a registered ID number is refused with 409."""
    worker = service.create_worker(data, current_principal())
    db.session.commit()
    return worker


@blp.route("/<int:worker_id>", methods=["GET"])
@roles(*READ_ROLES)
@blp.response(200, WorkerDetailSchema)
def get_worker(worker_id):
    """One worker with her credentials; a full ID number shown is audited as a read."""
    service.catch_up_expired_health()
    return _shown(service.get_worker(worker_id))


@blp.route("/<int:worker_id>", methods=["PATCH"])
@roles(*WRITE_ROLES)
@blp.arguments(WorkerUpdateSchema)
@blp.response(200, WorkerDetailSchema)
def update_worker(data, worker_id):
    """Change a worker; send the ``version`` you read (stale → 409, reload)."""
    worker = service.update_worker(service.get_worker(worker_id), data, current_principal())
    db.session.commit()
    return _shown(worker)


@blp.route("/<int:worker_id>/status", methods=["POST"])
@roles(*WRITE_ROLES)
@blp.arguments(StatusChangeSchema)
@blp.response(200, WorkerDetailSchema)
def change_status(data, worker_id):
    """Change her status. Blacklisting needs ``reason_type`` and ``reason``; leaving the
    blacklist needs an admin or supervisor and a ``reason``."""
    worker = service.change_status(service.get_worker(worker_id), data["status"],
                                   reason_type=data["reason_type"], reason=data["reason"],
                                   version=data["version"], actor=current_principal())
    db.session.commit()
    return _shown(worker)


@blp.route("/<int:worker_id>/photo", methods=["PUT"])
@roles(*WRITE_ROLES)
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(200, WorkerDetailSchema)
def put_photo(files, worker_id):
    """Upload her photo (multipart field ``photo``: JPEG or PNG, at most 2 MB)."""
    worker = service.get_worker(worker_id)
    data, kind = photos.read_upload(files["photo"])
    new, old = service.set_photo(worker, data, kind, current_principal())
    service.commit_files(added=new, removed=old)
    return _shown(worker)


@blp.route("/<int:worker_id>/photo", methods=["DELETE"])
@roles(*WRITE_ROLES)
@blp.response(204)
def delete_photo(worker_id):
    """Remove her photo."""
    old = service.remove_photo(service.get_worker(worker_id), current_principal())
    service.commit_files(removed=old)


@blp.route("/<int:worker_id>/photo", methods=["GET"])
@roles(*WRITE_ROLES)
@blp.response(200, PhotoSchema)
def get_photo(worker_id):
    """Her photo, base64-encoded (staff who dispatch or train only)."""
    worker = service.get_worker(worker_id)
    path = photos.path_of(worker.photo_filename)
    if path is None:
        raise NotFound(Msg("She has no photo.", "该阿姨没有照片。"))
    data = path.read_bytes()
    return {"content_type": photos.mimetype_of(worker.photo_filename), "size": len(data),
            "data": base64.b64encode(data).decode("ascii")}


# --------------------------------------------------------------------------- credentials


@blp.route("/<int:worker_id>/credentials", methods=["GET"])
@roles(*READ_ROLES)
@blp.response(200, CredentialSchema(many=True))
def list_credentials(worker_id):
    """Her credentials with their computed states."""
    return list(service.get_worker(worker_id).credentials)


@blp.route("/<int:worker_id>/credentials", methods=["POST"])
@roles(*WRITE_ROLES)
@blp.arguments(CredentialCreateSchema)
@blp.response(201, CredentialSchema)
def add_credential(data, worker_id):
    """Record a credential she holds."""
    cred = credentials.add_credential(service.get_worker(worker_id), data, current_principal())
    db.session.commit()
    return cred


@blp.route("/<int:worker_id>/credentials/<int:credential_id>", methods=["PATCH"])
@roles(*WRITE_ROLES)
@blp.arguments(CredentialUpdateSchema)
@blp.response(200, CredentialSchema)
def update_credential(data, worker_id, credential_id):
    """Correct a credential (send its ``version``); changed facts clear its verification."""
    cred = credentials.get_credential(service.get_worker(worker_id), credential_id)
    credentials.update_credential(cred, data, current_principal())
    db.session.commit()
    return cred


@blp.route("/<int:worker_id>/credentials/<int:credential_id>/verify", methods=["POST"])
@roles(*WRITE_ROLES)
@blp.arguments(VersionSchema)
@blp.response(200, CredentialSchema)
def verify_credential(data, worker_id, credential_id):
    """Record that you checked the original document (核验)."""
    cred = credentials.get_credential(service.get_worker(worker_id), credential_id)
    credentials.verify_credential(cred, data["version"], current_principal())
    db.session.commit()
    return cred


@blp.route("/<int:worker_id>/credentials/<int:credential_id>", methods=["DELETE"])
@roles(*WRITE_ROLES)
@blp.arguments(VersionSchema, location="query")
@blp.response(204)
def delete_credential(args, worker_id, credential_id):
    """Delete a credential recorded in error (``?version=`` guards against stale deletes)."""
    cred = credentials.get_credential(service.get_worker(worker_id), credential_id)
    credentials.delete_credential(cred, args["version"])
    db.session.commit()
