"""The read cache: a desk refreshing the same lists is answered from memory until the
data changes.

A dispatcher's day is mostly reads of a handful of lists (the orders, the follow-up
queue, a customer search, a matching order's candidates) that change far less often
than they are read. :func:`cached` keeps the finished response of such a read in the
serving process and gives it again, byte for byte, to the same person asking the same
thing, as long as nothing has been written since.

**"Nothing written since"** is a *data generation*: a random token in Redis, one per
database, replaced after every committed write made through SQLAlchemy by any process
(app servers, rq workers, the CLI) on any host sharing that Redis. A response is kept
under the generation read *before* it was computed, so a write that commits meanwhile
makes it unreachable, never wrong; the writer's own next request always sees its write
(the new token is set before its response leaves). The token is random, not a counter,
so a Redis that lost its keys can never bring an old generation back.

**What is never kept or given:**

- anything but a ``200`` to a ``GET``, or an answer that sets a cookie;
- a request that wrote anything (an audited read, a refusal recorded; a token's last
  use, written once a minute, aside): it is computed every time, so every such read is
  recorded;
- past ``max_age`` seconds (the app's clock), for lists that change with time alone
  (what is overdue, who is available today), and past the end of a grant the reader
  holds (:func:`keep_until`): when a grant to a confidential file expires, what it
  opened disappears from the cached answers at that moment;
- when Redis does not answer: every read is then computed, and a process that failed to
  renew the token after its write gives nothing from memory until it has renewed it, as
  soon as Redis answers again. Other processes learn of that write only then: while
  Redis is away they may give an answer made before it, at most ``max_age`` old.

The key is the endpoint, the path with its query string, the person, her role, the
bearer token and the language: what one person may see is never given to another. The
memory is bounded (``READ_CACHE_BYTES`` per process, least recently used first out).
Settings: ``READ_CACHE`` (on), ``READ_CACHE_BYTES``, ``READ_CACHE_REDIS_URL`` (else
``REDIS_URL``, else the embedded Redis). Writes made around SQLAlchemy (psql, a COPY)
are not seen: after one, run ``jiazheng cache clear`` or wait ``max_age``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

import redis
import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event, orm

from .timeutil import utcnow

log = logging.getLogger(__name__)

#: how long an answer is kept at most, whatever the endpoint says (seconds)
DEFAULT_MAX_AGE = 60
#: statements that read (or only manage the transaction): anything else is a write
_READS = ("SELECT", "SHOW", "PRAGMA", "EXPLAIN", "SAVEPOINT", "RELEASE", "ROLLBACK",
          "BEGIN", "SET ")
#: writes no cached answer reads (the audit trail, a token's last use): the request that
#: makes them is still never kept, but they do not turn every other answer over
_TOKEN_USE = "UPDATE API_TOKENS SET LAST_USED_AT"
_UNSEEN = ("INSERT INTO AUDIT_EVENTS", "UPDATE AUDIT_CHAIN_HEAD", "INSERT INTO AUDIT_CHAIN",
           _TOKEN_USE)
#: after Redis failed to answer, requests leave it alone this long (no wait on every read)
_RETRY_SECONDS = 5.0

_pending = threading.local()  # stores with a committed write to announce, per thread


@dataclass(frozen=True)
class Bearer:
    """What a bearer token resolved to, under one generation: enough to find this
    person's kept answers before the gate runs (see :func:`early_answer`)."""

    id: int  # the person's (``g.principal`` on an answer from memory: the access log)
    role: str
    token_id: int
    expires_at: dt.datetime
    #: when the token's last use is due to be written again (by the gate)
    use_due: dt.datetime
    generation: str


@dataclass
class Entry:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    expires: dt.datetime


class Store:
    """One app's cache: the generation in Redis and the answers in this process."""

    def __init__(self, app: Flask, client: redis.Redis, key: str):
        self.client = client
        self.key = key
        self.limit = int(app.config["READ_CACHE_BYTES"])
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.bearers: dict[str, Bearer] = {}  # token digest → what it resolved to
        self.values: dict[object, tuple[str, object]] = {}  # see shared()
        self.size = 0
        self.lock = threading.Lock()
        self.bearer_limit = 10_000
        self.owed = False  # a write whose generation could not be renewed yet
        self.retry_at = 0.0  # Redis failed: not asked again before this (monotonic)

    # -- the generation -------------------------------------------------------------
    def generation(self) -> str | None:
        """The current generation, or None when Redis does not answer (no caching)."""
        now = time.monotonic()
        if now < self.retry_at or (self.owed and not self.bump()):
            return None  # a renewal owed: nothing from memory until it is made
        try:
            value = self.client.get(self.key)
            if value is None:
                self.client.set(self.key, uuid.uuid4().hex, nx=True)
                value = self.client.get(self.key)
        except (redis.RedisError, OSError):
            self._unreachable()
            return None
        return value.decode() if isinstance(value, bytes) else value

    def _unreachable(self) -> None:
        if time.monotonic() >= self.retry_at:
            log.warning("read cache: redis unreachable; answers are computed, Redis is "
                        "asked again in %s s", _RETRY_SECONDS)
        self.retry_at = time.monotonic() + _RETRY_SECONDS

    def bump(self) -> bool:
        """A write committed: a new generation, so every answer kept before is unreachable.
        False when Redis did not answer."""
        try:
            self.client.set(self.key, uuid.uuid4().hex)
            self.owed = False
            return True
        except (redis.RedisError, OSError):
            self.owed = True  # renewed at the next read that finds Redis back
            self._unreachable()
            self.clear()
            return False

    # -- the answers ------------------------------------------------------------------
    def get(self, key: tuple) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.expires <= utcnow():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        if len(entry.body) > self.limit // 8:
            return  # one huge answer would push out everything else
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = entry
            self.size += len(entry.body)
            while self.size > self.limit and self.entries:
                self._drop(next(iter(self.entries)))

    def _drop(self, key: tuple) -> None:
        self.size -= len(self.entries.pop(key).body)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.bearers.clear()
            self.values.clear()
            self.size = 0


def store(app: Flask | None = None) -> Store | None:
    return (app or current_app).extensions.get("jiazheng.readcache")


def _generation_key(app: Flask) -> str:
    """One generation per database: its URL without the password, hashed."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    named = url.render_as_string(hide_password=True)
    return "jz:readcache:gen:" + hashlib.sha256(named.encode()).hexdigest()[:24]


def _client(app: Flask) -> redis.Redis:
    url = app.config.get("READ_CACHE_REDIS_URL") or app.config.get("REDIS_URL")
    if url:
        # a cache must never slow a request down much: give up on Redis quickly
        return redis.Redis.from_url(url.replace("redis+unix://", "unix://", 1),
                                    socket_connect_timeout=0.5, socket_timeout=0.5)
    from .queue import connection

    return connection(app)


def install(app: Flask) -> None:
    """Set up the app's cache and watch its database engine for committed writes."""
    if not app.config.get("READ_CACHE", True):
        return
    from .extensions import db

    cache = Store(app, _client(app), _generation_key(app))
    app.extensions["jiazheng.readcache"] = cache
    with app.app_context():
        engine = db.engine
    _watch(engine, cache)


# -- seeing writes -------------------------------------------------------------------
def _is_write(statement: str) -> bool:
    head = statement.lstrip()[:10].upper()
    if head.startswith(_READS):
        return False
    if head.startswith("WITH"):
        text = statement.upper()
        return any(verb in text for verb in ("INSERT ", "UPDATE ", "DELETE "))
    return True


def _changed_nothing(statement: str, cursor) -> bool:
    """An UPDATE or DELETE that matched no row (a periodic sweep with nothing to do).
    Not told for a statement with RETURNING: its count is known only once read."""
    head = statement.lstrip()[:6].upper()
    return cursor.rowcount == 0 and head in ("UPDATE", "DELETE") and \
        "RETURNING" not in statement.upper()


def _watch(engine: sa.Engine, cache: Store) -> None:
    """Mark a connection that changed rows (or the schema: no row count); announce its
    writes once they are committed."""

    @event.listens_for(engine, "after_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):
        if not _is_write(statement) or _changed_nothing(statement, cursor):
            return
        head = " ".join(statement.split(None, 5)[:5]).upper()
        if has_app_context() and not head.startswith(_TOKEN_USE):
            g._jz_wrote = True  # this request's answer is not kept
        if not head.startswith(_UNSEEN):
            conn.info["jz_wrote"] = cache

    @event.listens_for(engine, "commit")
    def _commit(conn):
        wrote = conn.info.pop("jz_wrote", None)
        if wrote is not None:  # announced once the commit is through (see _announce)
            _queue(wrote)

    @event.listens_for(engine, "rollback")
    def _rollback(conn):
        conn.info.pop("jz_wrote", None)

    @event.listens_for(engine, "checkin")
    def _checkin(dbapi_connection, record):
        wrote = record.info.pop("jz_wrote", None)  # autocommit writes: no commit event
        if wrote is not None:
            _queue(wrote)
        _announce()


def _queue(cache: Store) -> None:
    pending = getattr(_pending, "stores", None)
    if pending is None:
        pending = _pending.stores = set()
    pending.add(cache)


def _announce(*_args) -> None:
    """After a commit (the ORM session's, or a connection's going back to the pool): a new
    generation for each database written. Never before the commit: a reader between the
    two would keep the old rows under the new generation."""
    pending = getattr(_pending, "stores", None)
    while pending:
        pending.pop().bump()


event.listen(orm.Session, "after_commit", _announce)


# -- answering from memory -----------------------------------------------------------
def keep_until(moment: dt.datetime) -> None:
    """This request's answer must not be given after ``moment`` (a grant's end)."""
    if has_app_context():
        current = g.get("_jz_keep_until")
        g._jz_keep_until = moment if current is None else min(current, moment)


def no_store() -> None:
    """This request's answer must not be kept (it depends on more than the data)."""
    if has_app_context():
        g._jz_no_store = True


def _key(generation: str, user_id, role, token_id) -> tuple:
    from flask_babel import get_locale

    return (generation, request.endpoint, request.path, request.query_string,
            user_id, role, token_id, str(get_locale()))


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def remember_bearer(plain: str, token, user, use_due: dt.datetime) -> None:
    """The gate resolved ``plain`` to ``token`` of ``user``: remember it under the
    generation read before the token was (so a revocation meanwhile is never missed)."""
    cache, generation = store(), g.get("_jz_generation")
    if cache is None or generation is None:
        return
    if len(cache.bearers) >= cache.bearer_limit:
        cache.bearers.clear()
    cache.bearers[_digest(plain)] = Bearer(user.id, user.role, token.id, token.expires_at,
                                           use_due, generation)


def early_answer():
    """Before the gate: a bearer's ``GET`` of a cached endpoint that this process already
    answered under the current generation is answered from memory at once — no statement
    at all. Sound because nothing was written since: the token, the person, her role and
    every file behind the URL are as they were when the answer was made, and an answer is
    kept only when making it wrote nothing (a read the guard records is never kept).
    Anything else — an unknown, expired or stale bearer, a token whose last use is due to
    be written, no kept answer — goes through the gate as usual."""
    if request.method != "GET":
        return None
    cache = store()
    view = current_app.view_functions.get(request.endpoint or "")
    header = request.headers.get("Authorization", "")
    if cache is None or not getattr(view, "_jz_cached", False) or \
            not header.lower().startswith("bearer "):
        return None
    generation = g._jz_generation = cache.generation()
    bearer = cache.bearers.get(_digest(header[7:].strip())) if generation else None
    if bearer is None or bearer.generation != generation:
        return None
    now = utcnow()
    if bearer.expires_at <= now or bearer.use_due <= now:
        return None
    entry = cache.get(_key(generation, bearer.id, bearer.role, bearer.token_id))
    if entry is None:
        return None
    g.principal, g.read_cache = bearer, "hit"
    return Response(entry.body, status=entry.status, headers=entry.headers)


def shared(name, compute):
    """``compute()``, made once a generation in this process and shared by every request
    (an immutable value the same for everyone, e.g. the lines' order policies from the
    price tables). Computed afresh outside a request, when Redis does not answer, and in
    a request that has written (it must see its own change before it commits)."""
    cache = store() if has_request_context() else None
    if cache is None or g.get("_jz_wrote"):
        return compute()
    generation = g.get("_jz_generation") or cache.generation()
    if generation is None:
        return compute()
    held = cache.values.get(name)
    if held is not None and held[0] == generation:
        return held[1]
    value = compute()
    cache.values[name] = (generation, value)
    return value


def cached(max_age: int = DEFAULT_MAX_AGE):
    """Keep this view's ``200`` answers to ``GET`` until the data changes, or ``max_age``
    seconds at most (see the module's docstring). Put it under the role declaration and
    above the argument and response decorators, so an answer from memory skips both."""
    max_age = min(max_age, DEFAULT_MAX_AGE)

    def decorate(view):
        @wraps(view)
        def answer(*args, **kwargs):
            cache = store()
            generation = None
            if cache is not None and request.method == "GET":
                generation = g.get("_jz_generation") or cache.generation()
            if generation is None:
                return view(*args, **kwargs)
            user, token = g.get("principal"), g.get("api_token")
            key = _key(generation, getattr(user, "id", None), getattr(user, "role", None),
                       getattr(token, "id", None))
            entry = cache.get(key)
            if entry is not None:
                g.read_cache = "hit"
                return Response(entry.body, status=entry.status, headers=entry.headers)
            g.read_cache = "miss"
            resp = current_app.make_response(view(*args, **kwargs))
            if resp.status_code == 200 and not resp.is_streamed and \
                    "Set-Cookie" not in resp.headers and not (
                    g.get("_jz_wrote") or g.get("_jz_no_store")):
                expires = utcnow() + dt.timedelta(seconds=max_age)
                if g.get("_jz_keep_until") is not None:
                    expires = min(expires, g._jz_keep_until)
                cache.put(key, Entry(resp.status_code, list(resp.headers.items()),
                                     resp.get_data(), expires))
            return resp

        answer._jz_cached = True
        return answer

    return decorate
