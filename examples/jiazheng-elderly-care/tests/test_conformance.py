"""The 养老护理 line passes core's conformance suite (core.testing.conformance_tests):
the line's own checks, its intake form page, its sample order's quote, and its matching
scores the same in SQL, Python and vectorised, in an app with core and this plugin."""
from __future__ import annotations

from jiazheng_elderly_care import hooks

from core.testing import conformance_tests

TestConformance = conformance_tests(hooks)
