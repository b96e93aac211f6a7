"""The 钟点工 plugin's hooks: it registers its one service line object."""
from core import hookimpl

from .line import HourlyHelpLine

#: the plugin contract this plugin is written for (see Jiazheng's docs/plugins.md)
JIAZHENG_CONTRACT = "2.0"


@hookimpl
def register_service_lines():
    """The 钟点工 line (line.py)."""
    return [HourlyHelpLine()]
