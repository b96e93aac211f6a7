"""月嫂 (Maternity nurse) service line for Jiazheng."""

__version__ = "0.1.0"
CODE = "maternity_nurse"
NAME_ZH = "月嫂"
NAME_EN = "Maternity nurse"
