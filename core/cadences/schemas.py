"""Follow-up cadence API schemas."""
from marshmallow import RAISE, Schema, fields, validate


class ConditionSchema(Schema):
    rule = fields.String()
    outcome = fields.String()


class CadenceRuleSchema(Schema):
    """One rule as planned: the plugin's, with the company's changes."""

    code = fields.String()
    anchor = fields.String(metadata={"description": "What the time counts from."})
    kind = fields.String(metadata={"description": "The channel (phone, wechat, home_visit) "
                                                  "or the plugin's other kind."})
    days = fields.Integer(allow_none=True)
    hours = fields.Integer(allow_none=True)
    at = fields.String(metadata={"description": "Time of day HH:MM (Asia/Shanghai)."})
    after = fields.String(allow_none=True, metadata={
        "description": "Counted from this earlier rule's call instead of the anchor."})
    when = fields.Nested(ConditionSchema, allow_none=True)
    title_zh = fields.String()
    title_en = fields.String()
    overridden = fields.List(fields.String(), metadata={
        "description": "The fields the company changed."})


class CadenceOutSchema(Schema):
    """A line's effective follow-up rules, where they come from, and the version."""

    service_line = fields.String()
    version = fields.Integer(metadata={"description": "0 while never edited."})
    source = fields.String(metadata={"description": "plugin: the plugin's rules; company: "
                                                    "the company's cadence over them."})
    is_default = fields.Boolean()
    overrides = fields.Dict(metadata={"description": "Rule code → changed fields."})
    rules = fields.List(fields.Nested(CadenceRuleSchema))
    plugin_rules = fields.List(fields.Nested(CadenceRuleSchema))
    updated_by = fields.Function(lambda info: info["updated_by"].display_name
                                 if info.get("updated_by") else None)
    updated_at = fields.DateTime(allow_none=True)


class CadenceInSchema(Schema):
    """The company's changes and the version they were edited from."""

    class Meta:
        unknown = RAISE

    rules = fields.Dict(required=True, metadata={
        "description": "Rule code → changes among days, hours, at (HH:MM), kind (phone, "
                       "wechat, home_visit) and after (an earlier rule's code, or null for "
                       "the anchor). E.g. {\"day5\": {\"days\": 5, \"after\": \"day3\"}}. "
                       "The whole set: a rule left out plans as the plugin says."})
    version = fields.Integer(required=True, validate=validate.Range(min=0), metadata={
        "description": "The version you read (0 when never edited); a stale one gives 409."})


class CadenceVersionArgs(Schema):
    """The version being reset (a stale one gives 409)."""

    class Meta:
        unknown = RAISE

    version = fields.Integer(required=True, validate=validate.Range(min=0))


class CadenceVersionSchema(Schema):
    """One saved version of a line's cadence ({}: the plugin's rules)."""

    version = fields.Integer()
    overrides = fields.Dict()
    saved_by = fields.Function(lambda v: v.saved_by.display_name if v.saved_by else None)
    saved_at = fields.DateTime()
