"""Credit tests reach across channels (a sanction takes effect in every one): the ordering fixtures."""

from tests.orders.conftest import buyer, his_key, listed, order_lines, storekeeper  # noqa: F401
