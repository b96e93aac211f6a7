"""The maternity nurse (月嫂) plugin's hooks: it registers its one service line object."""
from core import hookimpl

from .line import MaternityNurseLine

#: the plugin contract this plugin is written for (see docs/plugins.md)
JIAZHENG_CONTRACT = "2.0"


@hookimpl
def register_service_lines():
    """The maternity nurse (月嫂) line (line.py)."""
    return [MaternityNurseLine()]
