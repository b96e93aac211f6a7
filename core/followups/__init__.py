"""Follow-ups (回访): the engine that turns service lines' rules into dated calls, reminds,
escalates and records outcomes. See ``docs/followups.md``."""
