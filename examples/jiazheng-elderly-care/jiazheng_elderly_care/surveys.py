"""Satisfaction questionnaire (满意度调查问卷) of the elderly care (养老护理) line."""
from core import Question, Questionnaire

QUESTIONNAIRE = Questionnaire(questions=(
    Question("overall", "stars", "您对护理员的服务总体满意吗？",
             "How satisfied are you with the carer overall?", dissatisfied_below=3,
             overall=True),
    Question("respect", "choice", "护理员对老人是否尊重、耐心？",
             "Was the carer respectful and patient with the elder?",
             choices=(("yes", "是", "Yes"), ("no", "否", "No")), dissatisfied_choices=("no",)),
    Question("comment", "text", "还有什么想告诉我们的？", "Anything else you want to tell us?",
             required=False),
), complaint_category="attitude")
