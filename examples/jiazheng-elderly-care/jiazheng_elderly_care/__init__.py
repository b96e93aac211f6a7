"""养老护理 (Elderly care): an example third-party service line for Jiazheng."""

__version__ = "0.1.0"
CODE = "elderly_care"
NAME_ZH = "养老护理"
NAME_EN = "Elderly care"
