"""The sheet's intended job (意向工种) → the service lines (业务线) she would work in."""
from __future__ import annotations

import re

from ..plugins import service_lines

#: words people write on the sheet, beyond the service lines' own Chinese names
ALIASES = {
    "保洁": "cleaning", "家务保洁": "cleaning", "开荒保洁": "cleaning", "钟点工": "cleaning",
    "月嫂": "maternity_nurse", "母婴护理": "maternity_nurse", "母婴护理师": "maternity_nurse",
    "小儿推拿": "child_massage", "推拿": "child_massage",
    "育婴师": "nanny", "育儿嫂": "nanny", "保姆": "nanny",
}


def service_lines_for(intention: str) -> list[str]:
    """Codes of the loaded service lines named in ``intention`` (e.g. "月嫂、育婴师")."""
    lines = service_lines()
    by_name = {line.name_zh: code for code, line in lines.items()}
    codes: list[str] = []
    for word in re.split(r"[、,，/;；\s]+", intention or ""):
        code = by_name.get(word) or ALIASES.get(word)
        if code and code in lines and code not in codes:
            codes.append(code)
    return codes
