"""钟点工 (Hourly help): a service line for Jiazheng."""

__version__ = "0.1.0"
CODE = "hourly_help"
NAME_ZH = "钟点工"
NAME_EN = "Hourly help"
