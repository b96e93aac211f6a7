"""Workers' photos: checked uploads (JPEG/PNG, at most 2 MB) kept under the instance folder.

Files live in ``<instance>/uploads/workers/`` under names we make up (never the
uploader's), and are served only through role-checked endpoints.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from flask import current_app

from ..errors import Invalid
from ..messages import Msg

MAX_BYTES = 2 * 1024 * 1024
MIMETYPES = {"jpg": "image/jpeg", "png": "image/png"}
_NAME = re.compile(r"^\d+-[0-9a-f]{16}\.(jpg|png)$")

TOO_LARGE = Msg("The photo may be at most 2 MB.", "照片不能超过 2 MB。")
NOT_IMAGE = Msg("The photo must be a JPEG or PNG image.", "照片必须是 JPEG 或 PNG 图片。")
EMPTY = Msg("Choose a photo file.", "请选择照片文件。")


def _kind(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff") and len(data) > 4:
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def read_upload(upload) -> tuple[bytes, str]:
    """The bytes and type ("jpg"/"png") of an uploaded photo, or 422 on ``photo``.

    The type is read from the file's content, not from its name or declared type.
    """
    if upload is None or not getattr(upload, "filename", None):
        raise Invalid(fields={"photo": [EMPTY]})
    data = upload.stream.read(MAX_BYTES + 1)
    if not data:
        raise Invalid(fields={"photo": [EMPTY]})
    if len(data) > MAX_BYTES:
        raise Invalid(fields={"photo": [TOO_LARGE]})
    kind = _kind(data)
    if kind is None:
        raise Invalid(fields={"photo": [NOT_IMAGE]})
    return data, kind


def folder() -> Path:
    """Where workers' photos are kept (created on first use)."""
    path = Path(current_app.instance_path) / "uploads" / "workers"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(worker_id: int, data: bytes, kind: str) -> str:
    """Write a photo file and return its name."""
    name = f"{worker_id}-{secrets.token_hex(8)}.{kind}"
    tmp = folder() / f".{name}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, folder() / name)
    return name


def path_of(name: str) -> Path | None:
    """The file of a stored photo name, or None if the name is not one of ours or is gone."""
    if not name or not _NAME.match(name):
        return None
    path = folder() / name
    return path if path.is_file() else None


def remove(name: str | None) -> None:
    """Delete a stored photo file (missing files are fine)."""
    path = path_of(name) if name else None
    if path is not None:
        path.unlink(missing_ok=True)


def mimetype_of(name: str) -> str:
    """The content type to serve a stored photo with."""
    return MIMETYPES[name.rsplit(".", 1)[-1]]
