"""The web shell: home page, language switch, health check."""
