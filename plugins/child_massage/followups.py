"""Follow-up rules (回访规则) of the child massage (小儿推拿) line: pure data, see
docs/followups.md. After each session: the call that also books the next session."""
from core import FollowupRule, FollowupRules

RULES = FollowupRules(rules=(
    FollowupRule("after_session", "session_end", "phone", "推拿后回访并预约下次",
                 "Call after the session; book the next",
                 "询问宝宝推拿后的状态（睡眠、食欲、症状变化），解答疑问，并预约下次推拿的时间和地点"
                 "（上门或到店）。", "Ask how the child is after the session (sleep, appetite, "
                 "symptoms), answer questions, and book the next session's time and place "
                 "(home or at the company).", hours=2, books_next=True),
))
