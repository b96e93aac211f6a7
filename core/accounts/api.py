"""Accounts API: bearer tokens (issue, revoke) and staff users (admin)."""
import sqlalchemy as sa
from flask import g, request
from flask_smorest import Blueprint

from ..access import ANY_STAFF, current_principal, public, roles
from ..errors import Forbidden, NotFound
from ..extensions import db
from . import service
from .models import ApiToken, User
from .schemas import (
    LoginSchema,
    TokenInfoSchema,
    TokenSchema,
    UserCreateSchema,
    UserSchema,
    UserUpdateSchema,
)

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Login and staff")


@blp.route("/auth/tokens", methods=["POST"])
@public
@blp.arguments(LoginSchema)
@blp.response(201, TokenSchema)
def issue_token(data):
    """Log in and get a bearer token (public; failed tries are throttled)."""
    plain, token, user = service.log_in_for_token(data["username"], data["password"],
                                                  request.remote_addr)
    return {"token": plain, "expires_at": token.expires_at, "user": user}


@blp.route("/auth/tokens", methods=["GET"])
@roles(*ANY_STAFF)
@blp.response(200, TokenInfoSchema(many=True))
def list_tokens():
    """Your live tokens (an admin sees everyone's)."""
    user = current_principal()
    stmt = sa.select(ApiToken).where(ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
    if user.role != "admin":
        stmt = stmt.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(stmt))


@blp.route("/auth/tokens/current", methods=["DELETE"])
@roles(*ANY_STAFF)
@blp.response(204)
def revoke_current():
    """Log out: revoke the token this request was made with."""
    service.revoke_token(g.api_token)


@blp.route("/auth/tokens/<int:token_id>", methods=["DELETE"])
@roles(*ANY_STAFF)
@blp.response(204)
def revoke(token_id):
    """Revoke a token: your own, or anyone's if you are an admin."""
    token = db.session.get(ApiToken, token_id)
    user = current_principal()
    if token is None:
        raise NotFound()
    if token.user_id != user.id and user.role != "admin":
        raise Forbidden()
    service.revoke_token(token)


@blp.route("/auth/me")
@roles(*ANY_STAFF)
@blp.response(200, UserSchema)
def me():
    """Who you are logged in as."""
    return current_principal()


@blp.route("/users")
@roles()
@blp.response(200, UserSchema(many=True))
def list_users():
    """Staff accounts (admin)."""
    return list(db.session.scalars(sa.select(User).order_by(User.username)))


@blp.route("/users", methods=["POST"])
@roles()
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
def create_user(data):
    """Create a staff account (admin)."""
    return service.add_user(data["username"], data["password"], data["role"],
                            data.get("display_name"))


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@roles()
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_user(data, user_id):
    """Change a staff account's name, role, active flag or password (admin)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    service.update_user(user, data, current_principal().id)
    return user
