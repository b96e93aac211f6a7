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
    FollowupRule("survey", "session_end", "survey", "推拿后满意度调查",
                 "Satisfaction survey after the session",
                 "系统向客户发送满意度调查链接（短信/微信）；客户收不到时，请在电话中代为填写。",
                 "The customer is sent the survey link (SMS/WeChat); if she cannot "
                 "get it, fill it in during a call.", hours=3),
))
