"""Supervision reads every channel: the ordering fixtures."""

from tests.orders.conftest import buyer, listed, storekeeper  # noqa: F401
