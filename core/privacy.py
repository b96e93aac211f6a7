"""Personal data: masking for roles that do not need it, and scrubbing from logs."""
from __future__ import annotations

import logging
import re

# 18-digit resident ID (last may be X), 15-digit old ID, and mainland mobile numbers.
_ID18_RE = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9Xx])")
_ID15_RE = re.compile(r"(?<![0-9])[1-9][0-9]{14}(?![0-9])")
# separators as typed ("138 1234 5678", "138-…") or as a URL's query string carries them
_SEP = r"(?:[- ]|%20|\+)?"
_MOBILE_RE = re.compile(rf"(?<![0-9])(?:(?:\+|%2B)?86{_SEP})?1[3-9][0-9]{_SEP}[0-9]{{4}}{_SEP}"
                        r"[0-9]{4}(?![0-9])", re.IGNORECASE)


def mask_id_number(value: str | None) -> str | None:
    """110105197711123061 → 110***********3061 (first 3 and last 4 kept)."""
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_mobile(value: str | None) -> str | None:
    """13812345678 → 138****5678."""
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def scrub(text: str) -> str:
    """Remove ID numbers and mobile numbers from free text (for logs)."""
    text = _ID18_RE.sub("[id]", text)
    text = _ID15_RE.sub("[id]", text)
    return _MOBILE_RE.sub("[mobile]", text)


_installed = False
_formatter = logging.Formatter()


def install_log_scrubber() -> None:
    """Make every log record, from any logger, carry no ID or mobile number.

    Done in the record factory, so it holds for handlers added later too
    (werkzeug's request line carries the query string, e.g. a phone searched for);
    an exception's traceback is formatted and scrubbed there as well, since its last
    line repeats the error's text.
    """
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is left for logging to report
            return record
        clean = scrub(message)
        if clean != message or record.args:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:  # the traceback ends with the error text
            record.exc_text = scrub(_formatter.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
