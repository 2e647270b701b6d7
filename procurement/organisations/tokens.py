"""The shape of HIS API keys: ``his_<prefix>_<secret>``; only the prefix is stored in clear."""

import re
import secrets

_KEY_RE = re.compile(r"^his_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$")


def generate_key() -> tuple[str, str]:
    """A new key and its prefix: 48 bits to find the row, 256 bits of secret."""
    prefix = secrets.token_hex(6)
    return f"his_{prefix}_{secrets.token_urlsafe(32)}", prefix


def split_key(key: str) -> str | None:
    """The prefix of a well-formed key, or None."""
    match = _KEY_RE.match(key)
    return match.group(1) if match else None
