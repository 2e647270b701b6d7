"""Models of the Prepayment and settlement channel (DOMAIN.md)."""
