"""Service lines and plugins, as loaded."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..access import ANY_STAFF, roles
from ..plugins import credential_kinds, describe_plugins, plugin_of, registry, service_lines

blp = Blueprint("servicelines", __name__, url_prefix="/api/v1",
                description="Service lines and plugins")


class CredentialKindSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    expires = fields.Boolean()


class ServiceLineSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    description_zh = fields.String()
    description_en = fields.String()
    required_credentials = fields.List(fields.String())
    plugin = fields.String()
    plugin_version = fields.String()


class PluginSchema(Schema):
    name = fields.String()
    version = fields.String()
    distribution = fields.String(allow_none=True)
    service_lines = fields.List(fields.String())


def _line(line) -> dict:
    owner = plugin_of(line.code)
    return {"code": line.code, "name_zh": line.name_zh, "name_en": line.name_en,
            "description_zh": line.description_zh, "description_en": line.description_en,
            "required_credentials": list(line.required_credentials), "plugin": owner,
            "plugin_version": registry().plugins[owner].version}


@blp.route("/service-lines")
@roles(*ANY_STAFF)
@blp.response(200, ServiceLineSchema(many=True))
def list_service_lines():
    """Service lines of the loaded plugins, with the credentials each requires."""
    return [_line(line) for line in service_lines().values()]


@blp.route("/plugins")
@roles(*ANY_STAFF)
@blp.response(200, PluginSchema(many=True))
def list_plugins():
    """Loaded plugins, their versions and the service lines each owns."""
    return [{**p, "service_lines": [s.code for s in p["service_lines"]]}
            for p in describe_plugins()]


@blp.route("/credential-kinds")
@roles(*ANY_STAFF)
@blp.response(200, CredentialKindSchema(many=True))
def list_credential_kinds():
    """Every credential kind: core's (健康证, 58到家认证) and the lines' skill certificates."""
    return list(credential_kinds().values())
