"""保洁 (Cleaning) service line for Jiazheng."""

__version__ = "0.1.0"
CODE = "cleaning"
NAME_ZH = "保洁"
NAME_EN = "Cleaning"
