"""The company's price tables: read (falling back to the plugin's default), check, save,
and quote from them. Every quote in the platform is computed here, from the company's
table, never from constants in code."""
from __future__ import annotations

import copy

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import plugins
from ..audit.service import diff, record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..timeutil import utcnow
from ..transactions import transactional
from ..types import Quote
from .models import PriceTable, PriceTableVersion

STALE = Msg("Someone else saved this price table meanwhile; reload it and edit again.",
            "价目表已被他人修改，请刷新后重新编辑。")


def known_line(code: str) -> str:
    """``code`` if a loaded plugin owns that service line, else NotFound (404)."""
    if plugins.service_line(code) is None:
        raise NotFound(Msg("There is no service line {code!r}.",
                           "没有业务线 {code!r}。").format(code=code))
    return code


def _row(code: str) -> PriceTable | None:
    return db.session.scalar(sa.select(PriceTable).where(PriceTable.service_line == code))


def current_table(code: str) -> dict:
    """The price table quotes of ``code`` use now: the company's copy, else the plugin's
    default. Unknown line → NotFound."""
    known_line(code)
    row = _row(code)
    return copy.deepcopy(row.table) if row else plugins.default_price_table(code)


def table_info(code: str) -> dict:
    """The current table of a line with its version (0: the plugin's default, unedited)
    and who saved it when."""
    table = current_table(code)
    row = _row(code)
    return {"service_line": code, "table": table, "version": row.version if row else 0,
            "is_default": row is None, "updated_by": row.updated_by if row else None,
            "updated_at": row.updated_at if row else None}


def check(code: str, table: object) -> None:
    """Refuse (422, naming each malformed entry under ``table.``) a table the line's
    plugin does not accept."""
    if not isinstance(table, dict):
        raise Invalid(fields={"table": [{"en": "A price table must be a JSON object.",
                                         "zh": "价目表必须是一个 JSON 对象。"}]})
    try:
        plugins.check_price_table(code, copy.deepcopy(table))
    except Invalid as exc:
        fields = {f"table.{key}" if key != "_schema" else "table": value
                  for key, value in (exc.fields or {}).items()}
        raise Invalid(exc.message, fields=fields or None) from None


@transactional
def save_table(code: str, table: dict, version: int, actor_id: int | None) -> dict:
    """Save an edited table of ``code`` if the plugin accepts it and ``version`` is the
    one the editor read (else 409); the previous version stays in the history."""
    known_line(code)
    check(code, table)
    row = _row(code)
    current = row.version if row else 0
    if version != current:
        raise Conflict(STALE, code="stale_version")
    before = copy.deepcopy(row.table) if row else plugins.default_price_table(code)
    if row is None:
        row = PriceTable(service_line=code, table=table, updated_by_id=actor_id,
                         updated_at=utcnow())
        db.session.add(row)
    else:
        row.table, row.updated_by_id, row.updated_at = table, actor_id, utcnow()
    try:
        db.session.flush()
        db.session.add(PriceTableVersion(service_line=code, version=row.version, table=table,
                                         saved_by_id=actor_id))
        record("update", "price_table", row.id, f"price table {code} v{row.version}",
               diff(before, table), actor_id=actor_id)
        db.session.flush()  # a lost race shows here; the step commits when it returns
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict(STALE, code="stale_version") from None
    return table_info(code)


def history(code: str) -> list[PriceTableVersion]:
    """Every saved version of a line's table, newest first."""
    known_line(code)
    return list(db.session.scalars(
        sa.select(PriceTableVersion).where(PriceTableVersion.service_line == code)
        .order_by(PriceTableVersion.version.desc())))


def quote(code: str, intake: dict) -> tuple[Quote, int]:
    """The quote of a LOADED intake from the company's current table, with the table
    version it came from (0: the plugin's default)."""
    known_line(code)
    row = _row(code)
    table = copy.deepcopy(row.table) if row else plugins.default_price_table(code)
    return plugins.quote(code, intake, table), (row.version if row else 0)


def current_tables(codes: set[str] | list[str]) -> dict[str, dict]:
    """The company's current table of each line in ``codes`` (the plugin's default where
    it has none), from one read: a list of orders shows the next states of every row."""
    codes = sorted(set(codes))
    for code in codes:
        known_line(code)
    rows = {row.service_line: row for row in db.session.scalars(
        sa.select(PriceTable).where(PriceTable.service_line.in_(codes)))} if codes else {}
    return {code: copy.deepcopy(rows[code].table) if code in rows
            else plugins.default_price_table(code) for code in codes}
