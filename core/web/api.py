"""System endpoints: the public health check."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..access import public
from ..queue import redis_status
from .health import database_status

blp = Blueprint("system", __name__, url_prefix="/api/v1", description="System")


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok or degraded"})
    database = fields.String()
    redis = fields.String()


@blp.route("/health")
@public
@blp.response(200, HealthSchema)
def health():
    """Liveness of the app, its database and its Redis (public, carries no data)."""
    status = {"status": "ok", "database": database_status()}
    if status["database"] != "ok":
        status["status"] = "degraded"
    status["redis"] = redis_status()
    return status
