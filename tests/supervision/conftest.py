"""Supervision reads every channel: the ordering fixtures."""

import pytest
from django.utils import translation

from tests.orders.conftest import buyer, listed, storekeeper  # noqa: F401


@pytest.fixture(autouse=True)
def chinese():
    """Findings and flags explain themselves in the platform's language, whatever a test before left active."""
    with translation.override("zh-hans"):
        yield
