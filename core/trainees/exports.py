"""Exports: the master list of trainees (学员名单, the one later sent to the platform) and
the certification list (58认证名单), as XLSX or CSV, built from the records as they are."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response

from ..access import current_principal
from ..errors import Forbidden
from ..extensions import db
from ..messages import Msg
from ..privacy import mask_id_number
from . import sheet
from .models import STAGES, Trainee
from .registration import SHEET_HEADERS

MASTER_HEADERS = ["学员编号"] + SHEET_HEADERS + ["阶段"]
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


PLATFORM_EXPORT_REQUIRED = Msg(
    "Exporting full ID numbers for the platform (58到家) needs the platform export "
    "permission, which an administrator grants on the staff page.",
    "导出完整身份证号（用于58到家）须有58到家名单导出权限，由管理员在员工账号页授予。")


def id_numbers(unmasked: bool):
    """How an export shows ID numbers: masked (370***********392X) for everyone, or in
    full when ``unmasked`` is asked for by a person holding the platform export permission
    (``users.platform_export``, granted by an admin; docs/privacy.md). Asking without it
    is refused (403 ``platform_export_required``) — whatever the role reads on screen."""
    if not unmasked:
        return mask_id_number
    user = current_principal()
    if user is None or not user.platform_export:
        raise Forbidden(PLATFORM_EXPORT_REQUIRED, code="platform_export_required")
    return lambda value: value


def summary(what: str, fmt: str, unmasked: bool, rows: int) -> str:
    """The audit summary of an export (whether full ID numbers left, and how many rows)."""
    ids = "full ID numbers for the platform (58到家)" if unmasked else "ID numbers masked"
    return f"{what} exported as {fmt}, {ids} ({rows} rows)"


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
