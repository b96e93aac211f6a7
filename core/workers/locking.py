"""Optimistic locking of worker records: a stale ``version`` is refused with 409 ("reload")."""
from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict
from ..extensions import db
from ..messages import Msg

STALE = Msg("Someone else changed this record since you opened it; reload it and try again.",
            "该记录在您打开后已被他人修改，请刷新页面后重试。")


def check_version(record, sent: int | None) -> None:
    """Refuse the change when the version the person read is not the current one."""
    if sent is not None and sent != record.version:
        raise Conflict(STALE, code="stale_version",
                       fields={"version": [STALE]})


def flush() -> None:
    """Flush the session; a concurrent update that slipped past the check becomes a 409."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(STALE, code="stale_version", fields={"version": [STALE]}) from None
