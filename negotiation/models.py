"""Models of the Hospital negotiation channel (DOMAIN.md)."""
