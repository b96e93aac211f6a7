"""Appointments: the line-specific steps of an order — 保洁 visits (上门) with their tool
kits (工具包), service sheets (上户表), finish reports and payments; 小儿推拿 sessions
against their package; 月嫂/育婴师 interviews (面试), which the order lifecycle requires
before a contract.

Which lines have which steps is the plugins' answer (``plan_visits``,
``get_session_package``, ``OrderPolicy.needs_interview``); core never names a line.
"""
from . import interviews  # noqa: F401  (registers the lifecycle guard: a passed interview)
