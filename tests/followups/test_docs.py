"""Plugin authors' documentation: every follow-up hook has its section in docs/plugins.md,
and the rule example in docs/followups.md is valid rules."""
from __future__ import annotations

import re
from pathlib import Path

from core.followups.rules import FollowupRules, problems

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_each_follow_up_hook_has_a_section_in_the_plugin_guide():
    text = (DOCS / "plugins.md").read_text(encoding="utf-8")
    for hook in ("get_followup_rules", "register_notification_channels"):
        assert re.search(rf"^### {hook}\b", text, re.M), hook


def test_the_rule_example_for_plugin_authors_is_valid():
    text = (DOCS / "followups.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(example, "docs/followups.md", "exec"), namespace)  # noqa: S102
    assert isinstance(namespace["RULES"], FollowupRules)
    assert problems(namespace["RULES"]) == []
