"""Models of the Sunshine listing channel (DOMAIN.md)."""
