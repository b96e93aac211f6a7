"""The plugin author's guide keeps up with the plugin contract: every hook specification
in core/hookspecs.py has its own ``### <hook name>`` section in docs/plugins.md."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

from core import hookspecs

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"


def hook_names() -> set[str]:
    """Names of the hook specifications (functions marked with ``@hookspec``)."""
    marker = f"{hookspecs.PROJECT}_spec"
    return {name for name, obj in vars(hookspecs).items()
            if inspect.isfunction(obj) and hasattr(obj, marker)}


def documented_hooks() -> set[str]:
    """``### name`` headings of the guide's "Hooks" chapter."""
    text = GUIDE.read_text(encoding="utf-8")
    chapter = text.split("\n## Hooks\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^### (\w+)\s*$", chapter, flags=re.MULTILINE))


def test_hookspecs_are_found():
    assert "register_service_lines" in hook_names()


def test_every_hook_has_a_section_in_the_plugin_guide():
    missing = hook_names() - documented_hooks()
    assert not missing, f"document these hooks in docs/plugins.md (### <name>): {sorted(missing)}"


def test_the_guide_documents_no_hook_that_does_not_exist():
    stale = documented_hooks() - hook_names()
    assert not stale, f"docs/plugins.md documents hooks that core/hookspecs.py lacks: {stale}"


def test_every_hookspec_says_what_it_returns():
    for name in hook_names():
        assert inspect.getdoc(getattr(hookspecs, name)), f"{name} has no docstring"
