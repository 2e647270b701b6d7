"""Credit tests reach across channels (a sanction or a grade takes effect in every one): their fixtures."""

import pytest
from django.utils import translation

from tests.listings.conftest import clerk_of, declare  # noqa: F401
from tests.orders.conftest import buyer, his_key, listed, order_lines, storekeeper  # noqa: F401
from tests.vbp.conftest import atorvastatin, bidding_round, bureau  # noqa: F401


@pytest.fixture(autouse=True)
def chinese():
    """Grades and measures read in the platform's language, whatever a test before left active."""
    with translation.override("zh-hans"):
        yield
