"""Service lines as the loaded plugins register them."""
