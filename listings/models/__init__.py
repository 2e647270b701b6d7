"""Sunshine listing (阳光挂网), DOMAIN.md §3, by sub-domain: declarations, listings and their lifecycle,
price-linkage notices, withdrawals, new-drug expert panels, the annual adjustment."""

from listings.models.adjustment import AdjustmentProposal, AdjustmentRound  # noqa: F401
from listings.models.declarations import MANUFACTURER_OWN, Declaration, DeclarationDocument  # noqa: F401
from listings.models.lifecycle import Listing, ListingTransition  # noqa: F401
from listings.models.linkage import PriceLinkageNotice  # noqa: F401
from listings.models.panels import ExpertPanel, PanelRound  # noqa: F401
from listings.models.withdrawals import WithdrawalRequest  # noqa: F401
