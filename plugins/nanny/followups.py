"""Follow-up rules (回访规则) of the nanny / infant-care (育婴师) line: pure data, see
docs/followups.md. "Day N" is N days after 上户 (start on the 2nd → day 3 is the 5th)."""
from core import Condition, FollowupRule, FollowupRules

RULES = FollowupRules(rules=(
    FollowupRule("day3", "service_start", "phone", "上户第3天回访", "Day-3 call",
                 "您好，育婴师上户三天了：她的态度、卫生习惯怎么样？孩子的饮食、作息、早教陪伴照顾得好吗？"
                 "沟通顺畅吗？整体满意吗？",
                 "Hello, the nanny started three days ago: her attitude and hygiene? The child's "
                 "meals, routine and play? Is communication smooth? Satisfied overall?",
                 days=3, on_not_satisfied="mediation"),
    FollowupRule("day5", "service_start", "phone", "上户第5天回访", "Day-5 call",
                 "第3天回访客户满意。再次确认育婴师的表现是否保持，孩子是否适应。",
                 "The customer was satisfied on day 3. Check the nanny keeps it up and the child "
                 "has settled.", days=5, when=Condition("day3", "satisfied")),
    FollowupRule("day15", "service_start", "phone", "上户第15天回访（电话或微信）",
                 "Day-15 call (phone or WeChat)",
                 "上户半个月：对育婴师满意吗？孩子有什么变化？有其他需求吗？",
                 "Two weeks in: satisfied with the nanny? How is the child doing? Other needs?",
                 days=15),
    FollowupRule("holiday_greeting", "holiday_in_service", "greeting", "节日问候",
                 "Holiday greeting", "发送节日祝福（微信），问候客户一家。",
                 "Send holiday wishes (WeChat) to the family.", days=0, at="09:00"),
    FollowupRule("end_of_service", "service_end", "phone", "下户满意度回访",
                 "End-of-service satisfaction call",
                 "育婴师已下户。请客户为她打分（1–5 分：总体、态度、技能、效率、沟通），"
                 "并问是否愿意再次选择或推荐她。", "The nanny has left. Ask the customer to score "
                 "her (1–5: overall, attitude, skill, efficiency, communication) and whether "
                 "they would choose or recommend her again.", days=1, evaluation=True),
    FollowupRule("mediation_worker", "mediation_opened", "phone", "调解：联系育婴师了解情况",
                 "Mediation: hear the nanny's side",
                 "客户不满意。安抚客户，联系育婴师了解情况，找出原因，商定解决办法（必要时换人）。",
                 "The customer is not satisfied. Calm the customer, hear the nanny, find the "
                 "cause and agree a resolution (a replacement if needed).", hours=2),
    FollowupRule("mediation_check", "mediation_opened", "phone", "调解跟进",
                 "Mediation follow-up", "确认商定的解决办法已执行，双方是否接受。",
                 "Check the agreed resolution is carried out and both sides accept it.", days=2),
    FollowupRule("mediation_closed", "mediation_resolved", "phone", "调解结案后回访",
                 "Call after the mediation closed", "结案三天后：问题是否解决？客户是否满意？",
                 "Three days after closing: is it solved? Is the customer satisfied?", days=3),
    FollowupRule("survey", "service_end", "survey", "下户满意度调查",
                 "End-of-service satisfaction survey",
                 "系统向客户发送满意度调查链接（短信/微信）；客户收不到时，请在电话中代为填写。",
                 "The customer is sent the survey link (SMS/WeChat); if she cannot "
                 "get it, fill it in during a call.", days=2),
))
