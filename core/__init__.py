"""Jiazheng core: the Flask platform and what plugins may import from it.

Plugins import only from here: ``hookimpl``, the value types, and ``create_app``
for their tests.
"""
from .hookspecs import hookimpl
from .types import CredentialKind, ServiceLine


def create_app(test_config=None):
    """Build the Flask app (see :func:`core.app.create_app`)."""
    from .app import create_app as _create_app

    return _create_app(test_config)


__all__ = ["create_app", "hookimpl", "CredentialKind", "ServiceLine"]
