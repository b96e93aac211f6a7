"""Fixtures of the placing tests: the appointments' customer, workers and orders."""
from tests.appointments.conftest import customer_id, desk, new_order, worker_for  # noqa: F401
