"""``jiazheng new-plugin``: a new service-line plugin as its own distribution.

:func:`new_plugin` writes ``jiazheng-NAME/`` from the templates in ``templates/`` (files
ending ``.tmpl``, filled in with :class:`string.Template`; the folder ``package`` becomes
the Python package): a ``pyproject.toml`` with the ``jiazheng.plugins`` entry point, the
package (hooks, the line object, intake and price-table schemas, pricing, follow-up rules,
the default price table as JSON) and a test file running the conformance check. The line
it makes is booked by the visit and priced by the hour; it passes its own tests as made,
and the author changes it into the real line (docs/plugins.md, the 钟点工 tutorial).
"""
from __future__ import annotations

import keyword
import re
import string
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from ..hookspecs import CONTRACT_VERSION
from ..messages import Msg

#: a distribution name part: lower-case words of letters and digits joined by "-"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
#: a service-line code, as core.testing checks it
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
#: characters a line's name may not hold (they would break the generated files)
_BAD_NAME_CHARS = re.compile(r"[\"'\\$`\x00-\x1f\x7f]")
TEMPLATE_SUFFIX = ".tmpl"


class ScaffoldError(ValueError):
    """Refused input: ``message`` is a bilingual :class:`core.Msg` naming the field."""

    def __init__(self, field: str, message: Msg) -> None:
        super().__init__(f"{field}: {message} / {message.zh}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class Names:
    """Every name the templates use, derived from NAME and the options."""

    name: str          # hourly-help
    code: str          # hourly_help
    name_zh: str
    name_en: str

    @property
    def distribution(self) -> str:
        return f"jiazheng-{self.name}"

    @property
    def package(self) -> str:
        return f"jiazheng_{self.name.replace('-', '_')}"

    @property
    def class_prefix(self) -> str:
        return "".join(part.capitalize() for part in re.split(r"[_-]", self.code) if part)

    def substitutions(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "name_zh": self.name_zh,
                "name_en": self.name_en, "distribution": self.distribution,
                "package": self.package, "Class": self.class_prefix,
                "contract": CONTRACT_VERSION}


def check_names(name: str, code: str | None = None, name_zh: str | None = None,
                name_en: str | None = None) -> Names:
    """The names of a new plugin, or :class:`ScaffoldError` saying what is wrong."""
    if not NAME_PATTERN.match(name or "") or len(name) > 40:
        raise ScaffoldError("NAME", Msg(
            "Use lower-case letters and digits, words joined by '-', starting with a letter, "
            "at most 40 characters (e.g. hourly-help).",
            "请用小写字母和数字，单词之间用“-”连接，以字母开头，"
            "不超过 40 个字符（例如 hourly-help）。"))
    code = code if code is not None else name.replace("-", "_")
    if not CODE_PATTERN.match(code) or len(code) > 32 or keyword.iskeyword(code):
        raise ScaffoldError("--code", Msg(
            "Use lower-case letters, digits and '_', starting with a letter, at most 32 "
            "characters (e.g. hourly_help).",
            "请用小写字母、数字和“_”，以字母开头，不超过 32 个字符（例如 hourly_help）。"))
    taken = {ep.name for ep in metadata.entry_points(group="jiazheng.plugins")}
    if code in taken:
        raise ScaffoldError("--code", Msg(
            "An installed plugin is already named {0}; choose another code.",
            "已安装的插件中已有 {0}，请换一个代码。").format(code))
    name_en = name_en if name_en is not None else name.replace("-", " ").capitalize()
    name_zh = name_zh if name_zh is not None else name_en
    for field, value in (("--name-zh", name_zh), ("--name-en", name_en)):
        if not value.strip() or len(value) > 40 or _BAD_NAME_CHARS.search(value):
            raise ScaffoldError(field, Msg(
                "Give a name of 1 to 40 characters without quotes, backslashes, '$' or "
                "control characters.",
                "请填写 1 至 40 个字符的名称，不含引号、反斜杠、“$”或控制字符。"))
    return Names(name, code, name_zh.strip(), name_en.strip())


def _templates():
    return resources.files(__package__) / "templates"


def _walk(folder, relative: tuple[str, ...] = ()):
    """(relative path parts, template file) of every template under ``folder``."""
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _walk(entry, (*relative, entry.name))
        elif entry.name.endswith(TEMPLATE_SUFFIX):
            yield (*relative, entry.name[:-len(TEMPLATE_SUFFIX)]), entry


def render(names: Names) -> dict[str, str]:
    """Relative path → text of every file of the new distribution."""
    values = names.substitutions()
    files = {}
    for parts, template in _walk(_templates()):
        path = "/".join(names.package if p == "package" else p for p in parts)
        files[path] = string.Template(template.read_text(encoding="utf-8")).substitute(values)
    return files


def new_plugin(names: Names, parent: Path) -> Path:
    """Write the new distribution into ``parent/jiazheng-NAME`` and return its folder;
    refuses (:class:`ScaffoldError`) when that folder exists already."""
    target = Path(parent) / names.distribution
    if target.exists():
        raise ScaffoldError("--dir", Msg(
            "{0} exists already; choose another NAME or --dir (nothing was overwritten).",
            "{0} 已存在，请换一个名称或 --dir（未覆盖任何文件）。").format(target))
    files = render(names)
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target
