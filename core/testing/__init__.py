"""The plugin author's kit (``core.testing``).

- :mod:`core.testing.conformance`: ``problems_of(line)`` / ``assert_conforms(line)``,
  the conformance checks of a service line object;
- :mod:`core.testing.suite`: ``conformance_tests(plugin)``, the suite a plugin runs on
  itself with one line (``TestConformance = conformance_tests(hooks)``): for each line
  it declares, the pure checks, its intake form page, its sample order's quote, its
  matching scores the same in SQL, Python and vectorised, and — for a line with
  follow-up rules planned on 上户 — the follow-ups of its sample order in service;
- :mod:`core.testing.strategies`: ``intakes(schema)``, a hypothesis strategy of raw
  intakes drawn from an intake schema's fields (what the conformance check quotes);
- :mod:`core.testing.plugin`: the pytest plugin (entry point ``pytest11``) with the
  fixtures ``jz_app``, ``jz_client``, ``jz_make`` (see docs/plugins.md, "The kit").
"""
from .conformance import assert_conforms, problems_of
from .suite import conformance_tests

__all__ = ["assert_conforms", "conformance_tests", "problems_of"]
