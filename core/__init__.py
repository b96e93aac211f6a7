"""Jiazheng core: the Flask platform and what plugins may import from it.

Plugins import only from here: ``hookimpl``, the value types, the intake and
price-table kit (base schemas, money fields, bilingual messages, ``Invalid``), and
``create_app`` for their tests.
"""
from .errors import Invalid
from .followups.channels import NotificationChannel, OutboundMessage
from .followups.rules import Condition, FollowupRule, FollowupRules
from .forms import IntakeSchema, one_of
from .hookspecs import hookimpl
from .inputs import install as _install_input_bounds
from .messages import Msg
from .money import Money, Rate, format_yuan, positive, quantize, yuan
from .price_tables import PriceTableSchema, check_table, covers, load_table, table_floor
from .servicelines.base import ServiceLine
from .surveys.questionnaire import Question, Questionnaire
from .types import (
    AgreementText,
    CredentialKind,
    MatchingRule,
    OrderPolicy,
    Quote,
    QuoteLine,
    ScorePart,
    SessionPackage,
    VisitSlot,
)

#: every flask-smorest blueprint (core's and plugins') parses with the bounded parser
_install_input_bounds()


def create_app(test_config=None):
    """Build the Flask app (see :func:`core.app.create_app`)."""
    from .app import create_app as _create_app

    return _create_app(test_config)


__all__ = ["create_app", "hookimpl", "CredentialKind", "ServiceLine", "OrderPolicy", "Quote",
           "QuoteLine", "MatchingRule", "ScorePart",
           "IntakeSchema", "one_of", "Msg", "Invalid", "Money", "Rate", "positive", "yuan",
           "quantize", "format_yuan", "PriceTableSchema", "check_table", "covers",
           "load_table", "table_floor",
           "FollowupRule", "FollowupRules", "Condition", "NotificationChannel", "OutboundMessage",
           "VisitSlot", "SessionPackage", "AgreementText", "Question", "Questionnaire"]
