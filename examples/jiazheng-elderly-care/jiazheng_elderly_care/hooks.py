"""The elderly care (养老护理) plugin's hooks: it registers its one service line object."""
from core import hookimpl

from .line import ElderlyCareLine

#: the plugin contract this plugin is written for (see docs/plugins.md)
JIAZHENG_CONTRACT = "2.0"


@hookimpl
def register_service_lines():
    """The elderly care (养老护理) line (line.py)."""
    return [ElderlyCareLine()]
