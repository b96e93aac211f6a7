"""Customers (客户): customer files, their addresses and confidentiality."""
