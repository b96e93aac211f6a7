"""Workers API: workers (阿姨), their status, photo and credentials (证书). Thin: parse,
call one service step (it commits), respond."""
import base64

from flask_smorest import Blueprint

from ..access import current_principal, roles
from ..errors import NotFound
from ..messages import Msg
from . import photos, service
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
        service.show_full_id(worker)
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
    return service.save_worker(None, data, current_principal())


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
    return _shown(service.save_worker(worker_id, data, current_principal()))


@blp.route("/<int:worker_id>/status", methods=["POST"])
@roles(*WRITE_ROLES)
@blp.arguments(StatusChangeSchema)
@blp.response(200, WorkerDetailSchema)
def change_status(data, worker_id):
    """Change her status. Blacklisting needs ``reason_type`` and ``reason``; leaving the
    blacklist needs an admin or supervisor and a ``reason``."""
    return _shown(service.set_status(worker_id, data, current_principal()))


@blp.route("/<int:worker_id>/photo", methods=["PUT"])
@roles(*WRITE_ROLES)
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(200, WorkerDetailSchema)
def put_photo(files, worker_id):
    """Upload her photo (multipart field ``photo``: JPEG or PNG, at most 2 MB)."""
    service.get_worker(worker_id)  # 404 before the upload is judged
    photo = photos.read_upload(files["photo"])
    return _shown(service.save_worker(worker_id, None, current_principal(), photo))


@blp.route("/<int:worker_id>/photo", methods=["DELETE"])
@roles(*WRITE_ROLES)
@blp.response(204)
def delete_photo(worker_id):
    """Remove her photo."""
    service.delete_photo(worker_id, current_principal())


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
    return service.record_credential(worker_id, data, current_principal())


@blp.route("/<int:worker_id>/credentials/<int:credential_id>", methods=["PATCH"])
@roles(*WRITE_ROLES)
@blp.arguments(CredentialUpdateSchema)
@blp.response(200, CredentialSchema)
def update_credential(data, worker_id, credential_id):
    """Correct a credential (send its ``version``); changed facts clear its verification."""
    return service.correct_credential(worker_id, credential_id, data, current_principal())


@blp.route("/<int:worker_id>/credentials/<int:credential_id>/verify", methods=["POST"])
@roles(*WRITE_ROLES)
@blp.arguments(VersionSchema)
@blp.response(200, CredentialSchema)
def verify_credential(data, worker_id, credential_id):
    """Record that you checked the original document (核验)."""
    return service.verify_credential(worker_id, credential_id, data["version"],
                                     current_principal())


@blp.route("/<int:worker_id>/credentials/<int:credential_id>", methods=["DELETE"])
@roles(*WRITE_ROLES)
@blp.arguments(VersionSchema, location="query")
@blp.response(204)
def delete_credential(args, worker_id, credential_id):
    """Delete a credential recorded in error (``?version=`` guards against stale deletes)."""
    service.delete_credential(worker_id, credential_id, args["version"])
