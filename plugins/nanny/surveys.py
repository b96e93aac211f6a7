"""Satisfaction questionnaire (满意度调查问卷) of the nanny (育婴师) line: pure data, see
docs/complaints.md. Sent the day after 下户 (the ``survey`` follow-up rule)."""
from core import Question, Questionnaire

QUESTIONNAIRE = Questionnaire(questions=(
    Question("overall", "stars", "您对育婴师的服务总体满意吗？",
             "How satisfied are you with the nanny overall?", dissatisfied_below=3,
             overall=True),
    Question("child", "stars", "孩子的照顾与早教", "Care and early learning of the child",
             dissatisfied_below=3),
    Question("safety", "choice", "服务中有无安全隐患？", "Any safety concern during the service?",
             choices=(("no", "没有", "No"), ("yes", "有", "Yes")),
             dissatisfied_choices=("yes",)),
    Question("again", "choice", "下次还愿意请她吗？", "Would you hire her again?",
             choices=(("yes", "愿意", "Yes"), ("no", "不愿意", "No")),
             dissatisfied_choices=("no",)),
    Question("comment", "text", "还有什么想告诉我们的？", "Anything else you want to tell us?",
             required=False),
), complaint_category="quality")
