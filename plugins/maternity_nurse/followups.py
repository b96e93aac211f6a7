"""Follow-up rules (回访规则) of the maternity nurse (月嫂) line: pure data, see
docs/followups.md. "Day N" is N days after 上户 (start on the 2nd → day 3 is the 5th)."""
from core import Condition, FollowupRule, FollowupRules

_DAY3_ZH = ("您好，我是家政公司的客服。阿姨上户三天了，想了解一下：\n"
            "1. 阿姨的工作态度、卫生习惯怎么样？\n2. 宝宝喂养、洗澡、睡眠照顾得好吗？\n"
            "3. 妈妈的护理和月子餐满意吗？\n4. 作息和沟通上有没有不习惯的地方？\n"
            "整体上您满意吗？有需要改进的地方请直接告诉我们。")
_DAY3_EN = ("Hello, this is customer service. The nurse started three days ago; we'd like to ask:\n"
            "1. Her attitude and hygiene?\n2. Feeding, bathing and sleep care of the baby?\n"
            "3. Care and meals for the mother?\n4. Anything about routine or communication?\n"
            "Are you satisfied overall? Tell us anything to improve.")

RULES = FollowupRules(
    rules=(
        FollowupRule("day3", "service_start", "phone", "上户第3天回访", "Day-3 call",
                     _DAY3_ZH, _DAY3_EN, days=3, on_not_satisfied="mediation"),
        FollowupRule("day5", "service_start", "phone", "上户第5天回访", "Day-5 call",
                     "第3天回访客户满意。再次确认：阿姨各方面是否保持？宝宝和妈妈状态如何？",
                     "The customer was satisfied on day 3. Check again: is the nurse keeping it "
                     "up? How are baby and mother?", days=5, when=Condition("day3", "satisfied")),
        FollowupRule("day15", "service_start", "phone", "上户第15天回访（电话或微信）",
                     "Day-15 call (phone or WeChat)",
                     "服务过半：阿姨的护理和沟通是否满意？宝宝体重、黄疸、睡眠情况？有无续约或其他需求？",
                     "Halfway: satisfied with care and communication? Baby's weight, jaundice, "
                     "sleep? Any wish to extend or other needs?", days=15),
        FollowupRule("holiday_greeting", "holiday_in_service", "greeting", "节日问候",
                     "Holiday greeting",
                     "发送节日祝福（微信），问候产妇和家人，感谢对阿姨工作的支持。",
                     "Send holiday wishes (WeChat) to the mother and family, thanking them for "
                     "supporting the nurse.", days=0, at="09:00"),
        FollowupRule("photo_booking", "baby_birth", "partner_booking", "预约满月上门拍照",
                     "Book the one-month home photo shoot",
                     "宝宝满月（出生后30天）前，联系合作影楼预约免费上门拍照和相册，并告知客户时间。",
                     "Before the baby is one month old (30 days), book the partner photo "
                     "studio's free home visit for photos and an album; tell the customer the "
                     "time.", days=20),
        FollowupRule("end_of_service", "service_end", "phone", "下户满意度回访",
                     "End-of-service satisfaction call",
                     "阿姨已下户。请客户为阿姨打分（1–5 分：总体、态度、技能、效率、沟通），"
                     "并问：是否愿意再次选择或推荐这位阿姨？",
                     "The nurse has left. Ask the customer to score her (1–5: overall, "
                     "attitude, skill, efficiency, communication) and whether they would "
                     "choose or recommend her again.",
                     days=1, evaluation=True),
        FollowupRule("mediation_worker", "mediation_opened", "phone", "调解：联系阿姨了解情况",
                     "Mediation: hear the nurse's side",
                     "客户不满意。先安抚客户，再联系阿姨了解情况，找出原因，商定解决办法（必要时换人）。",
                     "The customer is not satisfied. Calm the customer, hear the nurse, find the "
                     "cause and agree a resolution (a replacement if needed).", hours=2),
        FollowupRule("mediation_check", "mediation_opened", "phone", "调解跟进",
                     "Mediation follow-up",
                     "确认商定的解决办法已执行，客户和阿姨是否都接受。",
                     "Check the agreed resolution is carried out and both sides accept it.",
                     days=2),
        FollowupRule("mediation_closed", "mediation_resolved", "phone", "调解结案后回访",
                     "Call after the mediation closed",
                     "调解结案三天后：问题是否真正解决？客户现在是否满意？",
                     "Three days after closing: is the problem really solved? Is the customer "
                     "satisfied now?", days=3),
        FollowupRule("survey", "service_end", "survey", "下户满意度调查",
                     "End-of-service satisfaction survey",
                     "系统向客户发送满意度调查链接（短信/微信）；客户收不到时，请在电话中代为填写。",
                     "The customer is sent the survey link (SMS/WeChat); if she cannot "
                     "get it, fill it in during a call.", days=2),
    ),
    intake_anchors={"baby_birth": ("actual_birth_date", "expected_delivery_date")},
    term_days_field="term_days",
)
