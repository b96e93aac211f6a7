"""Follow-up cadences (回访节奏): the company's own days, channels and "counted from" of each
service line's follow-up rules, over the plugin's rules (see docs/followups.md)."""
