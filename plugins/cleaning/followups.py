"""Follow-up rules (回访规则) of the cleaning (保洁) line: pure data, see docs/followups.md.
Each visit (上门) is an anchor of its own: check calls during it, and the finish
confirmation with the customer that is also the short follow-up (004: 立即给顾客打电话
确认 … 做简单回访) — one call, not a second one the next day."""
from core import FollowupRule, FollowupRules

RULES = FollowupRules(rules=(
    FollowupRule("check_1", "visit_start", "phone", "服务中检查电话", "Check call during the visit",
                 "联系阿姨（或客户）：是否按时到达？工具是否齐全？有无特殊情况？",
                 "Call the worker (or customer): arrived on time? Tools complete? Anything "
                 "unusual?", hours=1),
    FollowupRule("check_2", "visit_start", "phone", "服务中第二次检查电话",
                 "Second check call during the visit",
                 "长时间服务的第二次检查：进度如何？预计几点完工？",
                 "Second check on a long visit: progress? Expected finish time?",
                 hours=3, min_span_hours=4),
    FollowupRule("finish_confirmation", "visit_end", "phone", "完工确认及简单回访",
                 "Finish confirmation and short follow-up",
                 "阿姨报完工后立即致电客户：确认完工时间，并在同一通电话里做简单回访——对这次保洁"
                 "满意吗？有无遗漏？提醒付款（如微信）。",
                 "Right after the worker reports the finish, call the customer: confirm the "
                 "finish time and, in the same call, make the short follow-up — satisfied "
                 "with the cleaning? Anything missed? Remind about payment (e.g. WeChat).",
                 hours=0),
    FollowupRule("survey", "visit_end", "survey", "保洁后满意度调查",
                 "Satisfaction survey after the visit",
                 "系统向客户发送满意度调查链接（短信/微信）；客户收不到时，请在电话中代为填写。",
                 "The customer is sent the survey link (SMS/WeChat); if she cannot "
                 "get it, fill it in during a call.", hours=2),
))
