"""Core's own follow-up rule for hospital internships (实习跟踪, see
:mod:`core.followups.internships`): a check-in every two days. Apart from the internships'
functions because the planning engine looks the rule up, and those functions use the engine.
"""
from __future__ import annotations

from .rules import FollowupRule, FollowupRules

#: days between check-ins
EVERY_DAYS = 2
#: the anchor of the check-ins (internship-only; not an order anchor)
ANCHOR = "internship_start"

CHECK_IN = FollowupRule(
    "internship_check_in", ANCHOR, "phone", "实习跟踪回访", "Internship check-in",
    "实习情况回访：适应情况、医院评价、有无困难",
    "Internship check-in: how she is settling in, the hospital's opinion, any difficulties",
    days=EVERY_DAYS)
#: core's rules for internships (the engine looks them up for the pseudo line)
RULES = FollowupRules(rules=(CHECK_IN,))
