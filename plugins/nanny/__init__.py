"""育婴师 (Nanny (infant-care specialist)) service line for Jiazheng."""

__version__ = "0.1.0"
CODE = "nanny"
NAME_ZH = "育婴师"
NAME_EN = "Nanny (infant-care specialist)"
