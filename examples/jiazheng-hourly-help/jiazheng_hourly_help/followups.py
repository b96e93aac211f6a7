"""Follow-up rules (回访规则) of the 钟点工 line: pure data (Jiazheng's docs/followups.md
has the format). Each visit is an anchor of its own: the customer gets the survey link
two hours after it ends, and a call the next day."""
from core import FollowupRule, FollowupRules

RULES = FollowupRules(rules=(
    FollowupRule("survey", "visit_end", "survey", "上门后满意度调查",
                 "Satisfaction survey after the visit",
                 "系统向客户发送满意度调查链接（短信/微信）；客户收不到时，请在电话中代为填写。",
                 "The customer is sent the survey link (SMS/WeChat); if she cannot get it, "
                 "fill it in during a call.", hours=2),
    FollowupRule("day1", "visit_end", "phone", "上门后第1天回访", "Day-1 call after the visit",
                 "致电客户：阿姨准时吗？活干得怎么样？下次还约吗？",
                 "Call the customer: was the worker on time? How was the work? Book again?",
                 days=1, on_not_satisfied="mediation"),
))
