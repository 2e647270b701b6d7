"""Access to the policy values DOMAIN.md marks "our choice" (settings.PROCUREMENT_POLICY)."""

from typing import Any

from django.conf import settings


def policy(name: str) -> Any:
    """Return the configured value of one policy setting; an unknown name is a programming error."""
    return settings.PROCUREMENT_POLICY[name]
