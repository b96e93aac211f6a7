"""Audit: who changed what, and who read which confidential record."""
