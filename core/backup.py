"""Backup and restore (数据备份与恢复): the database and the uploaded files in one archive.

An archive is a tar of ``manifest.json`` (format, the schema revision, the database kind,
when), the database (SQLite: a copy made with SQLite's online backup API, safe while the
app writes; PostgreSQL: ``pg_dump --format=custom``) and ``uploads/`` (workers' photos
…, the instance folder's ``uploads``). With a key configured (``JIAZHENG_BACKUP_KEY``, a
Fernet key: ``jiazheng backup --new-key`` prints one) the archive is written encrypted,
in 8 MiB Fernet tokens (AES-128-CBC + HMAC-SHA256), so memory stays bounded whatever the
size.

A restore goes into an empty database of the same kind and refuses, before changing
anything, an archive of another schema revision, a wrong or missing key, or a damaged
file; afterwards it checks the audit chain.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from pathlib import Path

import sqlalchemy as sa

MAGIC_PLAIN = b"JZBACKUP1\n"
MAGIC_SEALED = b"JZBACKUP1-FERNET\n"
CHUNK = 8 * 1024 * 1024
FORMAT = 1


class BackupError(Exception):
    """A backup or restore refused, with a message for the operator (English / 中文)."""


# ---- where things are ---------------------------------------------------------------

def schema_revision(engine: sa.Engine) -> str | None:
    """The database's Alembic revision (None: not migrated, e.g. a test database)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def code_revision() -> str:
    """The newest migration this code knows (the revision a restore must match)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def _pg_url(url: sa.URL) -> str:
    """A libpq URL (pg_dump's) from SQLAlchemy's."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up. / "
                          "内存数据库无法备份。")
    return Path(url.database)


# ---- encryption ---------------------------------------------------------------------

def _cryptography():
    try:
        import cryptography.fernet
    except ImportError:  # pragma: no cover - depends on the installation
        raise BackupError("Encrypted backups need the 'cryptography' package "
                          "(pip install 'cryptography>=42'). / 加密备份需要安装 cryptography。"
                          ) from None
    return cryptography.fernet


def new_key() -> str:
    """A fresh key for ``JIAZHENG_BACKUP_KEY``."""
    return _cryptography().Fernet.generate_key().decode()


def _fernet(key: str):
    Fernet = _cryptography().Fernet  # noqa: N806

    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError):
        raise BackupError("JIAZHENG_BACKUP_KEY is not a valid key (32 url-safe base64 "
                          "bytes; `jiazheng backup --new-key` makes one). / "
                          "备份密钥格式不正确。") from None


def _seal(plain: Path, out: Path, key: str | None) -> None:
    with plain.open("rb") as src, out.open("wb") as dst:
        if not key:
            dst.write(MAGIC_PLAIN)
            shutil.copyfileobj(src, dst, CHUNK)
            return
        fernet = _fernet(key)
        dst.write(MAGIC_SEALED)
        while chunk := src.read(CHUNK):
            token = fernet.encrypt(chunk)
            dst.write(struct.pack(">I", len(token)))
            dst.write(token)


def _unseal(archive: Path, out: Path, key: str | None) -> None:
    with archive.open("rb") as src, out.open("wb") as dst:
        head = src.read(len(MAGIC_SEALED))
        if head.startswith(MAGIC_PLAIN):
            dst.write(head[len(MAGIC_PLAIN):])
            shutil.copyfileobj(src, dst, CHUNK)
            return
        if head != MAGIC_SEALED:
            raise BackupError(f"{archive} is not a Jiazheng backup. / 不是本系统的备份文件。")
        if not key:
            raise BackupError("This backup is encrypted: set JIAZHENG_BACKUP_KEY to the key it "
                              "was made with. / 该备份已加密，请设置备份密钥。")
        fernet = _fernet(key)
        while size := src.read(4):
            if len(size) < 4:
                raise BackupError("The backup file is cut short. / 备份文件不完整。")
            token = src.read(struct.unpack(">I", size)[0])
            try:
                dst.write(fernet.decrypt(token))
            except _cryptography().InvalidToken:
                raise BackupError(
                    "Wrong key, or the backup file was altered: nothing was restored. / "
                    "密钥错误或备份文件已被改动，未做任何恢复。") from None


# ---- backup -------------------------------------------------------------------------

def backup(engine: sa.Engine, instance_path: str, out: Path, key: str | None) -> dict:
    """Write the archive ``out``; returns its manifest."""
    url = engine.url
    manifest = {"format": FORMAT, "schema_revision": schema_revision(engine),
                "database": url.get_backend_name(),
                "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                "encrypted": bool(key)}
    with tempfile.TemporaryDirectory(prefix="jz-backup-") as tmp:
        tmp = Path(tmp)
        if url.get_backend_name() == "sqlite":
            db_file = tmp / "database.sqlite"
            src = sqlite3.connect(_sqlite_path(url))
            dst = sqlite3.connect(db_file)
            try:
                src.backup(dst, pages=4096)  # online: writers wait only between steps
            finally:
                dst.close()
                src.close()
        else:
            db_file = tmp / "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  "--file", str(db_file), _pg_url(url)], "pg_dump")
        uploads = Path(instance_path) / "uploads"
        tar_path = tmp / "archive.tar"
        with tarfile.open(tar_path, "w") as tar:
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            if uploads.is_dir():
                tar.add(uploads, arcname="uploads")
        partial = out.with_name(out.name + ".partial")
        _seal(tar_path, partial, key)
        os.replace(partial, out)
    return manifest


def _run(cmd: list[str], name: str) -> None:
    if not shutil.which(cmd[0]):
        raise BackupError(f"{cmd[0]} is not installed (apt-get install postgresql-client). / "
                          f"未安装 {cmd[0]}。")
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{name} failed: {done.stderr.strip()[:500]}")


# ---- restore ------------------------------------------------------------------------

def _is_empty(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
    return not names


def restore(engine: sa.Engine, instance_path: str, archive: Path, key: str | None) -> dict:
    """Restore ``archive`` into the (empty) database and the instance folder; returns the
    manifest. Everything is checked before anything is written."""
    if not archive.is_file():
        raise BackupError(f"No such backup file: {archive} / 找不到备份文件。")
    with tempfile.TemporaryDirectory(prefix="jz-restore-") as tmp:
        tmp = Path(tmp)
        tar_path = tmp / "archive.tar"
        _unseal(archive, tar_path, key)
        try:
            tar = tarfile.open(tar_path, "r")
        except tarfile.TarError:
            raise BackupError("The backup file is damaged. / 备份文件已损坏。") from None
        with tar:
            try:
                manifest = json.load(tar.extractfile("manifest.json"))
            except (KeyError, ValueError):
                raise BackupError("The backup has no readable manifest. / 备份缺少说明文件。"
                                  ) from None
            want = code_revision()
            if manifest.get("format") != FORMAT or manifest.get("schema_revision") != want:
                raise BackupError(
                    f"The backup is of schema revision {manifest.get('schema_revision')}, "
                    f"this version of Jiazheng needs {want}: restore it with the version "
                    f"that made it, then upgrade. / "
                    f"备份的数据库版本与当前程序不一致，未做任何恢复。")
            kind = engine.url.get_backend_name()
            if manifest.get("database") != kind:
                raise BackupError(f"The backup is of a {manifest.get('database')} database; "
                                  f"the target is {kind}. / 备份与目标数据库类型不同。")
            if not _is_empty(engine):
                raise BackupError("The target database is not empty: restore into a new, "
                                  "empty database. / 目标数据库不是空的，请恢复到新建的空数据库。")
            tar.extractall(tmp / "x", filter="data")
        x = tmp / "x"
        engine.dispose()
        if kind == "sqlite":
            target = sqlite3.connect(_sqlite_path(engine.url))
            src = sqlite3.connect(x / "database.sqlite")
            try:
                src.backup(target)
            finally:
                src.close()
                target.close()
        else:
            _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
                  "--exit-on-error", "--dbname", _pg_url(engine.url),
                  str(x / "database.pgdump")], "pg_restore")
        if (x / "uploads").is_dir():
            dest = Path(instance_path) / "uploads"
            shutil.copytree(x / "uploads", dest, dirs_exist_ok=True)
    return manifest
