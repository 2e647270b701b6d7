"""Models of the Volume-based procurement channel (DOMAIN.md)."""
