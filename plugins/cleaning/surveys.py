"""Satisfaction questionnaire (满意度调查问卷) of the cleaning (保洁) line: pure data, see
docs/complaints.md. Sent after each visit (the ``survey`` follow-up rule)."""
from core import Question, Questionnaire

QUESTIONNAIRE = Questionnaire(questions=(
    Question("overall", "stars", "您对这次保洁总体满意吗？",
             "How satisfied are you with the cleaning?",
             dissatisfied_below=3, overall=True),
    Question("clean", "choice", "打扫得干净吗？", "Was it clean?",
             choices=(("yes", "很干净", "Spotless"), ("mostly", "基本干净", "Mostly"),
                      ("no", "不干净，有遗漏", "No, places were missed")),
             dissatisfied_choices=("no",)),
    Question("on_time", "choice", "阿姨是否准时到达？", "Did the worker arrive on time?",
             choices=(("yes", "准时", "On time"), ("late", "迟到", "Late")),
             dissatisfied_choices=()),
    Question("damage", "choice", "家中物品有无损坏？", "Was anything damaged?",
             choices=(("no", "没有", "No"), ("yes", "有损坏", "Yes")),
             dissatisfied_choices=("yes",)),
    Question("comment", "text", "还有什么想告诉我们的？", "Anything else you want to tell us?",
             required=False),
), complaint_category="quality")
