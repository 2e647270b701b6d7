"""Credit tests reach across channels (a sanction or a grade takes effect in every one): their fixtures."""

from tests.listings.conftest import clerk_of, declare  # noqa: F401
from tests.orders.conftest import buyer, his_key, listed, order_lines, storekeeper  # noqa: F401
from tests.vbp.conftest import atorvastatin, bidding_round, bureau  # noqa: F401
