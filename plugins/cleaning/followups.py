"""Follow-up rules (回访规则) of the cleaning (保洁) line: pure data, see docs/followups.md.
Each visit (上门) is an anchor of its own: check calls during it, the finish
confirmation with the customer, and a short call after."""
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
    FollowupRule("finish_confirmation", "visit_end", "phone", "完工确认", "Finish confirmation",
                 "阿姨报完工。与客户确认完工时间和效果，提醒付款（如微信），确认无遗漏。",
                 "The worker reported the finish. Confirm the finish time and result with the "
                 "customer, remind about payment (e.g. WeChat), check nothing was missed.",
                 hours=0),
    FollowupRule("after_call", "visit_end", "phone", "服务后简短回访", "Short follow-up call",
                 "简短回访：对这次保洁满意吗？下次还需要吗？", "Short call: satisfied with the "
                 "cleaning? Would you book again?", days=1),
))
