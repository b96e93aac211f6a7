"""Accounts: staff users, roles, sessions for people and bearer tokens for the API."""
