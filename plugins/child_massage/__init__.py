"""小儿推拿 (Child massage) service line for Jiazheng."""

__version__ = "0.1.0"
CODE = "child_massage"
NAME_ZH = "小儿推拿"
NAME_EN = "Child massage"
