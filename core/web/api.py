"""System endpoints: the public health check."""
import sqlalchemy as sa
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..access import public
from ..extensions import db
from ..queue import redis_status

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
    status = {"status": "ok", "database": "ok"}
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # reported, not raised: this is the health check
        db.session.rollback()
        status.update(status="degraded", database="unreachable")
    status["redis"] = redis_status()
    return status
