"""Satisfaction surveys (满意度调查): questionnaires, personal links, answers, results."""
