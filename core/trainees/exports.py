"""Exports: the master list of trainees (学员名单, the one later sent to the platform) and
the certification list (58认证名单), as XLSX or CSV, built from the records as they are."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response

from ..extensions import db
from . import sheet
from .models import STAGES, Trainee
from .registration import SHEET_HEADERS

MASTER_HEADERS = ["学员编号"] + SHEET_HEADERS + ["阶段"]
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def master_rows(mask, stage: str | None = None):
    """The master list's rows, one trainee at a time (``mask`` shows the ID number as the
    caller may see it)."""
    stmt = sa.select(Trainee).order_by(Trainee.registered_on, Trainee.id)
    if stage:
        stmt = stmt.where(Trainee.stage == stage)
    for t in db.session.scalars(stmt.execution_options(yield_per=500)):
        yield [t.id, t.registered_on.isoformat(), t.name, "女" if t.sex == "F" else "男",
               mask(t.id_number), t.mobile, t.hometown, t.intention, t.notes,
               STAGES[t.stage][0]]


def respond(headers: list[str], rows, fmt: str, basename: str):
    """A download of the rows as ``fmt`` (xlsx or csv), or for json the table itself."""
    if fmt == "json":
        return {"headers": headers, "rows": [list(r) for r in rows]}
    body = sheet.write_xlsx(headers, rows) if fmt == "xlsx" else sheet.write_csv(headers, rows)
    resp = Response(body, mimetype=MIMETYPES[fmt])
    resp.headers["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp
