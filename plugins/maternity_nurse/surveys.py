"""Satisfaction questionnaire (满意度调查问卷) of the 月嫂 line: pure data, see
docs/complaints.md. Sent the day after 下户 (the ``survey`` follow-up rule)."""
from core import Question, Questionnaire

QUESTIONNAIRE = Questionnaire(questions=(
    Question("overall", "stars", "您对月嫂的服务总体满意吗？",
             "How satisfied are you with the maternity nurse overall?",
             dissatisfied_below=3, overall=True),
    Question("baby_care", "stars", "宝宝护理（喂养、洗澡、抚触）",
             "Care of the baby (feeding, bathing)",
             dissatisfied_below=3),
    Question("mother_care", "stars", "产妇护理与月子餐", "Care of the mother and her meals",
             dissatisfied_below=3),
    Question("attitude", "choice", "月嫂的态度如何？", "How was her attitude?",
             choices=(("good", "热情耐心", "Warm and patient"), ("ok", "一般", "Fair"),
                      ("bad", "不好", "Poor")), dissatisfied_choices=("bad",)),
    Question("recommend", "choice", "您会向亲友推荐这位月嫂吗？", "Would you recommend her?",
             choices=(("yes", "会", "Yes"), ("no", "不会", "No"))),
    Question("comment", "text", "还有什么想告诉我们的？", "Anything else you want to tell us?",
             required=False),
), complaint_category="quality")
