"""Sheets kept between the preview and the import on the web page (instance/trainee-imports).

The preview stores the uploaded file under a random token; the import re-reads and
re-checks it (the database may have changed meanwhile) and deletes it. Files older than a
day are swept on each new upload.
"""
from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import IO

from flask import current_app

from ..errors import NotFound
from ..messages import Msg
from . import sheet

_TOKEN = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")
MAX_AGE_SECONDS = 24 * 3600
GONE = Msg("That preview has expired; upload the sheet again.", "预览已过期，请重新上传表格。")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "trainee-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash(stream: IO[bytes], filename: str) -> str:
    """Keep an uploaded sheet; returns its token (``<hex>.<csv|xlsx>``)."""
    sheet.check_size(stream)
    kind = sheet.sheet_kind(filename, stream.read(8))
    stream.seek(0)
    folder = _folder()
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = f"{uuid.uuid4().hex}.{kind}"
    (folder / token).write_bytes(stream.read())
    return token


def path_of(token: str) -> Path:
    """The stored sheet of a token, or 404 when unknown or expired."""
    path = _folder() / token if _TOKEN.match(token or "") else None
    if path is None or not path.exists():
        raise NotFound(GONE)
    return path
