"""The sheet's intended job (意向工种) → the service lines (业务线) she would work in.

A word names a line when it is the line's Chinese name or one of its ``job_words``
(:class:`core.ServiceLine`; default none: only the name).
"""
from __future__ import annotations

import re

from ..plugins import service_lines


def service_lines_for(intention: str) -> list[str]:
    """Codes of the loaded service lines named in ``intention`` (e.g. "月嫂、育婴师")."""
    lines = service_lines()
    by_name = {line.name_zh: code for code, line in lines.items()}
    aliases = {word: code for code, line in lines.items() for word in line.job_words}
    codes: list[str] = []
    for word in re.split(r"[、,，/;；\s]+", intention or ""):
        code = by_name.get(word) or aliases.get(word)
        if code and code in lines and code not in codes:
            codes.append(code)
    return codes
