"""Reading and writing spreadsheets (CSV and XLSX), row by row with bounded memory.

Reading streams: XLSX through openpyxl's read-only mode, CSV through the csv reader over
a decoding wrapper (UTF-8 with or without BOM, as spreadsheet programs write it; GB18030
when the file is not UTF-8, as Chinese Excel saves "CSV"). Writing uses openpyxl's
write-only mode, and CSV with a BOM so Excel opens the Chinese correctly.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import IO

from ..errors import DomainError, Invalid
from ..messages import Msg

#: largest sheet accepted (a 10,000-row XLSX is well under 1 MB)
MAX_UPLOAD_BYTES = 16 * 1024 * 1024

UNSUPPORTED = Msg("Upload the sheet as .xlsx or .csv (an old .xls must be saved as .xlsx).",
                  "请上传 .xlsx 或 .csv 文件（旧版 .xls 请先另存为 .xlsx）。")
TOO_LARGE = Msg("The sheet is larger than 16 MB.", "表格超过 16 MB。")
UNREADABLE = Msg("The file could not be read as a spreadsheet.", "无法读取该表格文件。")


def sheet_kind(filename: str, head: bytes) -> str:
    """'xlsx' or 'csv' from the file's name and first bytes; 422 for anything else."""
    name = (filename or "").lower()
    if head.startswith(b"PK\x03\x04") and not name.endswith(".csv"):
        return "xlsx"
    if name.endswith(".csv") or (not name.endswith((".xlsx", ".xls")) and b"\x00" not in head):
        return "csv"
    raise Invalid(UNSUPPORTED, fields={"file": [{"en": str(UNSUPPORTED), "zh": UNSUPPORTED.zh}]})


def check_size(stream: IO[bytes]) -> None:
    """Refuse (413) a file over the size limit, then rewind it."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(TOO_LARGE, status=413, code="too_large")


def _cell_text(value) -> str:
    """A cell as text: dates as ISO, whole numbers without '.0', None as ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_encoding(stream: IO[bytes]) -> str:
    head = stream.read(64 * 1024)
    stream.seek(0)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def iter_rows(stream: IO[bytes], kind: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(sheet row number, cells as text)`` for every row, one at a time."""
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # a corrupt or non-XLSX zip: tell the person, not a 500
            raise Invalid(UNREADABLE, fields={"file": [{"en": str(UNREADABLE),
                                                        "zh": UNREADABLE.zh}]}) from exc
        try:
            sheet = workbook.active
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v) for v in values]
        finally:
            workbook.close()
        return
    text = io.TextIOWrapper(stream, encoding=_csv_encoding(stream), newline="",
                            errors="replace")
    try:
        for number, values in enumerate(csv.reader(text), start=1):
            yield number, values
    finally:
        text.detach()


def write_xlsx(headers: list[str], rows: Iterable[list]) -> bytes:
    """An XLSX workbook (one sheet) of the rows, written in write-only (streaming) mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_csv(headers: list[str], rows: Iterable[list]) -> bytes:
    """CSV as UTF-8 with a BOM (so Excel shows the Chinese), one row per line."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, (dt.date,))
                                               else v) for v in row])
    return out.getvalue().encode("utf-8")
