"""Models of the Filed purchases channel (DOMAIN.md)."""
