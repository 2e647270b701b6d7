"""Models of the Supervision channel (DOMAIN.md)."""
