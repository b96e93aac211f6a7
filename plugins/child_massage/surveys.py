"""Satisfaction questionnaire (满意度调查问卷) of the child massage (小儿推拿) line: pure
data, see docs/complaints.md. Sent after each session (the ``survey`` follow-up rule)."""
from core import Question, Questionnaire

QUESTIONNAIRE = Questionnaire(questions=(
    Question("overall", "stars", "您对这次推拿总体满意吗？",
             "How satisfied are you with the session?",
             dissatisfied_below=3, overall=True),
    Question("gentle", "choice", "推拿师手法是否轻柔，宝宝是否配合？",
             "Was the therapist gentle, did the child take to it?",
             choices=(("yes", "是", "Yes"), ("partly", "一般", "Partly"),
                      ("no", "宝宝很抗拒或不适", "No, the child was upset or hurt")),
             dissatisfied_choices=("no",)),
    Question("comment", "text", "宝宝推拿后的变化或其他意见",
             "How is the child since, any other remark?",
             required=False),
), complaint_category="quality")
