"""core.testing's conformance suite (``conformance_tests``) run over the four shipped
plugins, as a plugin author runs it on their own (one line per plugin)."""
from __future__ import annotations

from core.testing import conformance_tests
from plugins.child_massage import hooks as child_massage
from plugins.cleaning import hooks as cleaning
from plugins.maternity_nurse import hooks as maternity_nurse
from plugins.nanny import hooks as nanny

TestCleaning = conformance_tests(cleaning)
TestMaternityNurse = conformance_tests(maternity_nurse)
TestChildMassage = conformance_tests(child_massage)
TestNanny = conformance_tests(nanny)
