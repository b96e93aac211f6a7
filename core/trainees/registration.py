"""Registration (学员备案): the day's registration sheet (学员登记表) from the logistics teacher.

A sheet is previewed first — each row new, already registered (matched by resident ID
number) or invalid with its reasons — and then its valid new rows are imported together.
Rows stream from the file and are checked against the database 500 at a time, so a
10,000-row sheet is previewed with bounded memory. Importing the same sheet twice creates
nothing the second time; a bad row is never half-imported (it is skipped whole).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..audit.service import record
from ..errors import Conflict, Invalid
from ..extensions import db
from ..identity import check_mobile, check_worker_id_number
from ..messages import Msg
from ..timeutil import business_today
from . import handover, sheet
from .intentions import service_lines_for
from .models import Trainee

#: sheet header → field; the first of each group is the official header
HEADERS = {
    "登记日期": "registered_on", "日期": "registered_on",
    "姓名": "name",
    "性别": "sex",
    "身份证号": "id_number", "身份证号码": "id_number", "身份证": "id_number",
    "手机号": "mobile", "手机号码": "mobile", "手机": "mobile", "联系电话": "mobile",
    "籍贯": "hometown",
    "意向工种": "intention", "意向": "intention",
    "备注": "notes",
}
SHEET_HEADERS = ["登记日期", "姓名", "性别", "身份证号", "手机号", "籍贯", "意向工种", "备注"]
REQUIRED = {"name": ("Name", "姓名"), "id_number": ("ID number", "身份证号"),
            "mobile": ("Mobile", "手机号")}
LIMITS = {"name": 64, "hometown": 64, "intention": 64, "notes": 2000}
CHUNK = 500
#: rows listed in a preview (counts always cover the whole sheet)
LIST_LIMIT = 2000

MISSING = Msg("{en} is missing.", "{zh}未填写。")
TOO_LONG = Msg("Longer than {n} characters.", "超过 {n} 个字。")
SEX_INVALID = Msg("Sex must be 女 or 男.", "性别应为“女”或“男”。")
SEX_MISMATCH = Msg("Sex does not match the ID number.", "性别与身份证号不符。")
DATE_INVALID = Msg("Not a date (use YYYY-MM-DD).", "日期格式不正确（应为 YYYY-MM-DD）。")
DUP_DB = Msg("Already registered (trainee #{id}).", "已备案（学员编号 {id}）。")
DUP_ROW = Msg("Same ID number as row {row} of this sheet.", "与本表第 {row} 行身份证号相同。")
NO_HEADER = Msg("This is not a registration sheet: the columns {cols} are missing.",
                "这不是学员登记表：缺少“{cols}”列。")
_SEX = {"女": "F", "f": "F", "female": "F", "男": "M", "m": "M", "male": "M"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass
class RowResult:
    """One sheet row after checking: ``status`` is new, duplicate, invalid (or created)."""

    row: int
    status: str
    values: dict
    reasons: list[tuple[str, Msg]] = field(default_factory=list)
    duplicate_of_row: int | None = None
    duplicate_of_trainee: int | None = None


@dataclass
class Preview:
    """Counts for the whole sheet and the rows listed (problem rows first to be kept)."""

    counts: dict
    rows: list[RowResult]
    truncated: bool = False


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(DATE_INVALID) from None


def check_row(raw: dict, today: dt.date) -> tuple[dict, list[tuple[str, Msg]]]:
    """Normalise one row (spaces, lowercase x, spaces in the mobile) and say what is wrong."""
    reasons: list[tuple[str, Msg]] = []
    values = {k: (raw.get(k) or "").strip() for k in HEADERS.values()}
    values["name"] = re.sub(r"\s+", " ", values["name"])
    for key, (en, zh) in REQUIRED.items():
        if not values[key]:
            reasons.append((key, MISSING.format(en=en, zh=zh)))
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            reasons.append((key, TOO_LONG.format(n=limit)))
    facts = None
    if values["id_number"]:
        try:
            facts = check_worker_id_number(values["id_number"])
            values["id_number"] = facts.number
        except ValueError as exc:
            reasons.append(("id_number", exc.args[0]))
    if values["mobile"]:
        try:
            values["mobile"] = check_mobile(values["mobile"])
        except ValueError as exc:
            reasons.append(("mobile", exc.args[0]))
    sex = _SEX.get(values["sex"].lower()) if values["sex"] else (facts.sex if facts else None)
    if values["sex"] and sex is None:
        reasons.append(("sex", SEX_INVALID))
    elif facts and sex != facts.sex:
        reasons.append(("sex", SEX_MISMATCH))
    values["sex"] = sex
    values["birth_date"] = facts.birth_date if facts else None
    try:
        values["registered_on"] = (_parse_date(values["registered_on"])
                                   if values["registered_on"] else today)
    except ValueError as exc:
        reasons.append(("registered_on", exc.args[0]))
    return values, reasons


def _records(stream: IO[bytes], kind: str) -> Iterator[tuple[int, dict]]:
    """Rows as ``(row number, {field: text})`` keyed by the header row."""
    columns: dict[int, str] | None = None
    for number, cells in sheet.iter_rows(stream, kind):
        if not any((c or "").strip() for c in cells):
            continue
        if columns is None:
            columns = {i: HEADERS[h.strip().lstrip("\ufeff")] for i, h in enumerate(cells)
                       if h and h.strip().lstrip("\ufeff") in HEADERS}
            missing = [zh for key, (_, zh) in REQUIRED.items() if key not in columns.values()]
            if missing:
                msg = NO_HEADER.format(cols="、".join(missing))
                raise Invalid(msg, fields={"file": [{"en": str(msg), "zh": msg.zh}]})
            continue
        yield number, {key: cells[i] for i, key in columns.items() if i < len(cells)}


def iter_preview(stream: IO[bytes], filename: str, today: dt.date | None = None
                 ) -> Iterator[RowResult]:
    """Check every row of a sheet, streaming; duplicates are matched by ID number against
    the database (500 rows per query) and against earlier rows of the same sheet."""
    sheet.check_size(stream)
    kind = sheet.sheet_kind(filename, stream.read(8))
    stream.seek(0)
    today = today or business_today()
    seen: dict[str, int] = {}
    chunk: list[RowResult] = []
    for number, raw in _records(stream, kind):
        values, reasons = check_row(raw, today)
        chunk.append(RowResult(number, "invalid" if reasons else "new", values, reasons))
        if len(chunk) >= CHUNK:
            yield from _resolve_duplicates(chunk, seen)
            chunk = []
    yield from _resolve_duplicates(chunk, seen)


def _resolve_duplicates(chunk: list[RowResult], seen: dict[str, int]) -> list[RowResult]:
    ids = [r.values["id_number"] for r in chunk if r.status == "new"]
    known = {number: tid for number, tid in db.session.execute(
        sa.select(Trainee.id_number, Trainee.id).where(Trainee.id_number.in_(ids)))} if ids else {}
    for result in chunk:
        if result.status != "new":
            continue
        number = result.values["id_number"]
        if number in known:
            result.status, result.duplicate_of_trainee = "duplicate", known[number]
            result.reasons.append(("id_number", DUP_DB.format(id=known[number])))
        elif number in seen:
            result.status, result.duplicate_of_row = "duplicate", seen[number]
            result.reasons.append(("id_number", DUP_ROW.format(row=seen[number])))
        else:
            seen[number] = result.row
    return chunk


def summarise(results) -> Preview:
    """Count every row and keep a bounded list (up to 2,000 problem and 2,000 new rows)."""
    counts = {"new": 0, "duplicate": 0, "invalid": 0, "created": 0}
    rows: list[RowResult] = []
    listed = {"new": 0, "problem": 0}
    truncated = False
    for result in results:
        counts[result.status] += 1
        slot = "problem" if result.status in ("duplicate", "invalid") else "new"
        if listed[slot] < LIST_LIMIT:
            listed[slot] += 1
            rows.append(result)
        else:
            truncated = True
    return Preview(counts, rows, truncated)


def preview(stream: IO[bytes], filename: str, today: dt.date | None = None) -> Preview:
    """The preview shown before importing: each row's status, nothing written."""
    return summarise(iter_preview(stream, filename, today))


def _create(result: RowResult) -> Trainee:
    v = result.values
    return Trainee(registered_on=v["registered_on"], name=v["name"], sex=v["sex"],
                   id_number=v["id_number"], birth_date=v["birth_date"], mobile=v["mobile"],
                   hometown=v["hometown"], intention=v["intention"],
                   service_lines=service_lines_for(v["intention"]), notes=v["notes"],
                   stage="registered")


def import_sheet(stream: IO[bytes], filename: str, today: dt.date | None = None) -> Preview:
    """Import the valid new rows of a sheet in one transaction (the caller commits).

    Each row is all or nothing: invalid and already-registered rows are skipped whole. If
    another import races this one on the same ID number, the session is rolled back and
    the sheet checked again once. Created rows are reported with status ``created``.
    """
    for attempt in (1, 2):
        stream.seek(0)
        rows = list(iter_preview(stream, filename, today))
        fresh = [r for r in rows if r.status == "new"]
        trainees = [_create(r) for r in fresh]
        try:
            db.session.add_all(trainees)
            db.session.flush()
        except IntegrityError as exc:
            db.session.rollback()
            if attempt == 2:
                raise Conflict(Msg("Another import is registering the same trainees; try "
                                   "again.", "另一份登记表正在导入相同的学员，请重试。")) from exc
            continue
        for r, trainee in zip(fresh, trainees, strict=True):
            r.status, r.duplicate_of_trainee = "created", trainee.id
            record("create", "trainee", trainee.id,
                   f"trainee #{trainee.id} registered from sheet row {r.row}")
        result = summarise(rows)
        handover.sheet_imported(filename, result.counts["created"], day=today)
        record("import", "trainee", None, f"registration sheet: {result.counts['created']} "
               f"created, {result.counts['duplicate']} already registered, "
               f"{result.counts['invalid']} invalid")
        return result
    raise AssertionError("unreachable")  # pragma: no cover
