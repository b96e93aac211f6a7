"""Who commits: the service step a page or the API calls, never the page or the API.

Every area has the same shape (#11): ``api`` and ``views`` read the request, call one
step of the area's service and shape the answer; the step owns the unit of work. A step is
a function decorated with :func:`transactional`::

    @transactional
    def collect_id_card(trainee_id: int, holder_id: int) -> IdCard:
        trainee = pipeline.get(trainee_id, lock=True)
        ...

When the outermost step returns, what it wrote is committed; when it raises (a refusal,
a lost race, a bug), everything it wrote is rolled back before the exception leaves it, so
a page that catches the refusal and re-renders the form shows the database as it was. A
step called from inside another step joins the caller's unit of work: only the outermost
commits, so steps compose (``graduate`` may call ``update``) without committing halfway.

An area that turns a lost version race into its own 409 (orders, customers) still does so
inside its step, by flushing where it checks; a ``StaleDataError`` that only shows at the
final commit becomes the generic :data:`CHANGED_MEANWHILE` 409. ``tests/test_layers.py``
fails if an ``api`` or ``views`` module commits.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from sqlalchemy.orm.exc import StaleDataError

from .errors import Conflict, DomainError
from .extensions import db
from .messages import Msg

P = ParamSpec("P")
R = TypeVar("R")

_depth: ContextVar[int] = ContextVar("jiazheng_transaction_depth", default=0)

CHANGED_MEANWHILE = Msg("The record was changed by someone else meanwhile; reload and try again.",
                        "记录已被他人修改，请刷新后重试。")


def in_transaction() -> bool:
    """True inside a :func:`transactional` step (its caller will commit)."""
    return _depth.get() > 0


def commit() -> None:
    """Commit now: a lost race on a versioned row → 409 :data:`CHANGED_MEANWHILE`,
    nothing saved. For a step that must commit part of its work before going on (an audit
    entry kept even when the step is then refused); prefer :func:`transactional`."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(CHANGED_MEANWHILE, code="stale_version") from None


def save(stale: Callable[[], DomainError] | None = None) -> None:
    """Write the changes so far: inside a :func:`transactional` step only flush (the step
    commits when it returns), outside one commit. A lost race on a versioned row raises
    ``stale()`` — the area's own 409 (an order's, a complaint's) — or else the generic
    :data:`CHANGED_MEANWHILE` 409, with nothing saved."""
    try:
        if in_transaction():
            db.session.flush()
        else:
            db.session.commit()
    except StaleDataError:
        db.session.rollback()
        if stale is not None:
            raise stale() from None
        raise Conflict(CHANGED_MEANWHILE, code="stale_version") from None


def transactional(step: Callable[P, R]) -> Callable[P, R]:
    """Make ``step`` one unit of work: commit when the outermost step returns, roll back
    when it raises (see the module's text)."""

    @functools.wraps(step)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        depth = _depth.get()
        token = _depth.set(depth + 1)
        try:
            result = step(*args, **kwargs)
            if depth == 0:
                commit()
            return result
        except BaseException:
            if depth == 0:
                db.session.rollback()
            raise
        finally:
            _depth.reset(token)

    return run
