"""Complaints (投诉) and satisfaction surveys (满意度调查)."""
